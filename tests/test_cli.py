"""The command line, run as a user runs it: a real process, real files, real exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent


def followup(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "sim.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


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
    per = prospects.groupby("strategy")["touches"].sum()
    assert touches.groupby("strategy").size().to_dict() == per.to_dict()
    assert not list(out.glob("*.tmp*"))


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


def test_strategies_lists_the_library() -> None:
    r = followup("strategies", "--json")
    assert r.returncode == 0
    names = {x["name"] for x in json.loads(r.stdout)}
    assert {"no-follow-up", "one-and-done", "persistent-until-no", "breakup-after-two"} <= names
