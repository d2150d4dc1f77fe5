"""Event sequences on small hand-made prospects: the DES does what the model says, in order."""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.engines.des.day import DaySchedule
from sim.engines.des.engine import World, run_world
from sim.model.behaviour import p_pickup
from sim.model.scenario import Scenario
from sim.strategy.library import get_strategy
from tests.conftest import deep_update, make_scenario, quiet_patch

EMPTY = np.empty(0)


def _cadence(*steps: dict[str, Any]) -> dict[str, Any]:
    return {"phases": [{"name": "p", "steps": list(steps)}]}


def _world(
    patch: dict[str, Any], cadence: dict[str, Any], meetings: dict[int, list[tuple[int, int]]]
) -> World:
    """One prospect who works 08:00-17:00, is never away, is in the office, and has the given
    meetings (day -> [(start, end)]) and no interruptions."""
    sc = make_scenario(deep_update(patch, {"custom_strategies": {"t": cadence}}))
    w = World(sc, get_strategy("t", sc), seed=1, first_id=0, n=1, trace_ids=(0,))
    w.traits.work_start[0] = 480
    w.traits.always_on[0] = False
    w.life.away[:] = False
    w.life.in_office_shares = (1.0,) * 5
    for day in range(sc.horizon):
        spans = meetings.get(day, [])
        starts = np.array([a for a, _ in spans], dtype=float)
        ends = np.array([b for _, b in spans], dtype=float)
        w._days[(0, day)] = DaySchedule(starts, ends, EMPTY, EMPTY)
    return w


def _quiet(**extra: Any) -> dict[str, Any]:
    return deep_update(quiet_patch(p_positive=0.5), {"calendar": {"horizon_days": 5}, **extra})


def test_a_call_during_a_meeting_goes_to_voicemail() -> None:
    cadence = _cadence({"day": 0, "time": "10:00", "channel": "call_cell", "leave_voicemail": True})
    w = _world(_quiet(), cadence, {0: [(570, 630)]})
    out = run_world(w)
    row = out.touches.iloc[0]
    assert row["result"] == "busy"
    assert bool(row["voicemail_left"])
    assert (
        row["rep_minutes"]
        == w.sc.channels.call_cell.rep_minutes + w.sc.channels.voicemail.rep_minutes
    )
    # the same call outside the meeting rings at a free moment
    w2 = _world(_quiet(), cadence, {0: [(660, 700)]})
    assert run_world(w2).touches.iloc[0]["result"] in ("picked_up", "screened")


def test_a_voicemail_heard_makes_the_number_known() -> None:
    patch = _quiet(population={"number_known": 0.0, "in_office": 0.0})
    cadence = _cadence({"day": 0, "time": "10:00", "channel": "call_desk", "leave_voicemail": True})
    w = _world(patch, cadence, {})
    w.life.in_office_shares = (0.0,) * 5  # the desk phone rings out
    assert not w.state.known[0]
    out = run_world(w)
    row = out.touches.iloc[0]
    assert row["result"] == "not_reachable"
    assert bool(row["voicemail_heard"])
    assert w.state.known[0]


def test_a_voicemail_from_a_blocked_number_keeps_the_number_unknown() -> None:
    patch = _quiet(population={"number_known": 0.0})
    step = {
        "day": 0,
        "time": "10:00",
        "channel": "call_desk",
        "leave_voicemail": True,
        "block_caller_id": True,
    }
    w = _world(patch, _cadence(step), {})
    w.life.in_office_shares = (0.0,) * 5
    out = run_world(w)
    assert bool(out.touches.iloc[0]["voicemail_heard"])
    assert not w.state.known[0]


def _promise_world(second_call: str) -> World:
    # the prospect never replies, so the cadence goes on to the promised call
    patch = deep_update(quiet_patch(p_positive=1e-8), {"calendar": {"horizon_days": 5}})
    patch = deep_update(patch, {"population": {"screening": {"known_sales": 0.5}}})
    cadence = _cadence(
        {
            "day": 0,
            "time": "08:15",
            "channel": "call_cell",
            "leave_voicemail": True,
            "promise_next_call": True,
        },
        {"day": 1, "time": second_call, "channel": "call_cell"},
    )
    return _world(patch, cadence, {0: [(480, 520)]})  # busy at 08:15 on day 0: voicemail


def test_a_promise_kept_builds_reciprocity_and_raises_pick_up() -> None:
    w = _promise_world("08:15")
    out = run_world(w)
    assert bool(out.touches.iloc[0]["voicemail_heard"])  # the promise was heard
    assert w.state.reciprocity[0] == 1
    assert any(e.kind == "promise" for e in out.traces[0])
    broken = _promise_world("08:20")
    run_world(broken)
    assert broken.state.reciprocity[0] == 0
    scr = w.sc.population.screening
    kept = p_pickup(scr, known=True, promise_kept=1, reciprocity=1)
    plain = p_pickup(scr, known=True)
    assert kept > plain


def test_annoyance_past_tolerance_opts_out_and_stops_the_touches() -> None:
    patch = _quiet(
        population={
            "tolerance": {"kind": "constant", "value": 1.5},
            "screening": {"known_sales": 0.0, "unknown": 0.0},
        }
    )
    cadence = {
        "phases": [
            {
                "name": "p",
                "steps": [{"day": 0, "time": "11:00", "channel": "call_cell"}],
                "repeat_every": 1,
            }
        ]
    }
    w = _world(patch, cadence, {})
    out = run_world(w)
    # each ring adds 1.3, halving every 5 days: the second ring crosses 1.5
    assert out.prospects.iloc[0]["outcome"] == "opted_out"
    assert len(out.touches) == 2
    assert bool(out.touches.iloc[1]["opted_out"])


def test_a_touch_is_cancelled_after_a_reply_the_same_day(quiet: Scenario) -> None:
    patch = deep_update(quiet_patch(p_positive=0.999999), {"calendar": {"horizon_days": 3}})
    cadence = _cadence(
        {"day": 0, "time": "09:00", "channel": "call_cell"},
        {"day": 0, "time": "15:00", "channel": "email"},
    )
    w = _world(deep_update(patch, {"population": {"screening": {"known_sales": 1.0}}}), cadence, {})
    out = run_world(w)
    assert list(out.touches["channel"]) == ["call_cell"]
    assert out.prospects.iloc[0]["touches"] == 1
