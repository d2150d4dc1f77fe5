"""The vectorized engine's building blocks: slot reductions, the inbox queue, day uniforms,
the heap setting, and the urgency step taken by buyers only."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from sim.engines.vector.draws import PAGE, DayDraws, DecisionDraws
from sim.engines.vector.heap import keep_freed_memory
from sim.engines.vector.queue import Queue
from sim.engines.vector.slots import first_true, min_slot
from sim.model.dynamics import end_day, start_day
from sim.model.population import BUYER, LifeStream, draw_traits
from sim.model.scenario import Scenario
from sim.model.state import State
from sim.model.streams import BLOCK, stream
from sim.strategy.base import Observations

# values with many ties and infinities, as plan minutes and session times have
_minutes = st.sampled_from([0.0, 1.0, 2.0, 600.0, np.inf])


@given(
    hnp.arrays(np.float64, hnp.array_shapes(min_dims=2, max_dims=2, max_side=9), elements=_minutes)
)
def test_min_slot_is_argmin_down_the_slots(a: np.ndarray) -> None:
    best, slot = min_slot(a)
    np.testing.assert_array_equal(best, a.min(axis=0))
    np.testing.assert_array_equal(slot, np.argmin(a, axis=0))


@given(hnp.arrays(np.bool_, hnp.array_shapes(min_dims=2, max_dims=2, max_side=9)))
def test_first_true_is_argmax_down_the_slots(mask: np.ndarray) -> None:
    found, slot = first_true(mask)
    np.testing.assert_array_equal(found, mask.any(axis=0))
    np.testing.assert_array_equal(slot, np.argmax(mask, axis=0))


def _push(q: Queue, idx: np.ndarray, day: int, minute: float) -> None:
    k = len(idx)
    ints = np.zeros(k, dtype=np.int64)
    q.push(
        idx, channel=ints, flags=ints, template=ints, attempt=ints, record=ints + day,
        blocked=np.zeros(k, bool), touch_day=ints, touch_minute=ints,
        day=np.full(k, day), minute=np.full(k, minute),
    )  # fmt: skip


def test_queue_counts_items_grows_and_returns_what_is_due() -> None:
    q = Queue(6)
    assert len(q.start_day(0)) == 0
    # prospect 2 gets more items than the queue has rows: it grows, nothing is lost
    for k in range(q.rows + 3):
        _push(q, np.array([2]), day=1 + k % 2, minute=float(100 - k))
    _push(q, np.array([0, 5]), day=1, minute=50.0)
    assert q.rows == 8 and q.active.sum() == 9 and q.held.tolist() == [1, 0, 7, 0, 0, 1]
    due = q.start_day(1)
    assert due.tolist() == [0, 2, 5]
    first, slot = q.next_due(due)
    assert first.tolist() == [50.0, 94.0, 50.0]  # prospect 2's earliest item due on day 1
    q.pop(due, slot)
    assert q.active.sum() == 6 and q.held.tolist() == [0, 0, 6, 0, 0, 0]
    # day 1 ends with prospect 2's other day-1 items untaken: they are forgotten on day 2
    assert q.start_day(2).tolist() == [2]
    assert q.active.sum() == 3 and q.held[2] == 3
    assert (q.day[q.active] == 2).all()


@pytest.mark.parametrize("decision", ["free", "response"])
def test_day_uniforms_do_not_depend_on_the_chunk(decision: str) -> None:
    bounds = ((0, 10_000), (0, 2_500), (2_500, 9_000), (9_000, 10_000))
    rows = []
    for start, stop in bounds:
        draws = DayDraws(7, start, stop)
        draws.new_day(3)
        local = np.arange(stop - start)
        rows.append(np.stack([draws.take(decision, local) for _ in range(3)]))
    np.testing.assert_array_equal(rows[0], np.concatenate(rows[1:], axis=1))
    assert 0.45 < rows[0].mean() < 0.55


@pytest.mark.parametrize("daily", [False, True])
def test_kth_uniform_is_the_streams_kth_draw_across_pages(daily: bool) -> None:
    """Prospects take at different paces, so one take gathers rows from several pages of the
    table: each value is still the prospect's k-th draw from its block's stream."""
    name, seed, start, stop = ("free" if daily else "response"), 11, 1_000, 9_000
    draws = DecisionDraws(name, seed, start, stop, daily=daily)
    draws.new_day(4)
    local = np.arange(stop - start)
    taken: list[list[float]] = [[] for _ in local]
    for r in range(3 * PAGE):
        idx = local[(local % 3 != 0) | (r % 3 == 0)]  # a third of them at a third of the pace
        for i, u in zip(idx, draws.take(idx), strict=True):
            taken[i].append(float(u))
    assert len(draws.pages) == 3 and max(map(len, taken)) == 3 * PAGE
    for i in (0, 1, 3_095, 3_096, 7_999):  # both paces, a block's edges
        b, at = divmod(start + i, BLOCK)
        if daily:
            g = stream(seed, "vec:free", b, 4)
            want = [g.random(BLOCK)[at] for _ in taken[i]]
        else:
            want = [
                stream(seed, "vec:response", b, k).random(BLOCK)[at] for k in range(len(taken[i]))
            ]
        assert taken[i] == want


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt")
def test_the_heap_setting_is_taken_on_linux() -> None:
    assert keep_freed_memory() is True


def test_only_buyers_have_a_market_and_the_step_is_the_same_for_any_index() -> None:
    """Whole-chunk (slice), index array and one-prospect calls give the same buyers' state;
    non-buyers never enter the market, never call and never buy elsewhere."""
    sc = Scenario()
    n = 3_000
    traits = draw_traits(sc, 5, 0, n)
    states = [State(traits, 1) for _ in range(3)]
    obs = [Observations(n) for _ in range(3)]
    life = LifeStream(sc, 5, 0, n)
    callers: list[set[int]] = [set(), set(), set()]
    for day in range(40):
        today = life.next_day()
        for k, idx in enumerate((slice(None), np.arange(n), None)):
            if idx is None:
                for i in range(n):
                    callers[k].update(start_day(sc, states[k], obs[k], today, day, i).tolist())
                    end_day(sc, states[k], day, i)
            else:
                callers[k].update(start_day(sc, states[k], obs[k], today, day, idx).tolist())
                end_day(sc, states[k], day, idx)
    buyer = traits.segment == BUYER
    for s, c in zip(states[1:], callers[1:], strict=True):
        np.testing.assert_array_equal(s.u[buyer], states[0].u[buyer])
        np.testing.assert_array_equal(s.status, states[0].status)
        assert c == callers[0]
    s = states[0]
    assert not s.was_in_market[~buyer].any() and not s.inbound[~buyer].any()
    assert s.inbound[buyer].any()  # needs arise in 40 days for some buyers...
    assert (s.status[~buyer] == s.status[~buyer][0]).all()  # ...never for the others
