"""Making a touch, and the touches that are neither calls nor messages.

``make_touches`` is where every planned touch starts: it is dropped if the rep has heard back
today or the file is closed, else charged, logged and played out by its kind (``calls``,
``messages``, the receptionist, an escalation). Each kind's consequences are written once, for
arrays over prospects, and both engines run them (``sim.model.touching``).
"""

import numpy as np
from numpy.typing import NDArray

from sim.model.calls import call, page
from sim.model.channels import Channel
from sim.model.clock import NEVER
from sim.model.dynamics import charge, perceive
from sim.model.messages import send
from sim.model.outcomes import Result
from sim.model.touching import IS_CALL, IS_MESSAGE, Touches, Touching, channel_names, opted_out
from sim.strategy.base import Opt

I64 = NDArray[np.int64]
F64 = NDArray[np.float64]
B = NDArray[np.bool_]

# -- making touches ----------------------------------------------------------------------------


def make_touches(
    w: Touching, day: int, idx: I64, channel: I64, minute: I64, template: I64, flags: I64
) -> None:
    """The rep makes the planned touches (one per prospect of ``idx``) at their minutes: each
    is dropped if the rep has heard back today or the file is closed (``Observations.may_touch``),
    else charged, logged and played out by its kind."""
    go = w.obs.may_touch(day, idx)
    if not go.all():
        stop = ~go
        if w.tracer is not None:
            w.note(
                idx[stop],
                day,
                minute[stop],
                "cancelled",
                "{channel} not made: already heard back",
                channel=channel_names(channel[stop]),
            )
        idx, channel, minute, template, flags = (
            a[go] for a in (idx, channel, minute, template, flags)
        )
    if not len(idx):
        return
    t = w.tables
    charge(w.state, w.obs, idx, day, t.minutes[channel], t.cost[channel])
    attempt = w.obs.attempts[idx].astype(np.int64)
    varied = (flags & Opt.vary_template) != 0
    record = _record(w, day, idx, attempt, minute, channel, template, varied)
    batch = Touches(
        idx, channel, minute, np.where(varied, -1, template), flags, attempt, record, template
    )
    # one lookup sorts the touches by kind (calls, messages, pages, receptionist, escalation)
    kind = _KIND[channel]
    counts = np.bincount(kind, minlength=len(_PLAYS) + 1)
    for k, play in enumerate(_PLAYS):
        if counts[k]:
            play(w, day, batch if counts[k] == len(idx) else batch.where(kind == k))


def _record(
    w: Touching, day: int, idx: I64, attempt: I64, minute: I64, channel: I64, template: I64,
    varied: B,
) -> I64:  # fmt: skip
    """New touch-log rows (ids only when the log is off); a varied template is logged as
    ``-1 - code``."""
    if not w.log.enabled:
        return w.log.add(prospect=idx)
    k, t = len(idx), w.tables
    template = np.where(varied, -1 - template, template)
    return w.log.add(
        prospect=w.first_id + idx,
        attempt=attempt,
        day=np.full(k, day),
        minute=minute,
        channel=channel,
        template=template,
        result=np.full(k, int(Result.not_reachable)),
        voicemail_left=np.zeros(k, bool),
        voicemail_heard=np.zeros(k, bool),
        read_day=np.full(k, np.nan),
        response=np.full(k, -1),
        opted_out=np.zeros(k, bool),
        rep_minutes=t.minutes[channel],
        cost=t.cost[channel],
    )


def receptionist(w: Touching, day: int, t: Touches) -> None:
    """The front desk (open ``reception_open`` to ``reception_close``) says whether the
    prospect is away and until when; the rep records it (``Observations.away_until``)."""
    open_ = (t.minute >= w.reception[0]) & (t.minute < w.reception[1])
    w.note(t.idx[~open_], day, t.minute[~open_], "receptionist", "nobody at the front desk")
    t = t.where(open_)
    away = w.life.away(t.idx)
    until = w.life.away_until(t.idx)
    w.obs.away_until[t.idx] = np.where(away, until, NEVER)
    w.log.set("result", t.record, np.where(away, Result.away_reported, Result.in_reported))
    if w.tracer is not None:
        said = [
            f"away until day {u}" if a else "in today" for a, u in zip(away, until, strict=True)
        ]
        w.note(t.idx, day, t.minute, "receptionist", "the receptionist says they are {said}",
               said=said)  # fmt: skip


def escalate(w: Touching, day: int, t: Touches) -> None:
    """The rep's manager calls the prospect's boss: always lands and is perceived, and the
    prospect is escalated for good (it enters the response logit)."""
    w.log.set("result", t.record, int(Result.escalated))
    w.note(t.idx, day, t.minute, "escalation", "your manager calls their boss")
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
    w.state.escalated[t.idx[~opted]] = True


_PLAYS = (call, send, page, receptionist, escalate)
"""What each kind of touch does, in the order kinds are played within a batch."""
_KIND = np.full(len(Channel), len(_PLAYS), dtype=np.int64)
"""Kind of each channel: its play's position in ``_PLAYS`` (``len(_PLAYS)``: none)."""
_KIND[IS_CALL] = 0
_KIND[IS_MESSAGE] = 1
_KIND[[Channel.page, Channel.receptionist, Channel.escalation]] = [2, 3, 4]
