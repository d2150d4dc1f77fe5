"""The vectorized engine: bit-identical whatever the chunking and workers; paired strategies."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.engines.vector.engine import run_vector
from sim.model.scenario import Scenario
from sim.run import simulate
from sim.strategy.library import get_strategy


@pytest.fixture(scope="module")
def reference() -> tuple[pd.DataFrame, pd.DataFrame]:
    out = run_vector(Scenario(), get_strategy("persistent-until-no"), 9000, seed=21, chunk=65536)
    return out.prospects, out.touches


@pytest.mark.parametrize(("chunk", "workers"), [(4096, 1), (3000, 1), (2500, 2)])
def test_results_do_not_depend_on_chunks_or_workers(
    reference: tuple[pd.DataFrame, pd.DataFrame], chunk: int, workers: int
) -> None:
    out = run_vector(
        Scenario(), get_strategy("persistent-until-no"), 9000, seed=21, chunk=chunk, workers=workers
    )
    pd.testing.assert_frame_equal(out.prospects, reference[0])
    pd.testing.assert_frame_equal(out.touches, reference[1])


def test_a_range_of_prospects_is_the_same_prospects_in_a_bigger_run(
    reference: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    part = run_vector(Scenario(), get_strategy("persistent-until-no"), 3000, seed=21, first_id=5000)
    whole = reference[0].iloc[5000:8000].reset_index(drop=True)
    pd.testing.assert_frame_equal(part.prospects, whole)


def test_strategies_identical_until_a_day_agree_on_prospects_resolved_before_it() -> None:
    """Common random numbers on the vector engine, as on the DES (engines/test_reproducibility)."""
    step = {"day": 0, "time": "10:00", "channel": "call_desk", "leave_voicemail": True}
    first = {"name": "a", "steps": [step], "repeat_every": 3, "cycles": 4, "then": "late"}
    custom = {
        "early": {"phases": [first, {"name": "late", "repeat_every": 2,
                                     "steps": [{"day": 0, "time": "11:00", "channel": "email"}]}]},
        "other": {"phases": [first, {"name": "late", "repeat_every": 1,
                                     "steps": [{"day": 0, "time": "15:00", "channel": "text"}]}]},
    }  # fmt: skip
    sc = Scenario(custom_strategies=custom)
    r = simulate(sc, ["early", "other"], prospects=20000, seed=2, engine="vector")
    p = r.prospects
    e = p[p.strategy == "early"].set_index("prospect")
    o = p[p.strategy == "other"].set_index("prospect")
    resolved = e["meeting_day"].lt(9)
    assert resolved.sum() > 300
    for col in ("outcome", "meeting_day", "first_contact_attempt", "touches"):
        assert e.loc[resolved, col].equals(o.loc[resolved, col]), col
    early = e["first_response_day"].lt(9)
    assert e.loc[early, "first_response_day"].equals(o.loc[early, "first_response_day"])
    # and the two strategies really differ afterwards
    assert not e["touches"].equals(o["touches"])


def test_engines_see_the_same_prospects() -> None:
    sc = Scenario()
    des = simulate(sc, ["no-follow-up"], prospects=300, seed=8, engine="des").prospects
    vec = simulate(sc, ["no-follow-up"], prospects=300, seed=8, engine="vector").prospects
    assert des["segment"].equals(vec["segment"])
    assert np.array_equal(des["prospect"], vec["prospect"])


def test_a_streamed_run_has_the_summary_of_the_whole() -> None:
    """Chunk statistics merged = statistics of the full tables, so the summaries are equal."""
    from sim.results.summary import summarize, summarize_stats

    sc, s = Scenario(), get_strategy("breakup-after-two")
    full = run_vector(sc, s, 10_000, seed=4, chunk=3000)
    streamed = run_vector(sc, s, 10_000, seed=4, chunk=3000, stream=True)
    assert streamed.prospects.empty and streamed.touches.empty
    a = summarize(full.prospects, full.touches)
    b = summarize_stats({s.name: streamed.stats})
    pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-9)
    assert b.set_index("metric").loc["meeting_rate", "n_prospects"] == 10_000
