"""Real ``followup`` processes killed and interrupted: a kill (SIGKILL) at any moment leaves the
earlier run or the new one, complete, and no worker alive seconds later; Ctrl-C (SIGINT to the
process group, as a terminal sends it) prints one line and exits 130; the next run removes
what a killed one left; a full disk (a small tmpfs, where the machine lets us mount one) is
a clean error and a sweep's manifest says ``failed``."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import psutil  # a dependency of dask.distributed
import pytest

from sim.run.write import RUN_ENTRIES

pytestmark = pytest.mark.slow

FOLLOWUP = str(Path(sys.executable).parent / "followup")
RUN_FILES = {*RUN_ENTRIES} - {"assumptions"}
"""A run's entries (without the assumptions check, which ``--no-assumptions`` leaves out)."""
ARGS = ["--strategies", "scenario", "--workers", "2", "--no-assumptions"]
"""The baseline's four strategies, two processes side by side."""


def _run(out: Path, seed: int, prospects: int = 20_000) -> list[str]:
    return [FOLLOWUP, "run", *ARGS, "--prospects", str(prospects), "--seed", str(seed),
            "--out", str(out)]  # fmt: skip


def _start(argv: list[str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as err:
        return subprocess.Popen(
            argv, stdout=subprocess.DEVNULL, stderr=err, start_new_session=True, cwd=log.parent
        )


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _family(pid: int) -> list[psutil.Process]:
    try:
        return [psutil.Process(pid), *psutil.Process(pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def _alive(processes: list[psutil.Process]) -> list[int]:
    out = []
    for p in processes:
        try:
            if p.is_running() and p.status() != psutil.STATUS_ZOMBIE:
                out.append(p.pid)
        except psutil.NoSuchProcess:
            continue
    return out


def _gone_within(processes: list[psutil.Process], seconds: float) -> list[int]:
    deadline = time.monotonic() + seconds
    while _alive(processes) and time.monotonic() < deadline:
        time.sleep(0.1)
    return _alive(processes)


def _staged_files(parent: Path) -> int:
    return sum(
        1 for s in parent.glob(".run.staging-*") for p in s.rglob("*") if p.is_file()
    )  # fmt: skip


def _wait(process: subprocess.Popen[bytes], ready: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while process.poll() is None and not ready() and time.monotonic() < deadline:
        time.sleep(0.02)


def _complete_new_run(folder: Path, seed: int, like: Path) -> bool:
    """``folder`` holds a whole run of ``seed``: every entry and chart of the run ``like``."""
    names = {p.name for p in folder.iterdir()}
    if names != RUN_FILES or names != {p.name for p in like.iterdir()}:
        return False
    info = json.loads((folder / "manifest.json").read_text())
    charts = {p.name for p in (folder / "charts").glob("*.png")}
    return bool(info["seed"] == seed and charts == {p.name for p in (like / "charts").iterdir()})


@pytest.fixture(scope="module")
def old_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes]]:
    """A complete run (seed 1) to be replaced, and its files."""
    folder = tmp_path_factory.mktemp("old") / "run"
    subprocess.run(_run(folder, 1, 2000), check=True, capture_output=True)
    return folder, _snapshot(folder)


def _fresh(tmp_path: Path, old_run: tuple[Path, dict[str, bytes]]) -> Path:
    out = tmp_path / "run"
    shutil.copytree(old_run[0], out)
    return out


MOMENTS: list[tuple[str, Callable[[Path], bool]]] = [
    ("start-up", lambda parent: False),
    ("simulating", lambda parent: any(parent.glob(".run.scratch-*/part-*"))),
    ("first files staged", lambda parent: _staged_files(parent) >= 1),
    ("data files staged", lambda parent: _staged_files(parent) >= 6),
    ("charts staged", lambda parent: _staged_files(parent) >= 12),
    ("report staged", lambda parent: any(parent.glob(".run.staging-*/report.html"))),
]
"""When to kill: at a moment of the run, told by what it has written so far."""


@pytest.mark.parametrize(("moment", "ready"), MOMENTS, ids=[m for m, _ in MOMENTS])
def test_sigkill_leaves_the_old_run_or_the_new_one_and_no_worker(
    tmp_path: Path,
    old_run: tuple[Path, dict[str, bytes]],
    moment: str,
    ready: Callable[[Path], bool],
) -> None:
    out = _fresh(tmp_path, old_run)
    process = _start(_run(out, 2), tmp_path / "stderr.txt")
    _wait(process, lambda: ready(tmp_path), 1.0 if moment == "start-up" else 120)
    family = _family(process.pid)
    with contextlib.suppress(ProcessLookupError):  # it may have finished just now
        os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert _gone_within(family, 5) == []
    assert _snapshot(out) == old_run[1] or _complete_new_run(out, 2, old_run[0])
    # the next run removes what the killed one left next to the folder
    subprocess.run(_run(out, 3, 500), check=True, capture_output=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run", "stderr.txt"]
    assert _complete_new_run(out, 3, old_run[0])


@pytest.mark.parametrize(
    ("moment", "ready"),
    [
        ("start-up", lambda parent: False),
        ("simulating", lambda parent: any(parent.glob(".run.scratch-*/part-*"))),
        ("writing", lambda parent: _staged_files(parent) >= 3),
    ],
    ids=["start-up", "simulating", "writing"],
)
def test_ctrl_c_prints_one_line_exits_130_and_keeps_the_old_run(
    tmp_path: Path,
    old_run: tuple[Path, dict[str, bytes]],
    moment: str,
    ready: Callable[[Path], bool],
) -> None:
    out = _fresh(tmp_path, old_run)
    log = tmp_path / "stderr.txt"
    process = _start(_run(out, 2), log)
    _wait(process, lambda: ready(tmp_path), 0.5 if moment == "start-up" else 120)
    family = _family(process.pid)
    os.killpg(process.pid, signal.SIGINT)  # as a terminal does: the whole process group
    assert process.wait(timeout=30) == 130
    assert _gone_within(family, 5) == []
    text = log.read_text(errors="replace")
    lines = [line for line in text.replace("\r", "\n").splitlines() if line.strip()]
    assert "Traceback" not in text and "KeyboardInterrupt" not in text, text
    assert lines[-1].startswith("interrupted"), text
    assert _snapshot(out) == old_run[1]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run", "stderr.txt"]


# -- a full disk -------------------------------------------------------------------------------


def _in_small_tmpfs(script: str, size: str) -> subprocess.CompletedProcess[str]:
    """Run ``script`` (sh) with ``$D`` a fresh tmpfs of ``size``, in a private mount
    namespace (``unshare``), so nothing is mounted for anyone else."""
    return subprocess.run(
        ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c",
         f'D=$(mktemp -d) && mount -t tmpfs -o size={size} tmpfs "$D" && cd "$D" && {script}'],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


@pytest.fixture(scope="module")
def tmpfs() -> None:
    if shutil.which("unshare") is None:
        pytest.skip("no unshare here: the full disk is tested by monkeypatching only")
    probe = _in_small_tmpfs("true", "1m")
    if probe.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({probe.stderr.strip()[:100]})")


def test_a_full_disk_is_one_line_and_leaves_nothing_behind(tmpfs: None) -> None:
    run = " ".join(_run(Path("run"), 2, 20_000)[1:])
    done = _in_small_tmpfs(f'{FOLLOWUP} {run} >/dev/null 2>err; echo "rc=$?"; cat err; ls -A', "3m")
    assert "rc=1" in done.stdout, done.stdout + done.stderr
    lines = [line for line in done.stdout.replace("\r", "\n").splitlines() if line.strip()]
    lines = [line for line in lines if "%|" not in line]
    assert "Traceback" not in done.stdout
    assert lines[1].startswith("cannot write into run: No space left on device; nothing written")
    assert lines[2:] == ["err"]  # no run folder, no staging or scratch folder


def test_a_sweep_into_a_full_disk_records_failed(tmpfs: None, tmp_path: Path) -> None:
    spec = tmp_path / "s.yaml"
    spec.write_text(
        "base: baseline\nstrategies: [no-follow-up, one-and-done]\nprospects: 300\n"
        "parameters: [{path: response.p_win, low: 0.1, high: 0.4, steps: 40}]\n"
    )
    script = (f'{FOLLOWUP} sweep {spec} --workers 1 --batch 1 --out out >/dev/null 2>err; '
              'echo "rc=$?"; cat err; cat out/manifest.json')  # fmt: skip
    done = _in_small_tmpfs(script, "200k")
    assert "rc=1" in done.stdout, done.stdout + done.stderr
    assert "cannot run the sweep into out: No space left on device" in done.stdout
    manifest = json.loads(done.stdout[done.stdout.index("{") :])
    assert manifest["status"] == "failed" and "No space left" in manifest["error"]


def test_the_interruption_benchmark_runs_and_finds_nothing_mixed() -> None:
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, str(root / "benchmarks" / "interrupt.py"), "--kills", "2",
         "--interrupts", "1", "--prospects", "500"],
        capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "MIXED" not in done.stdout and "tracebacks: 0" in done.stdout
    assert "processes alive after 5 s: 0" in done.stdout
    assert "hidden leftovers after the next run: none" in done.stdout
