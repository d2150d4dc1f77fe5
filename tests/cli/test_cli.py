"""The command line, run as a user runs it: a real process, real files, real exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from sim.cli.common import strategy_list
from sim.io.loader import load_scenario
from sim.results.tables import (
    BY_ATTEMPT_COLUMNS,
    COMPARISON_COLUMNS,
    COMPARISON_METRICS,
    TOUCH_STATS_COLUMNS,
)
from sim.run import simulate
from sim.run.precision import precision_lines
from tests.helpers import ROOT, followup


def test_run_prints_the_table_and_writes_the_files(tmp_path: Path) -> None:
    out = tmp_path / "report"
    r = followup(
        "run",
        "baseline",
        "--strategies",
        "no-follow-up,persistent-until-no",
        "--prospects",
        "120",
        "--seed",
        "4",
        "--out",
        str(out),
    )
    assert r.returncode == 0, r.stderr
    assert "persistent-until-no" in r.stdout and "no-follow-up" in r.stdout
    assert "engine vector" in r.stdout  # the default engine
    assert "Statistically indistinguishable" in r.stdout or "significantly fewer" in r.stdout
    summary = pd.read_csv(out / "summary.csv")
    assert list(summary.columns) == [
        "strategy",
        "metric",
        "mean",
        "ci_low",
        "ci_high",
        "n_prospects",
    ]
    assert set(summary.strategy) == {"no-follow-up", "persistent-until-no"}
    prospects = pd.read_parquet(out / "prospects.parquet")
    touches = pd.read_parquet(out / "touches.parquet")
    assert len(prospects) == 240
    # the touch log went to disk strategy by strategy and was merged: the same table
    direct = simulate(
        load_scenario("baseline"), ["no-follow-up", "persistent-until-no"], prospects=120, seed=4
    )
    one_file = tmp_path / "direct.parquet"
    direct.touches.to_parquet(one_file, index=False)  # the same round trip through parquet
    pd.testing.assert_frame_equal(touches, pd.read_parquet(one_file))
    assert not list(out.glob(".touches-*"))  # the scratch folder is gone
    per = prospects.groupby("strategy")["touches"].sum()
    assert touches.groupby("strategy").size().to_dict() == per.to_dict()
    comparisons = pd.read_csv(out / "comparisons.csv")
    assert list(comparisons.columns) == COMPARISON_COLUMNS
    assert set(comparisons.metric) == set(COMPARISON_METRICS)
    touch_stats = pd.read_csv(out / "touch_stats.csv")
    assert list(touch_stats.columns) == TOUCH_STATS_COLUMNS
    assert touch_stats.groupby("strategy")["sent"].sum().to_dict() == per.to_dict()
    by_attempt = pd.read_csv(out / "by_attempt.csv")
    assert list(by_attempt.columns) == BY_ATTEMPT_COLUMNS
    reached = prospects.groupby("strategy")["reached"].sum()
    assert by_attempt.groupby("strategy")["first_contact"].sum().to_dict() == reached.to_dict()
    info = json.loads((out / "manifest.json").read_text())
    assert info["seed"] == 4 and info["engine"] == "vector" and len(info["scenario_hash"]) == 64
    assert info["sizes"]["prospects"] == 120 and info["sizes"]["strategies"] == 2
    assert (out / "report.html").is_file() and list((out / "charts").glob("*.png"))
    assert not list(out.glob("*.tmp*"))

    r = followup("run", "baseline", "--strategies", "scenario", "--prospects", "120", "--stream",
                 "--out", str(out))  # fmt: skip
    assert r.returncode == 0, r.stderr
    for gone in ("prospects.parquet", "touches.parquet"):
        assert not (out / gone).exists(), gone  # not left over from the first run
    for kept in ("summary.csv", "touch_stats.csv", "by_attempt.csv", "manifest.json"):
        assert (out / kept).is_file(), kept
    assert json.loads((out / "manifest.json").read_text())["streamed"] is True
    compared = pd.read_csv(out / "comparisons.csv")  # from the statistics (tests/results)
    assert set(compared["metric"]) == set(COMPARISON_METRICS) and compared["p_value"].notna().all()
    assert "paired differences in meetings" in " ".join(r.stdout.split())
    assert (out / "charts" / "reached_by_attempt.png").is_file()  # from the statistics
    (out / "charts" / "reached_by_attempt.png").unlink()
    r = followup("charts", str(out))
    assert r.returncode == 0, r.stderr
    assert (out / "charts" / "reached_by_attempt.png").is_file()  # read back from by_attempt.csv
    scenario = load_scenario(ROOT / "scenarios" / "baseline.yaml")
    assert set(pd.read_csv(out / "summary.csv").strategy) == set(scenario.strategies)


def test_default_strategies_are_all() -> None:
    scenario = load_scenario(ROOT / "scenarios" / "baseline.yaml")
    assert strategy_list(None, scenario) == ["all"]
    assert strategy_list("scenario", scenario) == list(scenario.strategies)
    assert strategy_list("scenario,no-follow-up", scenario)[: len(scenario.strategies)] == list(
        scenario.strategies
    )


def test_precision_grows_the_run(tmp_path: Path) -> None:
    out = tmp_path / "precise"
    r = followup("run", "--strategies", "one-and-done,breakup-after-two", "--prospects", "300",
                 "--precision", "0.02", "--out", str(out))  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert "running again with 4,096" in r.stderr
    assert "below 0.02 with 4,096 prospects per strategy (2 runs)" in " ".join(r.stdout.split())
    summary = pd.read_csv(out / "summary.csv")
    rates = summary[summary.metric == "meeting_rate"]
    assert (rates.n_prospects == 4096).all()
    assert ((rates.ci_high - rates.ci_low) / 2 < 0.02).all()
    record = json.loads((out / "manifest.json").read_text())["precision"]
    assert record["reached"] is True and [x["prospects"] for x in record["runs"]] == [300, 4096]


def test_precision_stops_at_the_cap() -> None:
    scenario = load_scenario(ROOT / "scenarios" / "baseline.yaml")

    result = simulate(
        scenario, ["one-and-done"], prospects=1000, precision=0.001, max_prospects=5000
    )
    assert result.precision is not None
    steps = result.precision[2]
    assert [s.prospects for s in steps] == [1000, 5000]
    assert result.n_prospects == 5000 and steps[-1].widest > 0.001
    assert "NOT reached" in precision_lines(result)[0]


def test_json_output_is_only_json() -> None:
    r = followup(
        "run",
        "--strategies",
        "one-and-done",
        "--prospects",
        "50",
        "--format",
        "json",
        "--out",
        "/tmp/followup-json-test",
    )
    assert r.returncode == 0, r.stderr
    records = json.loads(r.stdout)
    rates = [x for x in records if x["metric"] == "meeting_rate"]
    assert len(rates) == 1 and 0 <= rates[0]["mean"] <= 1


def test_bad_scenario_exits_2_with_one_line_per_problem(tmp_path: Path) -> None:
    bad = tmp_path / "x.yaml"
    bad.write_text(
        "population:\n  loads:\n    email: {kind: lognormal, median: -3}\n  in_office: 2\n"
    )
    r = followup("run", str(bad))
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert f"{bad}: population.loads.email.median = -3: must be > 0" in lines
    assert f"{bad}: population.in_office = 2: must be <= 1" in lines


def test_bad_arguments_exit_2_without_traceback() -> None:
    for args in (
        ("run", "--strategies", "fifth-call"),
        ("run", "--prospects", "0"),
        ("run", "--engine", "quantum"),
        ("run", "no-such-scenario"),
    ):
        r = followup(*args)
        assert r.returncode == 2, args
        assert "Traceback" not in r.stderr and r.stderr.strip(), args


def test_trace_tells_a_story() -> None:
    r = followup("trace", "--strategy", "persistent-until-no", "--prospect", "2", "--days", "4")
    assert r.returncode == 0, r.stderr
    assert "W1 Mon (day 0)" in r.stdout
    assert "call_desk" in r.stdout


def test_trace_shows_urgency_for_buyers_only() -> None:
    """Only buyers have a market (the urgency step is for buyers): the trace says so."""
    from sim.model.population import BUYER, SEGMENT_NAMES, draw_traits
    from sim.model.scenario import Scenario

    segment = draw_traits(Scenario(), 0, 0, 50).segment
    buyer, other = (
        int(np.flatnonzero(segment == BUYER)[0]),
        int(np.flatnonzero(segment != BUYER)[0]),
    )
    for i in (buyer, other):
        r = followup("trace", "--strategy", "no-follow-up", "--prospect", str(i), "--days", "1")
        assert r.returncode == 0, r.stderr
        if i == buyer:
            assert "urgency " in r.stdout and "(threshold 1.41" in r.stdout
        else:
            name = SEGMENT_NAMES[segment[i]].replace("_", " ")
            assert f"{name}, never in market" in r.stdout and "urgency " not in r.stdout


def test_strategies_lists_the_library() -> None:
    r = followup("strategies", "--json")
    assert r.returncode == 0
    names = {x["name"] for x in json.loads(r.stdout)}
    assert {"no-follow-up", "one-and-done", "persistent-until-no", "breakup-after-two"} <= names
