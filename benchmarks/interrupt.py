"""Interrupting ``followup run`` as the issue did: SIGKILL at evenly spaced moments of a real
run into a folder holding an earlier run, and Ctrl-C (SIGINT to the process group) at a few.

Run on demand; prints, per moment, what the folder holds afterwards (the earlier run, the new
one complete, or a mix), whether any process of the run is alive 5 seconds after the kill,
and for Ctrl-C the exit code and the last line on stderr; then the totals, and whether the
next run left any hidden file behind. ``tests/reliability/test_processes.py`` asserts the same
at fewer moments.

    python benchmarks/interrupt.py --kills 15 --interrupts 5 --prospects 20000
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import psutil

FOLLOWUP = str(Path(sys.executable).parent / "followup")


def run_args(out: Path, seed: int, prospects: int) -> list[str]:
    return [FOLLOWUP, "run", "--strategies", "scenario", "--workers", "2", "--prospects",
            str(prospects), "--seed", str(seed), "--out", str(out)]  # fmt: skip


def snapshot(folder: Path) -> dict[str, bytes]:
    if not folder.is_dir():
        return {}
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def state(folder: Path, old: dict[str, bytes], seed: int) -> str:
    now = snapshot(folder)
    if now == old:
        return "old run kept"
    try:
        info = json.loads(now["manifest.json"])
    except (KeyError, ValueError):
        return "MIXED"
    charts = [k for k in now if k.startswith("charts/")]
    complete = {"summary.csv", "touches.parquet", "report.html", "scenario.yaml"} <= set(now)
    return "new run complete" if info.get("seed") == seed and complete and charts else "MIXED"


def alive_after(family: list[psutil.Process], seconds: float) -> int:
    time.sleep(seconds)
    count = 0
    for p in family:
        with contextlib.suppress(psutil.NoSuchProcess):
            if p.is_running() and p.status() != psutil.STATUS_ZOMBIE:
                count += 1
    return count


def family_of(pid: int) -> list[psutil.Process]:
    try:
        return [psutil.Process(pid), *psutil.Process(pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=15)
    parser.add_argument("--interrupts", type=int, default=5)
    parser.add_argument("--prospects", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="interrupt-") as tmp:
        root = Path(tmp)
        out = root / "run"
        started = time.perf_counter()
        subprocess.run(run_args(out, 1, args.prospects), check=True, capture_output=True)
        duration = time.perf_counter() - started
        old = snapshot(out)
        pristine = root / "pristine"
        shutil.copytree(out, pristine)
        print(f"a complete run takes {duration:.1f} s; killing at {args.kills} moments")
        totals: Counter[str] = Counter()
        moments = [duration * (k + 0.5) / args.kills for k in range(args.kills)]
        for signum, times in ((signal.SIGKILL, moments),
                              (signal.SIGINT, [duration * (k + 0.5) / args.interrupts
                                               for k in range(args.interrupts)])):  # fmt: skip
            name = signal.Signals(signum).name
            for at in times:
                log = root / "stderr.txt"
                with log.open("wb") as err:
                    process = subprocess.Popen(
                        run_args(out, 2, args.prospects),
                        stderr=err,
                        stdout=subprocess.DEVNULL,
                        start_new_session=True,
                    )
                time.sleep(at)
                family = family_of(process.pid)
                with contextlib.suppress(ProcessLookupError):
                    if signum == signal.SIGINT:
                        os.killpg(process.pid, signum)
                    else:
                        os.kill(process.pid, signum)
                code = process.wait()
                alive = alive_after(family, 5)
                result = state(out, old, 2)
                text = log.read_text(errors="replace").replace("\r", "\n")
                last = [line for line in text.splitlines() if line.strip()][-1:] or [""]
                traceback = "Traceback" in text
                totals[f"{name}: {result}"] += 1
                totals[f"{name}: processes alive after 5 s"] += alive
                totals[f"{name}: tracebacks"] += traceback
                extra = f" | exit {code} | {last[0][:70]}" if signum == signal.SIGINT else ""
                print(f"{name} at {at:5.1f} s: {result}; {alive} alive after 5 s{extra}")
                if result == "new run complete":  # put the old run back for the next moment
                    shutil.rmtree(out)
                    shutil.copytree(pristine, out)
        subprocess.run(run_args(out, 3, 500), check=True, capture_output=True)
        leftovers = [p.name for p in root.iterdir() if p.name.startswith(".")]
        for key in sorted(totals):
            print(f"  {key}: {totals[key]}")
        print(f"  hidden leftovers after the next run: {leftovers or 'none'}")


if __name__ == "__main__":
    main()
