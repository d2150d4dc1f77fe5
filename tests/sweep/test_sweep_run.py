"""Running sweeps: the same results whatever the number of workers and the batching, shards
written atomically, and a real ``followup sweep`` process killed with SIGKILL that resumes to
exactly the results of an uninterrupted run."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import matplotlib.image
import numpy as np
import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner, Result

from sim.cli import app
from sim.results.summary import METRICS
from sim.sweep import SweepResult, load_spec, run_sweep
from sim.sweep.spec import spec_from_dict
from sim.sweep.store import DIFFERENCE_COLUMNS, RESULT_COLUMNS, SUMMARY_COLUMNS
from sim.sweep.tasks import PAIR_METRICS
from tests.helpers import ROOT

pytestmark = pytest.mark.slow

STRATEGIES = ["one-and-done", "breakup-after-two", "persistent-until-no"]
TINY: dict[str, Any] = {
    "name": "tiny",
    "base": "baseline",
    "overrides": {"calendar": {"horizon_days": 20}},
    "parameters": [
        {
            "path": "population.tolerance.median",
            "label": "tolerance (median)",
            "values": [1.5, 6.0, 24.0],
        },
        {"path": "population.loads.email.median", "values": [40, 400]},
    ],
    "strategies": STRATEGIES,
    "prospects": 300,
    "replications": 2,
    "seed": 3,
}


def spec_file(tmp_path: Path, data: dict[str, Any], name: str = "tiny.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def followup_here(*args: str) -> Result:
    """The ``followup`` command run in this process (``CliRunner``); it must succeed."""
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, (result.output, result.exception)
    return result


def tables(out: Path) -> dict[str, pd.DataFrame]:
    return {
        "results": pd.read_parquet(out / "results.parquet"),
        "differences": pd.read_parquet(out / "differences.parquet"),
        "summary": pd.read_csv(out / "summary.csv"),
    }


def assert_same_tables(a: Path, b: Path) -> None:
    ta, tb = tables(a), tables(b)
    for name in ta:
        pd.testing.assert_frame_equal(ta[name], tb[name], check_exact=True, obj=name)


@pytest.fixture(scope="module")
def local(tmp_path_factory: pytest.TempPathFactory) -> SweepResult:
    """The tiny sweep with one worker, one cell per task."""
    folder = tmp_path_factory.mktemp("local")
    spec, file = load_spec(spec_file(folder, TINY))
    return run_sweep(spec, file, folder / "out", workers=1, batch=1)


def test_outputs_are_tidy_and_complete(local: SweepResult) -> None:
    out = local.out
    params = ["population.tolerance.median", "population.loads.email.median"]
    results = pd.read_parquet(out / "results.parquet")
    assert list(results.columns) == ["cell", *params, *RESULT_COLUMNS]
    per = results.groupby(["cell", "strategy"])["metric"].apply(tuple)
    assert len(per) == 6 * len(STRATEGIES) and per.nunique() == 1
    assert set(per.iloc[0]) <= set(METRICS) and "meeting_rate" in per.iloc[0]
    assert set(results["n_prospects"]) == {600}  # two replications of 300, pooled
    n = len(per.iloc[0])
    assert results["strategy"].tolist()[: 2 * n] == ["one-and-done"] * n + ["breakup-after-two"] * n
    rate = results[results["metric"] == "meeting_rate"]
    assert ((rate["ci_low"] <= rate["mean"]) & (rate["mean"] <= rate["ci_high"])).all()
    differences = pd.read_parquet(out / "differences.parquet")
    assert list(differences.columns) == ["cell", *params, *DIFFERENCE_COLUMNS]
    assert len(differences) == 6 * 3 * len(PAIR_METRICS)  # every two strategies, every cell
    summary = pd.read_csv(out / "summary.csv")
    assert list(summary.columns) == ["cell", *params, *SUMMARY_COLUMNS]
    best = rate.loc[rate.groupby("cell")["mean"].idxmax(), "strategy"].tolist()
    assert summary["best"].tolist() == best
    tied = summary["p_value"] >= 0.05
    assert (summary["indistinguishable"] == tied).all()
    assert (summary["diff"] >= 0).all()  # best minus runner-up
    design = pd.read_csv(out / "design.csv")
    assert design["cell"].tolist() == list(range(6)) and design["key"].is_unique
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "complete"
    assert manifest["cells"] == 6 and manifest["tasks_run"] == 6
    assert manifest["common_random_numbers"] is True
    assert len(manifest["replication_seeds"]) == 2
    shards = sorted((out / "shards").iterdir())
    assert len([p for p in shards if p.suffix == ".parquet"]) == 6
    assert not [p for p in shards if p.name.endswith(".tmp")]


def test_charts_render_to_png(local: SweepResult) -> None:
    charts = sorted(p.name for p in local.files if p.parent.name == "charts")
    assert charts == [
        "meeting_rate_by_population_loads_email_median.png",
        "meeting_rate_by_population_tolerance_median.png",
        "winner_map.png",
    ]
    for name in charts:
        image = matplotlib.image.imread(local.out / "charts" / name)
        assert image.shape[0] > 500 and image.shape[1] > 800
        assert np.asarray(image).std() > 0.05  # not blank


def test_the_pooled_cell_equals_one_run_per_replication(local: SweepResult) -> None:
    """A cell's numbers are what ``simulate`` gives for its scenario and the replication
    seeds, merged: nothing depends on the task that ran it."""
    from sim.results.aggregate import merge
    from sim.results.summary import summarize_stats
    from sim.run import simulate
    from sim.sweep.design import build_design
    from sim.sweep.tasks import replication_seed

    spec = local.spec
    cell = build_design(spec, None).cells[4]
    runs = [
        simulate(cell.scenario, STRATEGIES, prospects=300, seed=replication_seed(3, r),
                 engine="vector")
        for r in range(2)
    ]  # fmt: skip
    expected = summarize_stats(merge([r.stats for r in runs]))
    got = local.results[local.results["cell"] == 4][RESULT_COLUMNS].reset_index(drop=True)
    pd.testing.assert_frame_equal(got, expected, check_exact=True, check_dtype=False)


def test_two_workers_and_any_batching_give_identical_results(
    local: SweepResult, tmp_path: Path
) -> None:
    spec, file = load_spec(spec_file(tmp_path, TINY))
    two = run_sweep(spec, file, tmp_path / "two", workers=2, charts=False)
    assert two.executor == "2 local processes"
    assert_same_tables(local.out, tmp_path / "two")
    batched = run_sweep(spec, file, tmp_path / "batched", workers=2, batch=4, charts=False)
    assert batched.tasks == 2
    assert_same_tables(local.out, tmp_path / "batched")


def test_an_existing_sweep_is_not_overwritten_silently(local: SweepResult, tmp_path: Path) -> None:
    out = tmp_path / "out"
    spec = spec_from_dict({**TINY, "parameters": TINY["parameters"][:1], "replications": 1})
    run_sweep(spec, None, out, charts=False)
    with pytest.raises(Exception, match="holds the shards of an earlier sweep"):
        run_sweep(spec, None, out, charts=False)
    again = run_sweep(spec, None, out, overwrite=True, charts=False)
    assert again.cells_run == 3 and again.cells_resumed == 0


def test_resume_reruns_exactly_the_cells_whose_key_changed(tmp_path: Path) -> None:
    base = {**TINY, "replications": 1}
    out = tmp_path / "out"
    first = run_sweep(spec_from_dict(base), None, out, batch=2, charts=False)
    assert first.cells_run == 6
    same = run_sweep(spec_from_dict(base), None, out, resume=True, charts=False)
    assert (same.cells_run, same.cells_resumed) == (0, 6)
    params = [{**TINY["parameters"][0], "values": [1.5, 6.0, 12.0]}, TINY["parameters"][1]]
    changed = spec_from_dict({**base, "parameters": params})
    resumed = run_sweep(changed, None, out, resume=True, charts=False)
    assert (resumed.cells_run, resumed.cells_resumed) == (2, 4)
    fresh = run_sweep(changed, None, tmp_path / "fresh", charts=False)
    pd.testing.assert_frame_equal(resumed.results, fresh.results, check_exact=True)
    pd.testing.assert_frame_equal(resumed.summary, fresh.summary, check_exact=True)
    more = run_sweep(changed.model_copy(update={"prospects": 200}), None, out, resume=True,
                     charts=False)  # fmt: skip
    assert (more.cells_run, more.cells_resumed) == (6, 0)
    kept = {p.stem for p in (out / "shards").glob("*.json")}
    assert kept == {p.stem for p in (out / "shards").glob("*.parquet")}
    listed = [json.loads((out / "shards" / f"{k}.json").read_text())["cells"] for k in kept]
    assert sorted(k for keys in listed for k in keys) == sorted(more.design["key"])


# -- killed -----------------------------------------------------------------------------------


KILLED: dict[str, Any] = {
    **TINY,
    "name": "killed",
    "overrides": {"calendar": {"horizon_days": 30}},
    "parameters": [
        {"path": "population.tolerance.median", "values": [1.5, 3.0, 6.0, 12.0]},
        {"path": "population.loads.email.median", "values": [40, 120, 400]},
    ],
    "strategies": ["breakup-after-two", "persistent-until-no"],
    "prospects": 1500,
    "replications": 1,
}


def children(pid: int) -> list[int]:
    """A process's children (Linux ``/proc``)."""
    text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    return [int(c) for c in text.split()]


def alive(pid: int) -> bool:
    """Running, and not a zombie waiting to be reaped."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status


def shard_manifests(out: Path) -> list[Path]:
    folder = out / "shards"
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


def test_a_killed_sweep_resumes_to_the_uninterrupted_result(tmp_path: Path) -> None:
    file = spec_file(tmp_path, KILLED, "killed.yaml")
    out = tmp_path / "out"
    args = [sys.executable, "-m", "sim.cli", "sweep", str(file), "--out", str(out),
            "--workers", "2", "--batch", "1", "--no-charts"]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while len(shard_manifests(out)) < 2 and proc.poll() is None:
            assert time.monotonic() < deadline, "no shard written in time"
            time.sleep(0.02)
        workers = children(proc.pid)
        os.kill(proc.pid, signal.SIGKILL)  # the sweep process only, as the OOM killer would
        proc.wait(timeout=30)
        # its worker processes notice and exit instead of running on or waiting forever
        deadline = time.monotonic() + 15
        while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert workers and not any(alive(pid) for pid in workers)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL, "the sweep finished before it could be killed"
    done = len(shard_manifests(out))
    assert 2 <= done < 12
    assert json.loads((out / "manifest.json").read_text())["status"] == "running"
    assert not (out / "results.parquet").exists()
    # what a kill in the middle of writing leaves: a temporary file, a parquet without manifest
    (out / "shards" / ".abc.parquet.x1y2.tmp").write_bytes(b"PAR1 half a shard")
    (out / "shards" / "0123456789abcdef01234567.parquet").write_bytes(b"PAR1 no manifest")

    refused = CliRunner().invoke(app, ["sweep", str(file), "--out", str(out)])
    assert refused.exit_code == 2 and "pass --resume to continue it" in refused.stderr
    r = followup_here("sweep", str(file), "--out", str(out), "--workers", "1", "--resume",
                      "--no-charts")  # fmt: skip
    assert f"resumed: {done} cells from earlier shards, {12 - done} run now" in r.stdout
    leftovers = [p.name for p in (out / "shards").iterdir() if p.name.startswith(".")]
    assert leftovers == []
    assert not (out / "shards" / "0123456789abcdef01234567.parquet").exists()
    parquets = {p.stem for p in (out / "shards").glob("*.parquet")}
    assert parquets == {p.stem for p in shard_manifests(out)}
    assert json.loads((out / "manifest.json").read_text())["status"] == "complete"

    spec, _ = load_spec(file)
    run_sweep(spec, file, tmp_path / "uninterrupted", workers=1, charts=False)
    assert_same_tables(out, tmp_path / "uninterrupted")
