"""Options, output folders and failures while writing, in this process: every option checked
by its range, names that cannot choose a folder outside ``reports/``, folders replaced as a
whole (or left as they were), a full disk a clean error, and worker pools sized by the work.
Real processes and signals are in ``test_processes.py``."""

from __future__ import annotations

import errno
import json
import os
import subprocess
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

import sim.run.executor as executor_module
import sim.run.write as write_module
import sim.sweep.api as sweep_api
from sim.cli import app
from sim.cli.common import safe_folder_name
from sim.io.errors import OptionError
from sim.io.loader import scenario_from_dict
from sim.io.staging import check_target, clean_stale, hidden, replace_folder, scratch, staged
from sim.results.saved import load_saved_run
from sim.run import RunOptions, simulate, write_run
from sim.run.options import check_memory, memory_needed
from sim.run.pool import worker_pool
from sim.run.write import is_run_entry, is_run_folder
from sim.sweep.api import run_sweep
from sim.sweep.spec import spec_from_dict

RUN = ["--prospects", "200", "--strategies", "no-follow-up,one-and-done", "--workers", "1"]


def invoke(*args: str) -> Any:
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def _one_clean_line(result: Any, code: int = 2) -> str:
    assert result.exit_code == code, result.output
    lines = [line for line in result.stderr.replace("\r", "\n").splitlines() if line.strip()]
    lines = [line for line in lines if "%|" not in line]  # progress bars
    assert len(lines) == 1 and "Traceback" not in result.output, result.output
    return lines[0]


# -- options -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "start"),
    [
        (["run", "--seed", "-1"], "--seed: must be between 0 and"),
        (["run", "--prospects", str(10**30)], "--prospects: must be between 1 and 100,000,000"),
        (["run", "--prospects", "1000000000000"], "--prospects: must be between 1"),
        (["run", "--strategies", ""], "--strategies: no strategy names given"),
        (["run", "--out", ""], "--out: is empty"),
        (["run", "--workers", "0"], "--workers: must be between 1 and 256"),
        (["trace", "--seed", "-1"], "--seed: must be between 0 and"),
        (["trace", "--prospect", "1000000000"], "--prospect: must be between 0 and 99,999,999"),
        (["trace", "--strategy", ""], "--strategy: no strategy names given"),
        (["run", "--strategies", "fifth-call"], "--strategies: unknown strategy 'fifth-call'"),
        (["sweep", "persistence", "--prospects", str(10**30)], "--prospects: must be between"),
        (["sweep", "persistence", "--workers", "1000"], "--workers: must be between 1 and 256"),
        (["sweep", "persistence", "--replications", "0"], "--replications: must be between"),
        (["sweep", "persistence", "--out", ""], "--out: is empty"),
        (["charts", ""], "FOLDER: an empty name"),
    ],
)
def test_a_bad_option_is_one_line_naming_it(args: list[str], start: str) -> None:
    assert _one_clean_line(invoke(*args)).startswith(start)


def test_a_run_that_cannot_fit_in_memory_is_refused_with_the_estimate() -> None:
    options = RunOptions(prospects=50_000_000)
    with pytest.raises(OptionError) as err:
        check_memory(options, 24, memory=16 * 10**9)
    assert err.value.flag == "--prospects"
    assert (
        "24 strategies need about 1,800" in err.value.message and "--no-tables" in err.value.message
    )
    check_memory(options.replace(stream=True), 24, memory=16 * 10**9)  # a chunk at a time fits
    assert memory_needed(options, 2) < memory_needed(options, 4)


def test_worker_pools_are_sized_by_the_work(monkeypatch: pytest.MonkeyPatch) -> None:
    sizes: list[int] = []

    def recording(pool: Callable[[int], AbstractContextManager[ProcessPoolExecutor]]) -> Any:
        def make(workers: int) -> AbstractContextManager[ProcessPoolExecutor]:
            sizes.append(workers)
            return pool(workers)

        return make

    monkeypatch.setattr(executor_module, "worker_pool", recording(worker_pool))
    scenario = scenario_from_dict({"calendar": {"horizon_days": 5}})
    simulate(scenario, ["one-and-done"], prospects=500, chunk=100, workers=40)
    simulate(scenario, ["one-and-done", "no-follow-up"], prospects=50, workers=40)
    assert sizes == [5, 2]  # 5 chunks of one strategy, then one chunk of 2 strategies


# -- output folders ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "folder"),
    [
        ("baseline", "baseline"),
        ("../../ESCAPED", "ESCAPED"),
        ("/abs/path", "abs-path"),
        ("a/../../x", "a-x"),
        ("..", "unnamed"),
        ("Café Market 2", "Café-Market-2"),
    ],
)
def test_a_name_is_made_one_safe_folder_name(name: str, folder: str) -> None:
    assert safe_folder_name(name) == folder


def test_a_scenario_name_cannot_choose_a_folder_outside_reports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    (work / "x.yaml").write_text("name: ../../ESCAPED\n")
    monkeypatch.chdir(work)
    assert invoke("run", "x.yaml", *RUN).exit_code == 0
    assert (work / "reports" / "ESCAPED" / "manifest.json").is_file()
    escaped = [p.relative_to(tmp_path) for p in tmp_path.rglob("ESCAPED*")]
    assert escaped == [Path("a/b/reports/ESCAPED")]


def test_a_folder_of_other_files_is_not_replaced(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("mine\n")
    line = _one_clean_line(invoke("run", *RUN, "--out", str(tmp_path)))
    assert line.startswith(f"--out: {tmp_path} holds files that are not a run's (notes.md)")
    assert (tmp_path / "notes.md").read_text() == "mine\n"


def test_a_run_of_another_version_is_replaced_with_its_extra_files(tmp_path: Path) -> None:
    out = tmp_path / "run"
    assert invoke("run", *RUN, "--out", str(out)).exit_code == 0
    (out / "old_table.csv").write_text("a file an older version wrote\n")
    assert invoke("run", *RUN, "--out", str(out), "--seed", "4").exit_code == 0
    assert not (out / "old_table.csv").exists()
    fake = _folder(tmp_path / "fake", {"manifest.json": '{"package": "other"}', "x.txt": ""})
    with pytest.raises(OptionError, match=r"\(x.txt\)"):
        check_target(fake, is_run_entry, owned=is_run_folder)


def test_a_run_replaces_an_earlier_run_and_its_leftovers(tmp_path: Path) -> None:
    out = tmp_path / "run"
    assert invoke("run", *RUN, "--out", str(out), "--seed", "1").exit_code == 0
    (out / ".summary.csv.x1.tmp").write_text("a temporary file of an old version\n")
    (out / ".touches-abc.tmp").mkdir()
    assert invoke("run", *RUN, "--out", str(out), "--seed", "2", "--stream").exit_code == 0
    names = sorted(p.name for p in out.iterdir())
    assert "prospects.parquet" not in names and not [n for n in names if n.startswith(".")]
    assert json.loads((out / "manifest.json").read_text())["seed"] == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


# -- the staging folder ------------------------------------------------------------------------


def _dead_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def _folder(path: Path, files: dict[str, str]) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (path / name).write_text(text)
    return path


@pytest.mark.parametrize("exchange", [True, False])
def test_a_staging_folder_replaces_the_target_as_a_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, exchange: bool
) -> None:
    if not exchange:  # the portable way: two renames
        monkeypatch.setattr("sim.io.staging._exchange", lambda a, b: False)
    target = _folder(tmp_path / "run", {"summary.csv": "old", "manifest.json": "old"})
    with staged(target, is_run_entry) as stage:
        _folder(stage, {"summary.csv": "new", "manifest.json": "new"})
    assert {p.name: p.read_text() for p in target.iterdir()} == {
        "summary.csv": "new",
        "manifest.json": "new",
    }
    assert [p.name for p in tmp_path.iterdir()] == ["run"]


def test_an_error_while_staging_leaves_the_target_as_it_was(tmp_path: Path) -> None:
    target = _folder(tmp_path / "run", {"summary.csv": "old"})
    with pytest.raises(OSError), staged(target, is_run_entry) as stage:
        _folder(stage, {"summary.csv": "half"})
        raise OSError(errno.ENOSPC, "No space left on device")
    assert (target / "summary.csv").read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["run"]


def test_the_leftovers_of_dead_runs_are_removed_and_an_old_run_put_back(tmp_path: Path) -> None:
    target = tmp_path / "run"
    dead = _dead_pid()
    for kind in ("staging", "scratch"):
        _folder(tmp_path / f".run.{kind}-{dead}-abc", {"x": "junk"})
    mine = _folder(tmp_path / f"{hidden(target, 'staging')}live", {"x": "in use"})
    # killed between the two renames of the portable replacement: the old run is aside
    _folder(tmp_path / f".run.old-{dead}-xyz" / "run", {"manifest.json": "old"})
    clean_stale(target)
    assert (target / "manifest.json").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["run", mine.name])


def test_a_target_holding_other_files_is_refused(tmp_path: Path) -> None:
    check_target(tmp_path / "new", is_run_entry)
    run = _folder(tmp_path / "run", {"summary.csv": "", ".manifest.json.x.tmp": ""})
    (run / "charts").mkdir()
    check_target(run, is_run_entry)
    _folder(run, {"thesis.tex": ""})
    with pytest.raises(OptionError, match=r"holds files that are not a run's \(thesis.tex\)"):
        check_target(run, is_run_entry)
    with pytest.raises(OptionError, match="is a file, not a folder"):
        check_target(run / "thesis.tex", is_run_entry)


def test_a_scratch_folder_goes_whatever_happens(tmp_path: Path) -> None:
    with pytest.raises(KeyboardInterrupt), scratch(tmp_path / "run") as parts:
        (parts / "part-0000.parquet").write_text("x")
        raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []


def test_replacing_into_a_missing_target_is_one_rename(tmp_path: Path) -> None:
    stage = _folder(tmp_path / ".stage", {"manifest.json": "new"})
    replace_folder(stage, tmp_path / "run")
    assert [p.name for p in tmp_path.iterdir()] == ["run"]


# -- a full disk -------------------------------------------------------------------------------


def _full(*args: Any, **kwargs: Any) -> Any:
    raise OSError(errno.ENOSPC, "No space left on device")


def test_a_full_disk_while_writing_a_run_is_one_line_and_keeps_the_old_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "run"
    assert invoke("run", *RUN, "--out", str(out)).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    monkeypatch.setattr(write_module, "render_all", _full)
    line = _one_clean_line(invoke("run", *RUN, "--out", str(out), "--seed", "9"), code=1)
    assert line == (
        f"cannot write into {out}: No space left on device; nothing written ({out} is as it was)"
    )
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["run"]


def test_a_full_disk_in_the_python_api_leaves_no_staging_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scenario = scenario_from_dict({"calendar": {"horizon_days": 5}})
    result = simulate(scenario, ["one-and-done"], prospects=50)
    monkeypatch.setattr(write_module, "_write_data", _full)
    with pytest.raises(OSError):
        write_run(result, tmp_path / "run")
    assert list(tmp_path.iterdir()) == []


def _sweep_file(tmp_path: Path) -> Path:
    data = {"base": "baseline", "strategies": ["no-follow-up", "one-and-done"],
            "parameters": [{"path": "response.p_win", "values": [0.2, 0.3]}],
            "prospects": 50, "overrides": {"calendar": {"horizon_days": 5}}}  # fmt: skip
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (OSError(errno.ENOSPC, "No space left on device"), "failed"),
        (KeyboardInterrupt(), "interrupted"),
    ],
)
def test_a_sweep_that_stops_says_so_in_its_manifest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: BaseException, status: str
) -> None:
    def stop(*args: Any, **kwargs: Any) -> None:
        raise error

    monkeypatch.setattr(sweep_api, "write_shard", stop)
    path = _sweep_file(tmp_path)
    spec = spec_from_dict(yaml.safe_load(path.read_text()), str(path), "s")
    with pytest.raises(type(error)):
        run_sweep(spec, path, tmp_path / "out", charts=False)
    info = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert info["status"] == status
    if status == "failed":
        assert "No space left on device" in info["error"]


def test_a_full_disk_in_a_sweep_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sweep_api, "write_shard", _full)
    out = tmp_path / "out"
    result = invoke("sweep", str(_sweep_file(tmp_path)), "--workers", "1", "--out", str(out))
    line = _one_clean_line(result, code=1)
    assert line == f"cannot run the sweep into {out}: No space left on device"


# -- reading a saved run -----------------------------------------------------------------------


def test_an_incomplete_run_folder_is_refused(tmp_path: Path) -> None:
    _folder(tmp_path, {"scenario.yaml": "name: t\n", "summary.csv": "strategy\n"})
    with pytest.raises(FileNotFoundError, match="incomplete run"):
        load_saved_run(tmp_path)
    line = _one_clean_line(invoke("charts", str(tmp_path)))
    assert "manifest.json: not found" in line and "incomplete run" in line


# -- worker pools ------------------------------------------------------------------------------


def _sleep(seconds: float) -> int:
    import time

    time.sleep(seconds)
    return os.getpid()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as f:  # a zombie is not alive
        return f.read().split()[2] != "Z"


def test_an_error_in_the_pool_block_kills_the_workers_at_once() -> None:
    import time

    pool_pids: list[int] = []
    started = time.perf_counter()
    with pytest.raises(RuntimeError), worker_pool(2) as pool:
        futures = [pool.submit(_sleep, 60) for _ in range(4)]
        time.sleep(0.5)
        pool_pids += [p.pid for p in getattr(pool, "_processes", {}).values() if p.pid]
        raise RuntimeError("stop")
    assert time.perf_counter() - started < 10  # not the 60 s the tasks would take
    assert len(pool_pids) == 2 and not any(_alive(pid) for pid in pool_pids)
    assert all(f.cancelled() or f.done() for f in futures)
