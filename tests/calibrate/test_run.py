"""Whole calibrations at toy sizes: every file, the same calibrated.yaml for 1 and 2 workers,
on a Dask cluster and after an interrupted run resumed, a target the fit cannot reach said
so, the calibrated scenario loadable by ``followup run``, ``followup run --posterior``, and a
planted recovery (the small version of ``make calibration-check``)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from sim.calibrate.outputs import FIT_COLUMNS
from sim.cli import app
from sim.io.loader import load_scenario
from tests.sweep import test_sweep_dask

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow
dask_cluster = test_sweep_dask.scheduler
"""A Dask scheduler with two workers on 127.0.0.1 (the sweep tests' fixture)."""


def followup(*args: str) -> str:
    done = CliRunner().invoke(app, list(args))
    assert done.exit_code == 0, (done.output, done.exception)
    return done.output


@pytest.fixture(scope="module")
def toy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 20-day cold-outbound market, one free parameter, a connect rate planted at pick-up
    0.3 and a share of fits no parameter value can give."""
    folder = tmp_path_factory.mktemp("toy")
    scenario = yaml.safe_load((ROOT / "scenarios" / "cold-outbound.yaml").read_text("utf-8"))
    scenario["calendar"]["horizon_days"] = 20
    (folder / "short.yaml").write_text(yaml.safe_dump(scenario), encoding="utf-8")
    targets = {
        "name": "toy", "scenario": "short.yaml", "strategy": "channel-mix",
        "free": {"population.screening.unknown": {"low": 0.05, "high": 0.9}},
        "market": {"connect_rate_per_dial": {"value": 0.11, "n": 3000}},
        "targets": [{"statistic": "fit_share", "value": 0.6, "se": 0.02}],
        "fit": {"prospects": 1024, "budget": 290},
    }  # fmt: skip
    (folder / "toy.yaml").write_text(yaml.safe_dump(targets), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def one(toy: Path) -> Iterator[tuple[Path, str]]:
    out = toy / "one"
    text = followup("calibrate", str(toy / "toy.yaml"), "--out", str(out), "--workers", "1")
    yield out, text


def test_every_file_and_the_terminal(one: tuple[Path, str]) -> None:
    out, text = one
    names = (
        "calibrated.yaml",
        "fit.csv",
        "parameters.csv",
        "posterior.parquet",
        "report.html",
        "manifest.json",
        "charts/fit.png",
        "charts/marginals.png",
    )
    for name in names:
        assert (out / name).is_file(), name
    fit = pd.read_csv(out / "fit.csv", keep_default_na=False)
    assert list(fit.columns) == FIT_COLUMNS
    by = fit.set_index("target")
    assert abs(float(by.loc["connect_rate_per_dial", "z"])) < 3
    assert by.loc["connect_rate_per_dial", "note"] == ""
    assert by.loc["fit_share", "note"].startswith("not reached")
    assert "NOT REACHED" in text and "warning: target fit_share: not reached" in text
    posterior = pd.read_parquet(out / "posterior.parquet")
    assert list(posterior.columns) == ["population.screening.unknown", "weight"]
    assert len(posterior) >= 100
    assert posterior["weight"].sum() == pytest.approx(1.0)
    assert posterior["population.screening.unknown"].between(0.05, 0.9).all()
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "complete" and manifest["point_estimate"] == "posterior median"
    calibrated = load_scenario(out / "calibrated.yaml")
    params = pd.read_csv(out / "parameters.csv")
    assert calibrated.population.screening.unknown == pytest.approx(float(params["median"][0]))
    followup("run", str(out / "calibrated.yaml"), "--strategies", "channel-mix", "--prospects",
             "300", "--out", str(out / "run"), "--workers", "1")  # fmt: skip


def test_two_workers_give_the_same_calibration(toy: Path, one: tuple[Path, str]) -> None:
    out = toy / "two"
    followup("calibrate", str(toy / "toy.yaml"), "--out", str(out), "--workers", "2")
    for name in ("calibrated.yaml", "fit.csv", "parameters.csv"):
        assert (out / name).read_text() == (one[0] / name).read_text(), name
    pd.testing.assert_frame_equal(
        pd.read_parquet(out / "posterior.parquet"), pd.read_parquet(one[0] / "posterior.parquet")
    )


def test_resume_continues_an_interrupted_calibration(toy: Path, one: tuple[Path, str]) -> None:
    out = toy / "interrupted"
    shutil.copytree(one[0] / "evaluations", out / "evaluations")
    batches = sorted((out / "evaluations").glob("*.json"))
    for path in batches[::2]:  # a killed run: some batches never written, a temporary left
        path.unlink()
    (out / "evaluations" / ".abc.json.tmp").write_text("{half", encoding="utf-8")
    done = CliRunner().invoke(app, ["calibrate", str(toy / "toy.yaml"), "--out", str(out)])
    assert done.exit_code == 2 and "pass --resume" in done.output
    text = followup("calibrate", str(toy / "toy.yaml"), "--out", str(out), "--resume")
    assert " replayed)" in text and ", 0 replayed" not in text
    assert (out / "calibrated.yaml").read_text() == (one[0] / "calibrated.yaml").read_text()
    assert not list((out / "evaluations").glob(".*.tmp"))


def test_run_over_the_posterior(toy: Path, one: tuple[Path, str]) -> None:
    out = toy / "compare"
    text = followup("run", str(one[0] / "calibrated.yaml"), "--posterior",
                    str(one[0] / "posterior.parquet"), "--draws", "3", "--prospects", "400",
                    "--strategies", "channel-mix,opener-only", "--out", str(out),
                    "--workers", "1")  # fmt: skip
    assert "3 posterior draws" in text and "P(best)" in text
    best = pd.read_csv(out / "posterior_best.csv")
    assert list(best.columns) == ["strategy", "meeting_rate", "p_best", "p_worse_than_best"]
    assert best["p_best"].sum() == pytest.approx(1.0)
    assert best["p_worse_than_best"].isna().sum() == 1  # the best itself
    summary = pd.read_csv(out / "posterior_summary.csv")
    rate = summary[summary["metric"] == "meeting_rate"]
    assert len(rate) == 2 and (rate["ci_low"] <= rate["mean"]).all()
    assert (rate["draws"] == 3).all()
    bad = CliRunner().invoke(app, ["run", str(one[0] / "calibrated.yaml"), "--posterior",
                                   str(one[0] / "fit.csv")])  # fmt: skip
    assert bad.exit_code == 2 and "not a parquet file" in bad.output


def test_a_planted_recovery() -> None:
    """One recovery of ``make calibration-check``: the planted values inside their 90%
    posterior intervals (fixed seeds)."""
    import sys

    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import calibration_check
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    out = ROOT / ".pytest_cache" / "calibration-check"
    shutil.rmtree(out, ignore_errors=True)
    status = calibration_check.main(["--recoveries", "1", "--budget", "300", "--out", str(out)])
    coverage = json.loads((out / "coverage.json").read_text(encoding="utf-8"))
    assert coverage["total"] == 3
    assert coverage["hits"] == 3, coverage["recoveries"]
    assert status == 0


def test_the_same_calibration_on_a_dask_cluster(
    toy: Path, one: tuple[Path, str], dask_cluster: str
) -> None:
    out = toy / "dask"
    text = followup("calibrate", str(toy / "toy.yaml"), "--out", str(out), "--scheduler",
                    dask_cluster)  # fmt: skip
    assert f"dask {dask_cluster} (2 worker threads)" in text
    assert (out / "calibrated.yaml").read_text() == (one[0] / "calibrated.yaml").read_text()
