"""Messages: sent to an inbox, triaged at the inbox's sessions, and read.

``send`` posts an item to the engine's ``Mail`` (which decides when its triage session
comes); ``triage`` decides, at the session, whether it is read (the engine's ``Draws``: fewer
than ``attention`` competing items outrank it) and reports email tracking; ``read`` plays out
a read item.
"""

import numpy as np
from numpy.typing import NDArray

from sim.model.behaviour import load_per_window, salience
from sim.model.calls import respond
from sim.model.channels import Channel
from sim.model.dynamics import perceive, track_open
from sim.model.outcomes import Result
from sim.model.touching import (
    FAVORED,
    INBOX,
    Items,
    Touches,
    Touching,
    articles,
    channel_names,
    template_names,
)
from sim.strategy.base import Opt

I64 = NDArray[np.int64]
F64 = NDArray[np.float64]
B = NDArray[np.bool_]

# -- messages ----------------------------------------------------------------------------------


def send(w: Touching, day: int, t: Touches) -> None:
    """A message goes out to its inbox (a fax only to a prospect who has one); letters and
    parcels arrive at 00:00 some business days later."""
    nofax = (t.channel == Channel.fax) & ~w.traits.has_fax[t.idx]
    if nofax.any():
        w.log.set("result", t.record[nofax], int(Result.undeliverable))
        w.note(t.idx[nofax], day, t.minute[nofax], "send", "fax undeliverable: they have no fax")
        t = t.where(~nofax)
    w.log.set("result", t.record, int(Result.unread))
    if w.tracer is not None:
        w.note(
            t.idx,
            day,
            t.minute,
            "send",
            "you send {article} {channel}: '{template}'",
            channel=channel_names(t.channel),
            article=articles(t.channel),
            template=template_names(w, t),
        )
    delay = w.tables.delay[t.channel]
    k = len(t.idx)
    w.mail.post(
        Items(
            t.idx,
            t.channel,
            t.flags,
            t.template,
            t.attempt,
            t.record,
            np.zeros(k, bool),
            np.full(k, day),
            t.minute,
            day + delay,
            np.where(delay > 0, 0.0, t.minute.astype(float)),
            label=t.label,
        )
    )


def triage(w: Touching, day: int, items: Items) -> None:
    """A triage session of each item's inbox: nothing for a closed file; an away prospect reads
    nothing; otherwise the item is read when fewer than ``attention`` competing items outrank
    it (salience: the channel, value, a referral, the favoured venue, recall, priming,
    habituation). Email tracking reports the session's outcome; read items are played out
    (``read``)."""
    st, tab, sc = w.state, w.tables, w.sc
    items = items.where(~st.closed(items.idx))
    if not len(items.idx):
        return
    who, ch, flags = items.idx, items.channel, items.flags
    away = w.life.away(who)
    inbox = INBOX[ch]
    since = day - st.primed_day[who]
    s = salience(
        tab.salience[ch],
        sc.salience,
        value=(flags & Opt.value) != 0,
        referral=ch == Channel.referral,
        favored=FAVORED[ch] == w.traits.favored[who],
        recall=st.r[who],
        primed=(since >= 0) & (since <= sc.salience.priming_days),
        habituation_count=st.habituation_count(items.template, who),
    )
    evening = w.traits.always_on[who] & tab.evening[inbox]
    load = load_per_window(w.traits.load[inbox, who], tab.triage[inbox], evening)
    read_now = w.draws.read(day, items, load, s, tab.attention[inbox], away)
    email = ch == Channel.email
    if sc.tracking.enabled and email.any():
        shown = track_open(
            sc, w.obs, who[email], day, read_now[email], w.draws.uniform("tracking", who[email])
        )
        w.note(who[email][shown], day, None, "tracking", "your tracking shows the email as opened")
    if read_now.any():
        read(w, day, items.where(read_now))


def read(w: Touching, day: int, items: Items) -> None:
    """Items read (a voicemail heard): perceived, then a voicemail primes, makes the number
    known (unless blocked) and carries its promise; a gift adds reciprocity; the prospect
    responds; a message of value raises urgency."""
    st, tab = w.state, w.tables
    vm = items.channel == Channel.voicemail
    if w.log.enabled:
        w.log.set("voicemail_heard", items.record[vm], True)
        w.log.set("result", items.record[~vm], int(Result.read))
        w.log.set("read_day", items.record, day)
    opted = perceive(
        w.sc,
        st,
        w.obs,
        items.idx,
        day,
        annoyance=tab.annoyance[items.channel],
        recall=tab.recall[items.channel],
        flags=items.flags,
    )
    if opted.any():
        opts = items.where(opted)
        w.log.set("opted_out", opts.record, True)
        w.note(opts.idx, day, opts.minute, "opt-out", "has had enough of you: opts out")
        items, vm = items.where(~opted), vm[~opted]
    who, flags = items.idx, items.flags
    st.primed_day[who[vm]] = day
    st.known[who[vm & ~items.blocked]] = True
    promise = vm & ((flags & Opt.promise_next_call) != 0)
    st.promised_day[who[promise]] = items.touch_day[promise] + 1
    st.promised_minute[who[promise]] = items.touch_minute[promise]
    st.reciprocity[who[items.channel == Channel.gift]] += 1
    respond(
        w,
        day,
        who,
        items.channel,
        flags,
        items.template,
        items.attempt,
        items.record,
        items.minute,
        live=False,
    )
    st.u[who[(flags & Opt.value) != 0]] += w.sc.urgency.value_boost
