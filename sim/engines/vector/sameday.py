"""What a prospect's earlier events today tell about the next one (the vectorized engine).

The DES plays each prospect-day out event by event, so some events of one day depend on each
other: two calls on one morning face the same meetings and interruptions, and two of your items
in one triage session face the same competing items. The vectorized engine draws each event
from its marginal, and, where an earlier event of the same day bears on it, from the exact
conditional given that event (``behaviour.p_free_after``, ``behaviour.outranked_count_after``).
Strategies that never make such pairs draw exactly as they would without this module.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from sim.model.behaviour import outranked_count, outranked_count_after, p_free, p_free_after, p_read
from sim.model.scenario import Scenario

I64 = NDArray[np.int64]
F64 = NDArray[np.float64]
B = NDArray[np.bool_]


class SameDayCalls:
    """Each prospect's last reachable call, packed in one integer (one gather and one scatter
    per call): ``day * 4096 + minute * 2 + free``, -1 before the first."""

    def __init__(self, sc: Scenario, n: int) -> None:
        self.sc = sc
        self.marginal = p_free(sc, np.arange(1440))
        self.last = np.full(n, -1, dtype=np.int64)

    def inquired(self, d: int, idx: I64, minute: F64) -> None:
        """Prospects ``idx`` inquired at ``minute`` of day ``d`` (within working hours), so were
        free then: their first call that day is drawn given that, as a call after a free one."""
        self.last[idx] = d * 4096 + np.floor(minute).astype(np.int64) * 2 + 1

    def free(self, d: int, idx: I64, minute: I64, u: F64) -> B:
        """Whether prospects ``idx`` are free at ``minute`` of business day ``d`` (reachable
        calls), one uniform ``u`` each: the marginal chance, or the chance given the prospect's
        previous call today."""
        p = self.marginal[minute]
        last = self.last[idx]
        again = (last >> 12) == d
        if again.any():
            prev = last[again]
            p[again] = p_free_after(self.sc, (prev & 4095) >> 1, (prev & 1) == 1, minute[again])
        free = u < p
        self.last[idx] = d * 4096 + minute * 2 + free
        return free


class SameSession:
    """Items triaged while another of the prospect's items may be triaged at the same minute
    (one is due, or a touch at that minute may send one) leave a note per inbox: the session
    (``day * 2048 + minute``), salience, uniform, whether it was read and, once a later item of
    the session needs it, how many competitors outranked it.

    In the DES the items of one session are ranked against the same competitors. An item that
    finds a note of its session draws its outranking count from the law given the noted count
    (drawn from the noted uniform if not yet known, consistent with the noted read). Any other
    item is read with its marginal ``P(K < A)``.
    """

    def __init__(self, inboxes: int, n: int) -> None:
        self.n = n
        self.armed = np.zeros(n, dtype=bool)
        """Prospects with a note that a later item today may use."""
        self.key = np.full(inboxes * n, -1.0)
        self.salience = np.zeros(inboxes * n)
        self.u = np.zeros(inboxes * n)
        self.was_read = np.zeros(inboxes * n, dtype=bool)
        self.count = np.full(inboxes * n, -1.0)

    def read(self, d: int, idx: I64, inbox: I64, minute: F64, load: F64, s: F64,
             attention: I64, u: F64, more: B) -> B:  # fmt: skip
        """Whether each item (prospect ``idx``, ``inbox``, session ``minute`` of day ``d``,
        salience ``s``, competitors per window ``load``, uniform ``u``) is among the
        ``attention`` read. ``more``: another item of the prospect may be triaged at this
        minute (one is due, or a touch at this minute may add one)."""
        read = u < p_read(load, s, attention)
        count = np.full(len(idx), -1.0)
        armed = self.armed[idx]
        if armed.any():
            j = np.flatnonzero(armed)
            pos = inbox[j] * self.n + idx[j]
            same = self.key[pos] == d * 2048 + minute[j]
            j, pos = j[same], pos[same]
            if len(j):
                before = self.count[pos]
                a = attention[j]
                todo = before < 0
                if todo.any():
                    at = pos[todo]
                    k = outranked_count(self.u[at], load[j[todo]], self.salience[at])
                    cap = a[todo]
                    before[todo] = np.where(self.was_read[at], np.minimum(k, cap - 1),
                                            np.maximum(k, cap))  # fmt: skip
                count[j] = outranked_count_after(u[j], load[j], self.salience[pos], before, s[j])
                read[j] = count[j] < a
            self.armed[idx[armed]] = False
        if more.any():
            m = np.flatnonzero(more)
            pos = inbox[m] * self.n + idx[m]
            self.key[pos] = d * 2048 + minute[m]
            self.salience[pos], self.u[pos] = s[m], u[m]
            self.was_read[pos], self.count[pos] = read[m], count[m]
            self.armed[idx[m]] = True
        return read
