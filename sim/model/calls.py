"""Calls, pages and live conversations, and the prospect's response to any engagement.

A call is reachable (working hours, not away, at the desk for a desk phone), may keep a
promise, finds the prospect free or busy (the engine's ``Draws``), rings (perceived unless the
number is blocked) and is picked up (caller-ID screening) into a live conversation, or leaves
a voicemail. A page comes through the operator. ``respond`` is the response decision after a
conversation or a read.
"""

import numpy as np
from numpy.typing import ArrayLike, NDArray

from sim.model.behaviour import NOT_NOW, in_working_hours, p_pickup
from sim.model.channels import Channel
from sim.model.clock import NEVER
from sim.model.dynamics import charge_voicemail, engage, perceive
from sim.model.outcomes import RESPONSE_LABELS, Result, Status
from sim.model.touching import Items, Touches, Touching, channel_names, opted_out
from sim.strategy.base import Opt

I64 = NDArray[np.int64]
F64 = NDArray[np.float64]
B = NDArray[np.bool_]

# -- calls and live conversations --------------------------------------------------------------


def call(w: Touching, day: int, t: Touches) -> None:
    """A desk or cell call: reachable (working hours, not away, at the desk for a desk phone),
    a promise kept, free (no meeting, no interruption; a lead still at the screen after the
    inquiry is reachable and free, ``Touching.present``), the ring perceived (not from a blocked
    number), picked up (caller-ID screening) into a live conversation; otherwise a voicemail
    when the touch leaves one."""
    st, life, tab = w.state, w.life, w.tables
    idx, minute, ch = t.idx, t.minute, t.channel
    blocked = (t.flags & Opt.block_caller_id) != 0
    here = w.present(idx, day, minute)
    reach = (in_working_hours(minute, w.traits.work_start[idx], w.hours) & ~life.away(idx)) | here
    reach &= (ch == Channel.call_cell) | life.in_office(idx)
    kept = reach & ~blocked & (st.promised_day[idx] == day) & (st.promised_minute[idx] == minute)
    if kept.any():
        st.reciprocity[idx[kept]] += 1
        st.promised_day[idx[kept]] = NEVER
        w.note(idx[kept], day, minute[kept], "promise", "you call exactly when you promised")
    if w.tracer is not None:
        out = ~reach
        w.note(
            idx[out],
            day,
            minute[out],
            "call",
            "{channel} rings out: {where}",
            channel=channel_names(ch[out]),
            where=w.whereabouts(idx[out], day, minute[out]),
            result="not_reachable",
        )
    free = reach & here
    ask = reach & ~here
    if ask.any():
        free[ask] = w.draws.free(day, idx[ask], minute[ask], ch[ask])
    ring = reach & free
    visible = ring & ~blocked
    st.primed_day[idx[visible]] = day
    opted = np.zeros(len(idx), dtype=bool)
    if visible.any():
        v = idx[visible]
        opted[visible] = perceive(
            w.sc,
            st,
            w.obs,
            v,
            day,
            annoyance=tab.annoyance[ch[visible]],
            recall=tab.recall[ch[visible]],
        )
    if opted.any():
        opted_out(w, day, t.where(opted))
    cand = ring & ~opted
    picked = np.zeros(len(idx), dtype=bool)
    if cand.any():
        c = idx[cand]
        p = p_pickup(
            w.sc.population.screening,
            known=st.known[c] & ~blocked[cand],
            annoyance_ratio=st.a[c] / w.traits.tolerance[c],
            promise_kept=kept[cand],
            reciprocity=st.reciprocity[c],
            favored_phone=w.traits.favored[c] == 1,
            bonus=w.pickup_bonus(c, day, minute[cand]),
        )
        picked[cand] = w.draws.uniform("pickup", c) < p
        if w.tracer is not None:
            up, down = picked[cand], ~picked[cand]
            w.note(
                c[up],
                day,
                minute[cand][up],
                "call",
                "picks up the {channel} (chance {p:.2f})",
                channel=channel_names(ch[cand][up]),
                p=p[up],
                result="picked_up",
            )
            w.note(
                c[down],
                day,
                minute[cand][down],
                "call",
                "sees the call and lets it ring (chance {p:.2f})",
                channel=channel_names(ch[cand][down]),
                p=p[down],
                result="screened",
            )
    if w.log.enabled:  # the result's passes only for a log that keeps it
        rang = np.where(~free, Result.busy, Result.screened)
        result = np.where(~reach, Result.not_reachable, rang)
        w.log.set("result", t.record, np.where(picked, Result.picked_up, result))
    if picked.any():
        live = t.where(picked)
        converse(w, day, live, blocked=blocked[picked], shown=~blocked[picked])
    vm = ~picked & ~opted & ((t.flags & Opt.leave_voicemail) != 0)
    if vm.any():
        _leave_voicemail(w, day, t.where(vm), blocked[vm])


def _leave_voicemail(w: Touching, day: int, t: Touches, blocked: B) -> None:
    """An unanswered call leaves a voicemail: one more minute (and its cost) on the call's row,
    and an item in the voicemail inbox from the call's minute."""
    tab = w.tables
    charge_voicemail(w.sc, w.state, w.obs, t.idx, day)
    if w.log.enabled:
        w.log.set("voicemail_left", t.record, True)
        w.log.set("rep_minutes", t.record, tab.minutes[t.channel] + tab.minutes[Channel.voicemail])
        w.log.set("cost", t.record, tab.cost[t.channel] + tab.cost[Channel.voicemail])
    k = len(t.idx)
    w.mail.post(
        Items(
            t.idx,
            np.full(k, int(Channel.voicemail)),
            t.flags,
            t.template,
            t.attempt,
            t.record,
            blocked,
            np.full(k, day),
            t.minute,
            np.full(k, day),
            t.minute.astype(float),
            label=t.label,
        )
    )


def converse(w: Touching, day: int, t: Touches, *, blocked: B, shown: B) -> None:
    """A live conversation (a call picked up, a page answered): a call from a visible number
    makes the number known; a blocked call is perceived only now, when they hear who it is;
    ground rules grant permission and reveal the favoured venue; a promise sets the next call;
    then the prospect responds."""
    st, obs, tab = w.state, w.obs, w.tables
    obs.last_pickup_day[t.idx] = day
    extra = np.where(blocked, tab.annoyance[t.channel], 0.0)
    recall = w.sc.channels.live_recall + np.where(blocked, tab.recall[t.channel], 0.0)
    opted = perceive(w.sc, st, obs, t.idx, day, annoyance=extra, recall=recall, flags=t.flags)
    if opted.any():
        opted_out(w, day, t.where(opted))
        ok = ~opted
        t, shown = t.where(ok), shown[ok]
    idx = t.idx
    st.known[idx[shown]] = True
    rules = (t.flags & Opt.ground_rules) != 0
    st.permission[idx[rules]] = True
    obs.favored_known[idx[rules]] = w.traits.favored[idx[rules]]
    promise = (t.flags & Opt.promise_next_call) != 0
    st.promised_day[idx[promise]] = day + 1
    st.promised_minute[idx[promise]] = t.minute[promise]
    respond(
        w,
        day,
        idx,
        t.channel,
        t.flags,
        np.full(len(idx), -1),
        t.attempt,
        t.record,
        t.minute,
        live=True,
    )


def respond(
    w: Touching,
    day: int,
    idx: I64,
    channel: I64,
    flags: I64,
    template: I64,
    attempt: I64,
    record: I64,
    minute: ArrayLike,
    *,
    live: bool,
) -> None:
    """The prospect engages (a live conversation, or a read): the response and what follows
    (``sim.model.dynamics.engage``), logged on the touch's row."""
    if not len(idx):
        return
    before = w.state.status[idx].copy() if w.tracer is not None else None
    code = engage(
        w.sc,
        w.state,
        w.obs,
        idx,
        day,
        channel=channel,
        flags=flags,
        live=int(live),
        template=template,
        attempt=attempt,
        u_response=w.draws.uniform("response", idx),
        interest=w.interest(idx, day, minute),
    )
    w.log.set("response", record, code)
    if before is not None:
        after = w.state.status[idx]
        change = [
            f" (status {Status(a).name} -> {Status(b).name})" if a != b else ""
            for a, b in zip(before, after, strict=True)
        ]
        said = [
            _decision_words(int(c), live, int(cb))
            for c, cb in zip(code, w.obs.callback_day[idx], strict=True)
        ]
        w.note(
            idx,
            day,
            minute,
            "decides",
            "{said}{change}",
            said=said,
            change=change,
            response=np.array(RESPONSE_LABELS)[code + 1],
        )


def _decision_words(code: int, live: bool, callback: int) -> str:
    """What the prospect decided, as the story tells it."""
    if code == NOT_NOW:
        return f"says not now: call back on day {callback}"
    return (
        "comes to no decision" if live else "ignores it",
        "responds positively",
        "says no",
        "says they bought elsewhere",
    )[code]


# -- the other touches -------------------------------------------------------------------------


def page(w: Touching, day: int, t: Touches) -> None:
    """The operator pages the prospect (working hours, at the office, not away; meetings and
    interruptions do not stop a page): perceived, and answered with chance ``page_answer``
    into a live conversation (the operator's call never shows your number)."""
    life = w.life
    reach = in_working_hours(t.minute, w.traits.work_start[t.idx], w.hours)
    reach &= life.in_office(t.idx) & ~life.away(t.idx)
    if w.tracer is not None:
        gone = t.where(~reach)
        w.note(
            gone.idx,
            day,
            gone.minute,
            "page",
            "the operator cannot page them: {where}",
            where=w.whereabouts(gone.idx, day, gone.minute),
            channel="page",
        )
    t = t.where(reach)
    if not len(t.idx):
        return
    w.log.set("result", t.record, int(Result.screened))
    opted = perceive(
        w.sc,
        w.state,
        w.obs,
        t.idx,
        day,
        annoyance=w.tables.annoyance[t.channel],
        recall=w.tables.recall[t.channel],
    )
    opted_out(w, day, t.where(opted))
    t = t.where(~opted)
    comes = w.draws.uniform("page", t.idx) < w.sc.population.screening.page_answer
    w.log.set("result", t.record[comes], int(Result.picked_up))
    if w.tracer is not None:
        w.note(
            t.idx[comes],
            day,
            t.minute[comes],
            "page",
            "paged by the operator, comes to the phone",
            result="picked_up",
        )
        w.note(
            t.idx[~comes],
            day,
            t.minute[~comes],
            "page",
            "paged by the operator, does not come to the phone",
            result="screened",
        )
    none = np.zeros(int(comes.sum()), dtype=bool)
    converse(w, day, t.where(comes), blocked=none, shown=none)
