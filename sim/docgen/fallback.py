"""Descriptions of the fields and blocks the code leaves without a docstring or a
``Field(description=...)``: of the scenario file, of a cadence and of the Python strategy
interface."""

FALLBACK: dict[str, str] = {
    "Scenario.name": "Name of the scenario; `followup run` writes into `reports/<name>/`.",
    "Scenario.description": "Free text about the market, shown in the report.",
    "Calendar.workday_hours": "Length of the working day in hours.",
    "Calendar.always_on_share": "Share of always-on prospects, who also read their inboxes "
    "in the evening (inboxes with `evening: true`).",
    "Calendar.evening_start": "Start of the evening reading window of always-on prospects.",
    "Calendar.reception_open": "Time the receptionist starts answering the main line.",
    "Segments.buyer": "Share of buyers: real fits whose need rises and falls (urgency); they "
    "book a meeting when they reply positively while in market.",
    "Segments.info_seeker": "Share of information seekers: a positive reply ends in a "
    "conversation, not a meeting (unless the rep withholds the information).",
    "Segments.non_fit": "Share of prospects who will never buy: their positive reply counts "
    "as a no.",
    "Loads.email": "Emails a day competing with yours.",
    "Loads.voicemail": "Voicemails a day competing with yours.",
    "Loads.text": "Text messages a day competing with yours.",
    "Loads.social": "Social-network messages a day competing with yours.",
    "Loads.mail": "Letters a day competing with yours.",
    "Loads.parcel": "Parcels a day (FedEx envelopes and gifts land here).",
    "Loads.fax": "Faxes a day (prospects without a fax receive none).",
    "Interruptions.per_day": "Interruptions per working day (calls, colleagues at the desk); "
    "an interrupted prospect cannot take your call.",
    "Interruptions.mean_minutes": "Mean length of an interruption in minutes (exponential).",
    "Meetings.min_minutes": "Shortest meeting in minutes (lengths are uniform between the "
    "shortest and the longest).",
    "Meetings.max_minutes": "Longest meeting in minutes.",
    "Screening.reciprocity_weight": "Logit bonus per unit of reciprocity (promises kept, gifts "
    "read).",
    "Screening.favored_bonus": "Logit bonus when the phone is the prospect's favoured venue.",
    "FavoredChannel.email": "Share of prospects who prefer email.",
    "FavoredChannel.phone": "Share of prospects who prefer the phone.",
    "FavoredChannel.text": "Share of prospects who prefer text messages.",
    "FavoredChannel.social": "Share of prospects who prefer a social network.",
    "Away.min_days": "Shortest away period in business days (lengths are uniform between the "
    "shortest and the longest).",
    "Away.max_days": "Longest away period in business days.",
    "Population.in_office": "Chance per business day that the prospect works at the office: "
    "a desk call needs it, a cell call does not.",
    "Population.fax_share": "Share of prospects with a fax machine; a fax to the others is "
    "undeliverable.",
    "Population.tolerance": "How much annoyance a prospect puts up with before opting out.",
    "Population.initial_recall": "How well the prospect remembers you on day 0 (0: never heard "
    "of you).",
    "Urgency.mu": "Long-run mean of urgency.",
    "Urgency.kappa": "Speed at which urgency returns to its mean, per business day.",
    "Urgency.sigma": "Volatility of urgency per business day.",
    "Urgency.theta": "A buyer whose urgency is at or above this is in market: ready to meet.",
    "Decay.annoyance_half_life": "Business days for annoyance to halve.",
    "Decay.recall_half_life": "Business days for recall to halve.",
    "Salience.value": "Added for a message that carries value.",
    "Salience.referral": "Added for an introduction by a mutual contact.",
    "Salience.favored": "Added for a message on the prospect's favoured venue.",
    "Salience.priming": "Added for a message read within `priming_days` of a call that rang or "
    "a voicemail heard.",
    "Salience.habituation": "Subtracted for each earlier read of the same template.",
    "InboxHabits.triage_per_day": "Triage sessions per working day, spread evenly over working "
    "hours; each reads the items that arrived since the last one.",
    "Inboxes": "How each inbox is read: triage sessions per day and items read per session.",
    "ChannelSpec.rep_minutes": "Rep minutes per touch.",
    "ChannelSpec.cost": "Money per touch (postage, courier, the gift).",
    "ChannelSpec.annoyance": "Annoyance added when the prospect perceives the touch (a ring, a "
    "message read); negative for a gift.",
    "ChannelSpec.recall": "Recall added when the prospect perceives the touch.",
    "ChannelSpec.salience": "The channel's own salience in the inbox (messages only).",
    "ChannelSpec.delay_days": "Business days between sending and arrival.",
    "Channels": "The numbers of each channel: rep time, money, annoyance, recall, salience and "
    "delay. The channels themselves are fixed by the model.",
    "FavoredChannel": "The venue each prospect prefers to be reached on; shares add up to 1. "
    "Ground rules reveal it to the rep; a touch on it gets salience and reply bonuses.",
    "Segments": "What kind of prospect each one is; shares add up to 1.",
    "Fear": "Whether a prospect who means no says so.",
    "Away": "Away periods (travel, holidays): calls go unanswered and messages unread.",
    "Meetings": "The prospect's own meetings, during which your call cannot be taken.",
    "Interruptions": "Short interruptions during working hours.",
    "Screening": "Whether a prospect picks up a ringing phone: a logit with these terms.",
    "Population": "Who the prospects are and what their days look like.",
    "Calendar": "The simulated business days and the prospect's working hours.",
    "Decay": "How fast annoyance and recall fade (per business day, weekends excluded).",
    "Competitors": "Competitors who sell to your prospects while you wait.",
    "SegmentWeights.buyer": "For buyers.",
    "SegmentWeights.info_seeker": "For information seekers.",
    "SegmentWeights.non_fit": "For non-fits.",
    "Response.b_pos": "Intercept of a positive reply, by segment.",
    "Response.b_no": "Intercept of a no, by segment.",
    "Response.w_urgency": "Weight of being in market on a positive reply.",
    "Response.w_value": "Weight of a message with value.",
    "Response.w_recall": "Weight of recall, as r / (1 + r).",
    "Response.w_recip": "Weight per unit of reciprocity.",
    "Response.w_favored": "Weight of a touch on the prospect's favoured venue.",
    "Response.w_live": "Weight of a live conversation.",
    "Response.w_breakup": "Weight of a break-up message on a positive reply.",
    "Response.w_annoy": "Weight of annoyance over tolerance (subtracted).",
    "Response.w_breakup_no": "Weight of a break-up message on a no.",
    "Response.w_escalated": "Weight once the rep's manager has called the prospect's boss.",
    "Response.w_referral": "Weight of an introduction by a mutual contact.",
    "Response.w_habituation": "Weight per earlier read of the same template (subtracted).",
    "Response.p_win": "Chance that a meeting with a buyer becomes a won deal.",
    "Response.info_seeker_meeting_if_withheld": "Chance that an information seeker denied the "
    "information (`withhold_info`) agrees to a meeting.",
    "Tracking.enabled": "Whether the rep sees email opens at all.",
    "Tracking.miss": "Chance that a read email does not show as opened (images blocked).",
    "Tracking.false_open": "Chance that an unread email shows as opened (privacy proxies).",
    "Lognormal.median": "Median across prospects.",
    "Lognormal.sigma": "Standard deviation of the logarithm (0.5: the middle half of prospects "
    "lies within about 0.7 to 1.4 times the median).",
    "Uniform.low": "Lowest value.",
    "Uniform.high": "Highest value.",
    "Constant.value": "The value.",
    "CadenceSpec.description": "What the strategy does, in plain words.",
    "CadenceSpec.source": "Where the advice comes from.",
    "CadenceSpec.claim": "The claim the strategy tests.",
    "CadenceSpec.mechanisms": "The mechanisms of the model it works through.",
    "CadenceSpec.max_touches": "The most touches a prospect receives (no limit when left out).",
    "PhaseSpec.cycles": "How many times the steps run (with `repeat_every`; no limit when left "
    "out).",
    "PhaseSpec.then": "Where to go when the steps are done: a phase name, or `stop`.",
    "PhaseSpec.on_positive": "Where to go after a positive reply: a phase name, `stop` or "
    "`continue` (stay in the phase).",
    "PhaseSpec.on_no": "Where to go after an explicit no: a phase name, `stop` or `continue`.",
    # a cadence (strategy file) and the Python strategy interface
    "CadenceSpec.phases": "The phases; every prospect starts in the first one.",
    "PhaseSpec.name": "The phase's name, the target of `then`, `on_positive`, `on_no` and "
    "`on_open`.",
    "PhaseSpec.steps": "The touches of the phase, in order of their `day`.",
    "StepSpec.day": "Business days after the phase starts (in a repeating phase, after the "
    "cycle starts).",
    "StepSpec.time": "The prospect's local time, between 00:05 and 23:50; with a list, cycle "
    "c uses the entry c modulo the list's length.",
    "StepSpec.fallback": "The channel used for `favored` until the rep knows the prospect's venue.",
    "StepSpec.template": "The message's name: reading the same template again habituates the "
    "prospect (see `vary_template`).",
    "Strategy.name": "The name results are reported under.",
    "Strategy.description": "What the strategy does, in plain words.",
    "Strategy.source": "Where the advice comes from.",
    "Observations.n": "Number of prospects in the arrays: the prospects an engine simulates "
    "together (a chunk in the vector engine), not necessarily the whole run.",
    "Observations.attempts": "Touches made so far.",
    "Observations.last_touch_day": "Day of the last touch.",
    "Observations.last_pickup_day": "Day of the last live conversation (a call picked up).",
    "Observations.last_voicemail_day": "Day the rep last left a voicemail.",
    "Observations.last_positive_day": "Day of the last positive reply (or the meeting).",
    "Observations.last_no_day": "Day of the last explicit no (or 'bought elsewhere').",
    "Observations.memory": "The strategy's own per-prospect arrays, kept from day to day: "
    "put any state here, never on the strategy object.",
    "TouchPlan.channel": "`Channel` code of each touch; -1: no touch.",
    "TouchPlan.minute": "Minute of the day (the prospect's clock), e.g. `parse_time('16:30')`.",
    "TouchPlan.template": "Index into the strategy's `templates`.",
    "TouchPlan.flags": "Options, as bits of `Opt` (e.g. `Opt.value | Opt.vary_template`).",
}
"""Descriptions for fields (``Class.field``) and blocks (``Class``) that have no docstring or
description in the code; the code's own text wins whenever there is one."""
