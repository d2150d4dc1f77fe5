"""The shipped sweep and sensitivity specs, and a single run cut into chunks, on a real Dask
cluster: a ``dask scheduler`` and two ``dask worker`` processes on 127.0.0.1 started with the
``dask`` command line, and the same results as local runs with one and with two worker
processes."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from sim.cli.app import app
from sim.sweep import load_spec, run_sweep
from sim.sweep.spec import SWEEP_DIR
from tests.helpers import ROOT
from tests.sweep.test_sweep_run import assert_same_tables, followup_here

pytestmark = pytest.mark.slow

DASK = Path(sys.executable).parent / "dask"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(args: list[str], log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with log.open("wb") as out:
        return subprocess.Popen(
            [str(DASK), *args], cwd=log.parent, env=env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=15)


@pytest.fixture(scope="module")
def scheduler(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The address of a scheduler with two single-threaded workers, torn down afterwards."""
    from distributed import Client

    folder = tmp_path_factory.mktemp("dask")
    address = f"tcp://127.0.0.1:{free_port()}"
    procs = [start(["scheduler", "--host", "127.0.0.1", "--port", address.rsplit(":", 1)[1],
                    "--no-dashboard"], folder / "scheduler.log")]  # fmt: skip
    try:
        for i in range(2):
            procs.append(
                start(["worker", address, "--nthreads", "1", "--nworkers", "1", "--name",
                       f"w{i}", "--host", "127.0.0.1", "--no-dashboard", "--memory-limit", "0",
                       "--local-directory", str(folder / f"w{i}"), "--death-timeout", "60"],
                      folder / f"worker{i}.log")
            )  # fmt: skip
        deadline = time.monotonic() + 60
        while True:  # the scheduler may not be listening yet
            try:
                with Client(address, timeout="5s") as client:
                    client.wait_for_workers(2, timeout=60)
                    assert len(client.scheduler_info()["workers"]) == 2
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        yield address
    finally:
        for proc in reversed(procs):
            stop(proc)


def shrunk(name: str, folder: Path, **patch: object) -> Path:
    """A shipped spec at test sizes: a 30-day horizon, and ``patch`` applied."""
    data = yaml.safe_load((SWEEP_DIR / f"{name}.yaml").read_text(encoding="utf-8"))
    data.update(overrides={"calendar": {"horizon_days": 30}}, **patch)
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_persistence_example_locally_and_on_dask(scheduler: str, tmp_path: Path) -> None:
    data = yaml.safe_load((SWEEP_DIR / "persistence.yaml").read_text(encoding="utf-8"))
    params = [{**p, "steps": 3} for p in data["parameters"]]
    file = shrunk("persistence", tmp_path, parameters=params, prospects=200)
    spec, _ = load_spec(file)
    one = run_sweep(spec, file, tmp_path / "one", workers=1, batch=1, charts=False)
    two = run_sweep(spec, file, tmp_path / "two", workers=2, charts=False)
    assert (one.tasks, len(one.design)) == (9, 9)
    dask = followup_here("sweep", str(file), "--out", str(tmp_path / "dask"), "--scheduler",
                         scheduler, "--no-charts")  # fmt: skip
    assert f"dask {scheduler} (2 worker threads)" in dask.stdout
    assert "books the most meetings in" in dask.stdout
    assert_same_tables(one.out, two.out)
    assert_same_tables(one.out, tmp_path / "dask")


def test_sensitivity_example_locally_and_on_dask(scheduler: str, tmp_path: Path) -> None:
    data = yaml.safe_load((SWEEP_DIR / "sensitivity.yaml").read_text(encoding="utf-8"))
    file = shrunk("sensitivity", tmp_path,
                  sensitivity={**data["sensitivity"], "samples": 4, "resamples": 100})  # fmt: skip
    common = ["--prospects", "150", "--no-charts"]
    followup_here("sensitivity", str(file), "--out", str(tmp_path / "local"), "--workers", "2",
                  *common)  # fmt: skip
    dask = followup_here("sensitivity", str(file), "--out", str(tmp_path / "dask"), "--scheduler",
                         scheduler, *common)  # fmt: skip
    assert "24 cells" in dask.stdout  # 4 * (4 parameters + 2)
    assert "persistent-until-no - breakup-after-two" in dask.stdout
    a = pd.read_csv(tmp_path / "local" / "sensitivity.csv")
    b = pd.read_csv(tmp_path / "dask" / "sensitivity.csv")
    assert len(a) == 3 * 4  # two strategies and their difference, four parameters
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    assert_same_tables(tmp_path / "local", tmp_path / "dask")


def test_a_single_run_on_dask_is_bit_identical_to_a_local_one(
    scheduler: str, tmp_path: Path
) -> None:
    """``followup run --scheduler``: every (chunk, strategy) task on the cluster, the statistics
    merged in chunk order here, so every table equals the local run's exactly."""
    names = "one-and-done,breakup-after-two,persistent-until-no"
    common = ["run", "baseline", "--strategies", names, "--prospects", "2400", "--chunk", "800",
              "--seed", "5", "--no-tables", "--no-assumptions"]  # fmt: skip
    followup_here(*common, "--workers", "2", "--out", str(tmp_path / "local"))
    followup_here(*common, "--scheduler", scheduler, "--out", str(tmp_path / "dask"))
    for name in ("summary.csv", "comparisons.csv", "touch_stats.csv", "by_attempt.csv",
                 "funnel.csv"):  # fmt: skip
        a = pd.read_csv(tmp_path / "local" / name)
        b = pd.read_csv(tmp_path / "dask" / name)
        assert len(a), name
        pd.testing.assert_frame_equal(a, b, check_exact=True)
    manifest = json.loads((tmp_path / "dask" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["scheduler"] == scheduler


def test_a_run_names_an_unreachable_scheduler(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["run", "baseline", "--strategies", "one-and-done", "--prospects", "100",
              "--scheduler", f"tcp://127.0.0.1:{free_port()}", "--out", str(tmp_path / "x")],
    )  # fmt: skip
    assert result.exit_code == 1
    assert "cannot reach the Dask scheduler" in result.output
    assert not (tmp_path / "x").exists()
