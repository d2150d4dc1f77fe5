"""The random-stream registry (Starsim's check_seeds): every name registered once, with what
it decides; no two names share a key; an unregistered name is refused; and the vectorized
engine's decisions are keyed so that strategies pair decision by decision."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from sim.engines.vector.draws import DAILY, DayDraws
from sim.model.streams import STREAMS, VECTOR_DECISIONS, name_key, register, stream


def test_every_stream_name_has_its_own_key() -> None:
    keys = {name_key(name): name for name in STREAMS}
    assert len(keys) == len(STREAMS)


def test_every_stream_says_what_it_decides() -> None:
    assert all(decides.strip() for decides in STREAMS.values())


def test_an_unregistered_name_is_refused_and_a_name_registers_once() -> None:
    with pytest.raises(KeyError, match="not registered"):
        stream(0, "no:such:stream")
    with pytest.raises(ValueError, match="registered twice"):
        register("life:daily", "again")


def test_every_name_the_package_draws_from_is_registered() -> None:
    """A literal stream name in the source (``stream(seed, "x")``, ``name_key("x")``) must be
    registered: otherwise a command fails only when it first draws (as a merge once let
    happen to the calibration's streams)."""
    root = Path(__file__).resolve().parents[2] / "sim"
    pattern = re.compile(r"""(?:stream\([^,()]+,\s*|name_key\()f?["']([^"'{]+)["']""")
    used = {m for f in root.rglob("*.py") for m in pattern.findall(f.read_text("utf-8"))}
    assert len(used) > 10  # the pattern finds them
    assert sorted(used - set(STREAMS)) == []


def test_each_vector_decision_draws_from_its_own_stream() -> None:
    """Using one decision does not move another's numbers: the first response of a day is the
    same whether or not the prospect was called before it."""
    a, b = DayDraws(3, 0, 10), DayDraws(3, 0, 10)
    a.new_day(4)
    b.new_day(4)
    who = np.arange(10)
    a.take("free", who)
    a.take("pickup", who[:5])
    np.testing.assert_array_equal(a.take("response", who), b.take("response", who))
    assert not np.array_equal(a.take("read", who), a.take("free", who))


def test_daily_decisions_restart_each_day_and_the_others_go_on() -> None:
    d = DayDraws(5, 0, 8)
    who = np.arange(8)
    firsts = {}
    for day in (0, 1):
        d.new_day(day)
        firsts[day] = {name: d.take(name, who) for name in VECTOR_DECISIONS}
    for name in VECTOR_DECISIONS:
        same = np.array_equal(firsts[0][name], firsts[1][name])
        assert not same  # another day's row, or the next row of the run
    fresh = DayDraws(5, 0, 8)
    fresh.new_day(1)
    for name in VECTOR_DECISIONS:
        second = fresh.take(name, who)
        if name in DAILY:
            np.testing.assert_array_equal(second, firsts[1][name])  # keyed by the day
        else:
            assert not np.array_equal(second, firsts[1][name])  # the run's second draw


def test_draws_do_not_depend_on_the_chunk() -> None:
    whole = DayDraws(9, 0, 9000)
    part = DayDraws(9, 4000, 5000)
    for d in (whole, part):
        d.new_day(2)
    w = whole.take("response", np.arange(9000))
    p = part.take("response", np.arange(1000))
    np.testing.assert_array_equal(w[4000:5000], p)
