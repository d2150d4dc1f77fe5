"""Paired comparisons from mergeable statistics, and chunk-major runs that keep only statistics.

The paired t-test on merged moments must equal ``scipy.stats.ttest_rel`` on the raw values;
a run's statistics merged chunk by chunk must equal those of its whole outcome table; and a
run that keeps no table (``stream``) must give bit for bit the figures of one that does, on any
number of workers and chunk sizes.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sim.engines.registry import get_engine
from sim.io.loader import load_scenario
from sim.results.aggregate import stats_by_strategy
from sim.results.paired import PAIRED_COLUMNS, PairedStats, paired_test
from sim.results.summary import summarize_stats
from sim.results.tables import compare, comparisons, run_tables
from sim.run import simulate
from sim.run.chunked import chunk_ranges

STRATEGIES = ["persistent-until-no", "one-and-done", "breakup-after-two"]


def _values(rng: np.random.Generator, n: int) -> dict[str, dict[str, np.ndarray]]:
    base = rng.normal(5, 2, n)
    return {
        name: {c: base + rng.normal(shift, 1, n) for c in PAIRED_COLUMNS}
        for name, shift in (("a", 0.0), ("b", 0.3), ("c", -0.1))
    }


def test_paired_test_on_merged_moments_is_ttest_rel() -> None:
    rng = np.random.Generator(np.random.PCG64(7))
    values = _values(rng, 3001)
    cuts = [0, 17, 900, 901, 3001]  # uneven parts, one of a single prospect
    parts = [
        PairedStats.of({k: {c: v[c][a:b] for c in PAIRED_COLUMNS} for k, v in values.items()})
        for a, b in itertools.pairwise(cuts)
    ]
    merged = parts[0] + parts[1] + parts[2] + parts[3]
    for a, b in (("a", "b"), ("c", "a")):
        t = merged.test("meeting", a, b, level=0.9)
        ref = stats.ttest_rel(values[a]["meeting"], values[b]["meeting"])
        ci = ref.confidence_interval(confidence_level=0.9)
        assert t.n == 3001
        assert t.diff == pytest.approx(np.mean(values[a]["meeting"] - values[b]["meeting"]))
        assert (t.ci_low, t.ci_high) == pytest.approx((ci.low, ci.high), rel=1e-9)
        assert t.p_value == pytest.approx(ref.pvalue, rel=1e-7, abs=1e-300)


def test_constant_differences_have_a_point_interval() -> None:
    x = np.arange(10.0)
    same = PairedStats.of(
        {"a": {c: x for c in PAIRED_COLUMNS}, "b": {c: x for c in PAIRED_COLUMNS}}
    )
    t = same.test("touches", "a", "b")
    assert (t.diff, t.ci_low, t.ci_high, t.p_value) == (0.0, 0.0, 0.0, 1.0)
    shifted = PairedStats.of(
        {"a": {c: x + 1 for c in PAIRED_COLUMNS}, "b": {c: x for c in PAIRED_COLUMNS}}
    )
    t = shifted.test("touches", "a", "b")
    assert (t.diff, t.ci_low, t.ci_high, t.p_value) == pytest.approx((1.0, 1.0, 1.0, 0.0))
    one = paired_test(PairedStats.of({"a": {c: x[:1] for c in PAIRED_COLUMNS}}).columns["meeting"],
                      "a", "a")  # fmt: skip
    assert one.n == 1 and np.isnan(one.ci_low)


@pytest.fixture(scope="module")
def runs() -> dict[str, object]:
    sc = load_scenario("baseline")
    common = {"prospects": 3000, "seed": 11, "chunk": 700}
    return {
        "tables": simulate(sc, STRATEGIES, workers=1, **common),
        "stream": simulate(sc, STRATEGIES, workers=1, stream=True, **common),
        "stream2": simulate(sc, STRATEGIES, workers=2, stream=True, **common),
        "whole": simulate(
            sc, STRATEGIES, workers=1, stream=True, prospects=3000, seed=11, chunk=100_000
        ),
    }


def test_a_run_is_cut_into_chunks_of_every_strategy(runs: dict[str, object]) -> None:
    sc = load_scenario("baseline")
    ranges = chunk_ranges(get_engine("vector"), sc, 3000, 700)
    assert ranges[0][0] == 0 and ranges[-1][1] == 3000 and len(ranges) > 1
    assert all(a[1] == b[0] for a, b in itertools.pairwise(ranges))
    assert chunk_ranges(get_engine("des"), sc, 3000, None) == [(0, 3000)]


def test_statistics_merged_by_chunk_equal_the_tables(runs: dict[str, object]) -> None:
    """Up to floating-point summation order: summary and comparisons from the merged per-chunk
    statistics against the same computed from the whole outcome table."""
    run = runs["tables"]
    assert len(run.prospects) == 3 * 3000
    from_table = stats_by_strategy(run.prospects, run.touches)
    a, b = summarize_stats(run.stats), summarize_stats(from_table)
    pd.testing.assert_frame_equal(a, b, rtol=1e-9, atol=1e-12)
    best = STRATEGIES[0]
    pd.testing.assert_frame_equal(
        compare(run.paired, best), comparisons(run.prospects, best), rtol=1e-8, atol=1e-12
    )
    for st, ref in zip(run.stats.values(), from_table.values(), strict=True):
        assert np.array_equal(st.meeting_days, ref.meeting_days)
        assert np.array_equal(st.outcomes, ref.outcomes) and st.outcomes.sum() == 3000
        assert np.array_equal(st.touch_counts, ref.touch_counts)


def test_a_run_without_tables_gives_the_same_figures_bit_for_bit(runs: dict[str, object]) -> None:
    tables, stream, stream2 = runs["tables"], runs["stream"], runs["stream2"]
    assert stream.prospects.empty and stream.touches.empty
    summary = summarize_stats(tables.stats)
    expected = run_tables(tables.paired, tables.stats, summary)
    for other in (stream, stream2):  # and on two workers
        pd.testing.assert_frame_equal(summarize_stats(other.stats), summary, check_exact=True)
        got = run_tables(other.paired, other.stats, summary)
        for name, table in expected.items():
            pd.testing.assert_frame_equal(got[name], table, check_exact=True)


def test_chunk_size_changes_only_summation_order(runs: dict[str, object]) -> None:
    a, b = runs["stream"], runs["whole"]
    pd.testing.assert_frame_equal(
        summarize_stats(a.stats), summarize_stats(b.stats), rtol=1e-9, atol=1e-12
    )
    pd.testing.assert_frame_equal(
        compare(a.paired, STRATEGIES[0]), compare(b.paired, STRATEGIES[0]), rtol=1e-8, atol=1e-12
    )


def test_runs_on_a_pool_of_the_callers_equal_runs_on_their_own(
    runs: dict[str, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``simulate(..., pool=...)``: two runs on one pool of two workers give the figures of a
    run that starts its own, bit for bit; a run grown to a precision starts one pool for all
    its rounds."""
    import importlib

    from sim.run import runner

    module = importlib.import_module("sim.run.simulate")  # the module, not the function

    sc = load_scenario("baseline")
    expected = runs["stream2"]
    with runner(2) as pool:
        first, second = (
            simulate(sc, STRATEGIES, stream=True, prospects=3000, seed=11, chunk=700, pool=pool)
            for _ in range(2)
        )
    for got in (first, second):
        assert got.workers == 2
        pd.testing.assert_frame_equal(
            summarize_stats(got.stats), summarize_stats(expected.stats), check_exact=True
        )
        pd.testing.assert_frame_equal(
            compare(got.paired, STRATEGIES[0]), compare(expected.paired, STRATEGIES[0]),
            check_exact=True,
        )  # fmt: skip
    started: list[int] = []

    def counting(workers: int = 1, scheduler: str | None = None):  # type: ignore[no-untyped-def]
        started.append(workers)
        return runner(workers, scheduler)

    monkeypatch.setattr(module, "runner", counting)
    grown = simulate(sc, ["one-and-done"], prospects=1000, precision=0.001, max_prospects=5000,
                     workers=2, stream=True)  # fmt: skip
    assert [s.prospects for s in grown.precision[2]] == [1000, 5000]  # type: ignore[index]
    assert started == [2]
