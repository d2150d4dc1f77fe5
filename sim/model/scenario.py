"""The scenario: every parameter of the behaviour model, with its default, validated.

This module is the one place where defaults are declared. ``docs/model.md`` says where each
one comes from; ``scenarios/baseline.yaml`` spells every one of them out. Unknown keys are
rejected everywhere, so a typo in a scenario file is an error, not a silently ignored value.
It runs over 500 lines because every parameter block of the model is declared here, each with
its default, its range and what it means, so that a reader finds them all in one place.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from sim.model.channels import Channel, Inbox
from sim.model.clock import format_time, parse_time
from sim.model.distributions import Constant, Distribution, Lognormal, Uniform, Within
from sim.model.meetings import max_meeting_share

Prob = Annotated[float, Field(ge=0, le=1)]
Weight = Annotated[float, Field(ge=-20, le=20)]
Load = Annotated[Distribution, Within(0, 10_000)]
"""Competing items per workday in an inbox."""
Tolerance = Annotated[Distribution, Within(0.1, 1e9)]
"""Annoyance put up with before opting out: positive (0 would opt everyone out at once); 1e9
switches opting out off."""
Recall = Annotated[Distribution, Within(0, 50)]
"""Recall, on the scale of the channels' ``recall`` (0 to 50)."""
URGENCY_BOUND = 100
"""Urgency levels (``mu``, ``theta``, ``initial``) lie within +-100: a hundred stationary sds
of the defaults, so +-100 is a way to switch the market on or off, and anything beyond is
not a number the model can use."""
UrgencyLevel = Annotated[Distribution, Within(-URGENCY_BOUND, URGENCY_BOUND)]
"""Urgency, on the scale of ``mu`` and ``theta``."""
MinuteOfDay = Annotated[Uniform, Within(0, 1440)]


def _check_time(v: str) -> str:
    parse_time(v)
    return v


def quoted_time(v: Any) -> Any:
    """A time of day written without quotes (YAML reads ``19:00`` as the number 1140) is an
    error that says so."""
    if isinstance(v, int) and not isinstance(v, bool) and 0 <= v < 1440:
        raise ValueError(
            f'a time of day must be quoted: "{v // 60:02d}:{v % 60:02d}" (unquoted, YAML reads '
            f"{v // 60}:{v % 60:02d} as the number {v})"
        )
    return v


TimeOfDay = Annotated[str, BeforeValidator(quoted_time), Field(description="time of day, HH:MM")]


def hour_profile(v: dict[int, float], *, empty: bool) -> dict[int, float]:
    """An hour profile's rule: hours 0 to 23, weights 0 to 1000, some weight positive (an empty
    profile only where ``empty`` allows it)."""
    for hour, w in v.items():
        if not 0 <= hour <= 23:
            raise ValueError(f"hours must be 0 to 23, got {hour}")
        if not 0 <= w <= 1000:
            raise ValueError(f"weights must be >= 0 and <= 1000, got {w} at hour {hour}")
    if (v or not empty) and sum(v.values()) <= 0:
        raise ValueError("at least one hour must have a positive weight")
    return v


class Params(BaseModel):
    """Base of every parameter block: frozen, unknown keys rejected."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, validate_default=True, allow_inf_nan=False
    )


class Calendar(Params):
    horizon_days: int = Field(default=60, ge=1, le=2000, description="business days simulated")
    workday_start: MinuteOfDay = Uniform(low=450, high=570)
    """Start of the working day in minutes after midnight (07:30 to 09:30)."""
    workday_hours: float = Field(default=9.0, gt=1, le=16)
    always_on_share: Prob = 0.4
    evening_start: TimeOfDay = "19:00"
    evening_end: TimeOfDay = "22:00"
    """Always-on prospects read in the evening: one triage session at the window's middle."""
    reception_open: TimeOfDay = "08:00"
    reception_close: TimeOfDay = "18:00"
    """Hours when a receptionist answers the company's main line."""

    _t1 = field_validator("evening_start", "evening_end", "reception_open", "reception_close")(
        _check_time
    )

    @property
    def evening_session(self) -> float:
        return (parse_time(self.evening_start) + parse_time(self.evening_end)) / 2

    @model_validator(mode="after")
    def _sane(self) -> Calendar:
        if not 0 <= self.workday_start.low <= self.workday_start.high:
            raise ValueError("workday_start must lie within the day (minutes >= 0)")
        if self.workday_start.high + self.workday_hours * 60 > parse_time(self.evening_start):
            raise ValueError("the working day must end before the evening reading starts")
        if parse_time(self.evening_end) <= parse_time(self.evening_start):
            raise ValueError("evening_end must come after evening_start")
        if parse_time(self.reception_close) <= parse_time(self.reception_open):
            raise ValueError("reception_close must come after reception_open")
        return self


class Segments(Params):
    buyer: Prob = 0.30
    info_seeker: Prob = 0.10
    non_fit: Prob = 0.60

    @model_validator(mode="after")
    def _sum(self) -> Segments:
        total = self.buyer + self.info_seeker + self.non_fit
        if abs(total - 1) > 1e-6:
            raise ValueError(f"segment shares must add up to 1, they add up to {total:g}")
        return self


class Loads(Params):
    """Competing items per workday in each inbox, lognormal across prospects."""

    email: Load = Lognormal(median=164, sigma=0.5)
    """The median fitted by ``followup calibrate cold-outbound`` (scenarios/fits/cold-outbound.yaml:
    cold email reply rates; MODEL.md's "100+ emails a day" is its prior's middle)."""
    voicemail: Load = Lognormal(median=40, sigma=0.5)
    text: Load = Lognormal(median=15, sigma=0.5)
    social: Load = Lognormal(median=8, sigma=0.5)
    mail: Load = Lognormal(median=3, sigma=0.5)
    parcel: Load = Constant(value=0.05)
    fax: Load = Constant(value=0.5)


class Interruptions(Params):
    per_day: float = Field(default=56, ge=0, le=1000)
    mean_minutes: float = Field(default=3.0, gt=0, le=120)


def _default_profile() -> dict[int, float]:
    return {
        7: 0.3, 8: 0.7, 9: 1.0, 10: 1.2, 11: 1.1, 12: 0.6,
        13: 0.9, 14: 1.0, 15: 0.8, 16: 0.45, 17: 0.3, 18: 0.15,
    }  # fmt: skip


class Meetings(Params):
    share: float = Field(default=0.35, ge=0, lt=0.95, description="share of working time")
    min_minutes: int = Field(default=30, ge=5, le=480)
    max_minutes: int = Field(default=60, ge=5, le=480)
    hour_profile: dict[int, float] = Field(default_factory=_default_profile)
    """Relative rate of meeting starts by clock hour (hours not listed: no meetings start)."""
    hour_contrast: float = Field(default=2.96, ge=0, le=10)
    """Exponent applied to the hour profile's weights: above 1 the busy hours get busier and
    the quiet ones quieter (the profile's shape is a modelling choice; its contrast is fitted
    to the published contact rates by hour, docs/model.md section 11)."""

    @field_validator("hour_profile")
    @classmethod
    def _profile(cls, v: dict[int, float]) -> dict[int, float]:
        return hour_profile(v, empty=False)

    @model_validator(mode="after")
    def _lengths(self) -> Meetings:
        if self.max_minutes < self.min_minutes:
            raise ValueError("max_minutes must be >= min_minutes")
        return self


class Weekdays(Params):
    """One number per business day of the week."""

    mon: float = Field(default=0.0, ge=-10, le=10)
    tue: float = Field(default=0.0, ge=-10, le=10)
    wed: float = Field(default=0.0, ge=-10, le=10)
    thu: float = Field(default=0.0, ge=-10, le=10)
    fri: float = Field(default=0.0, ge=-10, le=10)

    def values(self) -> tuple[float, float, float, float, float]:
        """Monday to Friday (business day ``d`` is weekday ``d % 5``)."""
        return (self.mon, self.tue, self.wed, self.thu, self.fri)


class Screening(Params):
    known_sales: Prob = 0.25
    """Chance to pick up a free phone ringing from a known sales number."""
    unknown: Prob = 0.357
    """Chance to pick up a free phone ringing from an unknown or blocked number (fitted by
    ``followup calibrate cold-outbound`` to cold connect rates per dial, desk and mobile)."""
    annoyance_weight: float = Field(default=1.0, ge=0, le=20)
    """Logit penalty per unit of annoyance/tolerance, for a known number."""
    promise_bonus: float = Field(default=1.2, ge=0, le=20)
    """Logit bonus when the call comes at the time the rep promised."""
    reciprocity_weight: float = Field(default=0.3, ge=0, le=20)
    favored_bonus: float = Field(default=0.5, ge=0, le=20)
    page_answer: Prob = 0.6
    """Chance that a prospect paged by the operator comes to the phone."""
    weekday: Weekdays = Field(default_factory=lambda: Weekdays(wed=0.804, thu=0.776))
    """Logit offsets on picking up, by weekday (contact rates differ by day of the week). The
    defaults are fitted (``followup calibrate calendar``, scenarios/fits/calendar.yaml): the best
    days Wednesday and Thursday, about 1.5 times the others' contact rate (docs/model.md 11)."""


class Fear(Params):
    say_no: Prob = 0.15
    """Chance of saying no out loud when the answer is no."""
    with_permission: Prob = 0.6
    """The same once the prospect has permission to say no."""


class FavoredChannel(Params):
    email: Prob = 0.45
    phone: Prob = 0.30
    text: Prob = 0.10
    social: Prob = 0.15

    @model_validator(mode="after")
    def _sum(self) -> FavoredChannel:
        total = self.email + self.phone + self.text + self.social
        if abs(total - 1) > 1e-6:
            raise ValueError(f"favored channel shares must add up to 1, they add up to {total:g}")
        return self


class Away(Params):
    start_chance: Prob = 1 / 40
    """Chance per business day that an away period (travel, holiday) starts."""
    min_days: int = Field(default=3, ge=1, le=250)
    max_days: int = Field(default=10, ge=1, le=250)

    @model_validator(mode="after")
    def _lengths(self) -> Away:
        if self.max_days < self.min_days:
            raise ValueError("max_days must be >= min_days")
        return self


class Population(Params):
    segments: Segments = Segments()
    loads: Loads = Loads()
    interruptions: Interruptions = Interruptions()
    meetings: Meetings = Meetings()
    in_office: Prob = 0.334
    """Chance of being at the desk phone on a working day (fitted by ``followup calibrate
    cold-outbound``: desk against mobile connect rates)."""
    in_office_weekday: Weekdays = Field(
        default_factory=lambda: Weekdays(mon=1.0, tue=1.0, wed=1.0, thu=1.0, fri=1.0)
    )
    """Multipliers of ``in_office`` by weekday (at most 1 / in_office each), so availability can
    differ by day of the week."""
    fax_share: Prob = 0.3
    screening: Screening = Screening()
    tolerance: Tolerance = Lognormal(median=6, sigma=0.5)
    fear: Fear = Fear()
    favored_channel: FavoredChannel = FavoredChannel()
    away: Away = Away()
    initial_recall: Recall = Constant(value=1.5)
    number_known: Prob = 1.0
    """Share of prospects who already know your number as a sales number."""
    acquainted: Prob = 1.0
    """Share of prospects who have talked with you before (``MODEL.md``: the baseline's warm
    list, gone silent after a conversation): a known sender, whose messages are owed an
    answer (``response.w_acquainted``). 0 on a cold list and on fresh inquiries."""
    responsiveness: float = Field(default=0.0, ge=0, le=5)
    """How much prospects differ in their readiness to answer at all: the standard deviation of
    a prospect's own offset on the logit of answering (any answer against no decision), drawn
    once per prospect. Some people answer most messages, others almost none."""

    @model_validator(mode="after")
    def _in_office_by_weekday(self) -> Population:
        for day, m in zip(
            ("mon", "tue", "wed", "thu", "fri"), self.in_office_weekday.values(), strict=True
        ):
            if m < 0 or self.in_office * m > 1 + 1e-9:
                raise ValueError(
                    f"in_office_weekday.{day} = {m:g}: in_office x multiplier must lie in [0, 1]"
                )
        return self


class Urgency(Params):
    """Ornstein-Uhlenbeck urgency, stepped once per business day with its exact transition."""

    mu: float = Field(default=0.0, ge=-URGENCY_BOUND, le=URGENCY_BOUND)
    kappa: float = Field(default=0.0175, gt=0, le=10)
    sigma: float = Field(default=0.187, ge=0, le=10)
    theta: float = Field(default=1.405, ge=-URGENCY_BOUND, le=URGENCY_BOUND)
    initial: UrgencyLevel | None = None
    """Urgency on day 0; ``null`` draws it from the stationary distribution."""
    value_boost: float = Field(default=0.15, ge=0, le=10)
    """Rise of urgency when a message of value is read (the knowledge broker)."""


class Decay(Params):
    annoyance_half_life: float = Field(default=5.0, gt=0, le=1000)
    recall_half_life: float = Field(default=20.0, gt=0, le=1000)
    apology_factor: float = Field(default=0.5, ge=0, le=1)
    """Annoyance is multiplied by this when a 'fall on your sword' message is perceived."""


class Salience(Params):
    """Terms of the salience of your item, on the standard-normal scale of the competitors."""

    value: float = Field(default=0.4, ge=-10, le=10)
    referral: float = Field(default=2.5, ge=-10, le=10)
    favored: float = Field(default=0.4, ge=-10, le=10)
    recall: float = Field(default=1.0, ge=-10, le=10)
    """Weight on recall transformed to r / (1 + r)."""
    priming: float = Field(default=0.5, ge=-10, le=10)
    priming_days: int = Field(default=2, ge=0, le=60)
    """A call that rang or a voicemail heard primes messages for this many business days."""
    habituation: float = Field(default=0.281, ge=0, le=10)
    """Salience lost per earlier read of the same template (the thread); fitted with
    ``response.w_habituation``, one number, by ``followup calibrate cold-follow-ups``."""


class InboxHabits(Params):
    triage_per_day: int = Field(ge=1, le=100)
    attention: int = Field(ge=1, le=1000)
    """How many of the items that arrived since the last triage the prospect reads."""
    evening: bool = True
    """Always-on prospects also triage this inbox in the evening."""


class Inboxes(Params):
    email: InboxHabits = InboxHabits(triage_per_day=6, attention=8)
    voicemail: InboxHabits = InboxHabits(triage_per_day=2, attention=6)
    text: InboxHabits = InboxHabits(triage_per_day=8, attention=6)
    social: InboxHabits = InboxHabits(triage_per_day=2, attention=4)
    mail: InboxHabits = InboxHabits(triage_per_day=1, attention=3, evening=False)
    parcel: InboxHabits = InboxHabits(triage_per_day=1, attention=3, evening=False)
    fax: InboxHabits = InboxHabits(triage_per_day=1, attention=3, evening=False)

    def of(self, inbox: Inbox) -> InboxHabits:
        habits: InboxHabits = getattr(self, inbox.name)
        return habits


class ChannelSpec(Params):
    rep_minutes: float = Field(ge=0, le=600)
    cost: float = Field(default=0.0, ge=0, le=1e6)
    annoyance: float = Field(ge=-10, le=50)
    recall: float = Field(ge=0, le=50)
    salience: float = Field(default=0.0, ge=-10, le=10)
    delay_days: int = Field(default=0, ge=0, le=60)


def _ch(
    minutes: float,
    annoy: float,
    recall: float,
    cost: float = 0.0,
    salience: float = 0.0,
    delay: int = 0,
) -> ChannelSpec:
    return ChannelSpec(
        rep_minutes=minutes,
        cost=cost,
        annoyance=annoy,
        recall=recall,
        salience=salience,
        delay_days=delay,
    )


class Channels(Params):
    call_desk: ChannelSpec = _ch(3, 1.0, 0.3)
    call_cell: ChannelSpec = _ch(3, 1.3, 0.3)
    voicemail: ChannelSpec = _ch(1, 0.3, 0.3)
    email: ChannelSpec = _ch(4, 0.5, 0.2)
    text: ChannelSpec = _ch(1, 1.0, 0.2, salience=0.3)
    social: ChannelSpec = _ch(3, 0.4, 0.2, salience=0.5)
    letter: ChannelSpec = _ch(10, 0.1, 0.3, cost=1.5, salience=0.5, delay=2)
    fedex: ChannelSpec = _ch(10, 0.2, 0.6, cost=30, salience=2.0, delay=1)
    fax: ChannelSpec = _ch(5, 0.3, 0.2, cost=0.1, salience=0.5)
    gift: ChannelSpec = _ch(15, -0.5, 0.8, cost=60, salience=2.0, delay=1)
    page: ChannelSpec = _ch(5, 1.5, 0.3)
    receptionist: ChannelSpec = _ch(3, 0.0, 0.0)
    referral: ChannelSpec = _ch(20, 0.0, 1.0)
    escalation: ChannelSpec = _ch(15, 2.0, 0.5)
    live_recall: float = Field(default=1.0, ge=0, le=50)
    """Recall added by a live conversation, on top of the channel's own."""

    def of(self, channel: Channel) -> ChannelSpec:
        spec: ChannelSpec = getattr(self, channel.name)
        return spec


class SegmentWeights(Params):
    buyer: Weight
    info_seeker: Weight
    non_fit: Weight


class Discovery(Params):
    """A buyer whose need is still below the pain threshold and who responds positively books a
    discovery meeting with a chance that rises with urgency:
    ``expit(logit(at_threshold) + per_unit * (u - theta))``."""

    at_threshold: Prob = 0.5
    per_unit: float = Field(default=2.0, ge=0, le=20)


class Callback(Params):
    """ "Not now": the prospect names a day to be called back, uniform on these business days
    after the conversation, which the rep writes down (``Observations.callback_day``)."""

    min_days: int = Field(default=5, ge=1, le=2000)
    max_days: int = Field(default=40, ge=1, le=2000)

    @model_validator(mode="after")
    def _order(self) -> Callback:
        if self.max_days < self.min_days:
            raise ValueError("max_days must be >= min_days")
        return self


class Response(Params):
    """The multinomial logit over {positive, no, not now, no decision} when the prospect
    engages (a live conversation or a message read), and what a positive response leads to."""

    b_pos: SegmentWeights = SegmentWeights(buyer=-3.41, info_seeker=-2.41, non_fit=-4.91)
    """Intercepts of a positive answer: the buyers' fitted by ``followup calibrate
    cold-outbound`` (reply rates and the meetings of a full cadence), the other segments at
    their modelling-choice distances from it (+1, -1.5)."""
    b_no: SegmentWeights = SegmentWeights(buyer=-5.62, info_seeker=-5.12, non_fit=-3.62)
    """Intercepts of a no: the buyers' fitted likewise (reply rates), the others at +0.5 and +2."""
    w_urgency: Weight = 2.5
    w_value: Weight = 0.5
    w_recall: Weight = 1.0
    w_recip: Weight = 0.4
    w_favored: Weight = 0.3
    w_live: Weight = 0.8
    w_breakup: Weight = 0.5
    w_annoy: Weight = 1.5
    w_breakup_no: Weight = 1.0
    w_escalated: Weight = 0.8
    w_referral: Weight = 0.8
    w_habituation: Weight = 0.281
    """Reply logit lost per earlier read of the same template: ``salience.habituation``'s value
    (fitted together, docs/model.md 11)."""
    b_not_now: SegmentWeights = SegmentWeights(buyer=-3.0, info_seeker=-3.5, non_fit=-3.5)
    """Base logit of "not now, call me later" (against no decision)."""
    w_live_not_now: Weight = 3.5
    """A live conversation makes "not now" likelier (the rep asks; a read message seldom gets
    a "not now" reply)."""
    w_settle: float = Field(default=2.5, ge=0, le=20)
    """A live conversation pushes for a decision: the logit of ending it undecided is lowered
    by this (call records close with a disposition)."""
    w_acquainted: float = Field(default=2.71, ge=0, le=20)
    """A prospect who has talked with you before (``population.acquainted``) owes you an
    answer: the logit of no decision is lowered by this on every touch they engage with.
    Fitted by ``followup calibrate baseline`` (Yesware: 21% of non-repliers answer a second
    email)."""
    discovery: Discovery = Field(default_factory=lambda: Discovery())
    callback: Callback = Field(default_factory=lambda: Callback())
    p_win: Prob = 0.25
    sales_cycle_days: int = Field(default=60, ge=1, le=2000)
    """A discovery meeting (booked before the buyer's need is above the threshold) is won only
    if the need rises above the threshold within this many business days."""
    info_seeker_meeting_if_withheld: Prob = 0.3


class Tracking(Params):
    """Email-open tracking as the rep sees it: a read email shows as opened unless the
    tracking misses it (images blocked); an email left unread may show a false open (privacy
    proxies that fetch every image)."""

    enabled: bool = True
    miss: Prob = 0.15
    false_open: Prob = 0.05


class Competitors(Params):
    h_competitor: Prob = 0.03
    """Chance per in-market day without a meeting with you that the prospect buys elsewhere."""
    r_competitor: float = Field(default=15.0, gt=0, le=1000)
    """Competitors' recall: a prospect whose need arises calls you with chance
    r / (r + r_competitor). A modelling choice, not fitted (no published figure tells it): the
    other vendors together, ten of them each remembered as well as one the prospect has talked
    to (recall 1.5, the baseline's ``initial_recall``). A team that attributes its meetings
    fits it with an ``inbound_meeting_share`` target (docs/model.md 4.2 and 11)."""


class Leads(Params):
    """Inquiries that arrive at a minute of the day (web leads). With ``arrival_hours`` set, each
    prospect arrives at a minute drawn from that hour profile on its arrival day; a prospect
    who has just inquired is at the screen and expects a call: for a spell (``presence_minutes``)
    they are reachable and free, and the chance of picking up and of a positive response get
    bonuses that fade with the minutes and hours since the inquiry. A cadence step may be timed
    in minutes after the arrival (``after``)."""

    arrival_hours: dict[int, float] = Field(default_factory=dict)
    """Relative rate of inquiries by clock hour; empty: prospects arrive at 00:00."""
    attention_pickup: float = Field(default=0.0, ge=0, le=20)
    """Logit bonus on picking up at the moment of the inquiry."""
    attention_minutes: float = Field(default=10.0, gt=0, le=10_000)
    """The pick-up bonus decays as ``exp(-minutes since the inquiry / this)``."""
    interest_positive: float = Field(default=0.0, ge=0, le=20)
    """Logit bonus on a positive response at the moment of the inquiry."""
    interest_hours: float = Field(default=4.0, gt=0, le=1000)
    """The interest bonus decays as ``exp(-hours since the inquiry / this)``."""
    presence_minutes: float = Field(default=0.0, ge=0, le=480)
    """Mean of the spell (exponential, minutes) after the inquiry during which the lead is still
    at the screen: reachable by a cell phone whatever the hour or an away period, and free (no
    meeting, no interruption). 0: no spell. Needs ``arrival_hours``."""

    @field_validator("arrival_hours")
    @classmethod
    def _profile(cls, v: dict[int, float]) -> dict[int, float]:
        return hour_profile(v, empty=True)

    @model_validator(mode="after")
    def _presence(self) -> Leads:
        if self.presence_minutes and not self.arrival_hours:
            raise ValueError(
                f"presence_minutes {self.presence_minutes:g} needs arrival_hours (a spell after "
                "an inquiry at a minute of the day); set arrival_hours or presence_minutes 0"
            )
        return self


class Rep(Params):
    """The rep's capacity. Unlimited by default (every planned touch is made and every
    prospect is in the book from the first day), the setting of the published comparisons.

    With ``new_per_day`` or ``prospects_per_rep`` the prospects are split into consecutive
    books, one per rep; a book's prospects arrive ``new_per_day`` at a time, one batch each
    business day, and a strategy's cadence starts on a prospect's arrival day. With
    ``minutes_per_day`` the rep works through the day's planned touches in priority order
    (the strategy's ``priority``: follow-ups first or new prospects first, then oldest
    arrival first) and a prospect whose touches of the day no longer fit waits for the
    next day, as does every prospect after it.
    """

    minutes_per_day: float | None = Field(default=None, gt=0, le=1440)
    """Minutes of touches per business day (channel ``rep_minutes``; a call that may leave
    a voicemail counts the voicemail's minutes too). None: no limit."""
    new_per_day: int | None = Field(default=None, ge=1, le=100_000)
    """New prospects reaching each rep per business day. None: all at the start."""
    prospects_per_rep: int | None = Field(default=None, ge=1, le=1_000_000)
    """Prospects in one rep's book. Default: ``new_per_day`` x the horizon."""

    @model_validator(mode="after")
    def _book(self) -> Rep:
        no_book = self.new_per_day is None and self.prospects_per_rep is None
        if self.minutes_per_day is not None and no_book:
            raise ValueError(
                "a daily budget is shared by one rep's prospects: set new_per_day "
                "or prospects_per_rep"
            )
        return self

    def book_size(self, horizon: int) -> int | None:
        """Prospects per rep, or None when the prospects are not split into books."""
        if self.prospects_per_rep is not None:
            return self.prospects_per_rep
        if self.new_per_day is not None:
            return self.new_per_day * horizon
        return None


class Scenario(Params):
    """Everything that defines a simulated market. Feeds both engines."""

    name: str = Field(default="baseline", min_length=1, max_length=200)
    """The scenario's name: in the report, and the output folder's name under ``reports/``
    (made safe as a folder name) when ``--out`` is not given."""
    description: str = ""
    calendar: Calendar = Calendar()
    population: Population = Population()
    urgency: Urgency = Urgency()
    decay: Decay = Decay()
    salience: Salience = Salience()
    inboxes: Inboxes = Inboxes()
    channels: Channels = Channels()
    response: Response = Response()
    competitors: Competitors = Competitors()
    tracking: Tracking = Tracking()
    leads: Leads = Leads()
    rep: Rep = Rep()
    strategies: list[str] = Field(
        default_factory=lambda: [
            "no-follow-up",
            "one-and-done",
            "persistent-until-no",
            "breakup-after-two",
        ]
    )
    """The strategies to compare: names from the library or from ``custom_strategies``."""
    custom_strategies: dict[str, Any] = Field(default_factory=dict)
    """Strategies defined in this file (cadences), by name; validated by ``sim.strategy``."""

    @field_validator("name")
    @classmethod
    def _printable(cls, v: str) -> str:
        if not v.isprintable():
            raise ValueError("must be printable text on one line (no control characters)")
        return v

    @property
    def horizon(self) -> int:
        return self.calendar.horizon_days

    @model_validator(mode="after")
    def _meetings_fit(self) -> Scenario:
        m = self.population.meetings
        most = max_meeting_share(m, self.calendar.workday_start.mean, self.calendar.workday_hours)
        if m.share > 0 and m.share >= most - 1e-9:
            raise ValueError(
                f"population.meetings.share = {m.share:g} cannot be reached: with this "
                f"hour_profile at most {most:.3f} of the working day can be in meetings"
            )
        return self


__all__ = ["Channel", "Scenario", "format_time", "parse_time"]
