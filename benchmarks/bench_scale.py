"""Benchmark: a run at scale, and the fixed cost of a small one (issue "Scale").

Run on demand (``make bench-scale``); prints figures, asserts nothing. Three parts, each from
one run on this machine:

1. ``followup run <scenario> --prospects N`` (every strategy, every output, the default
   ``--no-tables`` beyond 200,000 prospects) as a subprocess: wall time, and the peak resident
   memory of the whole process tree (the command and its workers, sampled from ``/proc``
   every 0.2 s, summed).
2. Per task: the mean time of one (chunk, strategy) task in one process, from which the
   worker-hours of a run of any size follow (``--cluster-prospects``, default 100 million).
3. The fixed cost of ``simulate``: 5,000 prospects and one strategy, against the engine alone
   on the same prospects (the difference is scenario compilation, planning and table
   assembly); and repeated two-worker runs (20,000 prospects, two strategies), each starting
   its own pool against all on one pool (``simulate(..., pool=...)``).

    python benchmarks/bench_scale.py --prospects 1000000
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from sim.engines.base import StrategyTask
from sim.engines.vector.engine import DEFAULT_CHUNK, VectorEngine
from sim.io.loader import load_scenario
from sim.run import runner, simulate
from sim.strategy.library import get_strategy, library_names


def tree_rss(root: int) -> int:
    """Resident bytes of ``root`` and its descendants (Linux ``/proc``)."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            parents[int(entry)] = int(fields[1])
            rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    tree, frontier = {root}, [root]
    while frontier:
        p = frontier.pop()
        kids = [c for c, pp in parents.items() if pp == p and c not in tree]
        tree.update(kids)
        frontier.extend(kids)
    return sum(rss.get(p, 0) for p in tree)


def run_command(args: list[str]) -> tuple[float, int, int]:
    """Wall seconds, peak tree RSS in bytes and exit code of a command."""
    peak = 0
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss(proc.pid))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    code = proc.wait()
    done.set()
    sampler.join()
    return time.perf_counter() - start, peak, code


def task_seconds(scenario: str, chunk: int, names: list[str]) -> dict[str, float]:
    """Seconds of one (chunk, strategy) task per strategy, in this process."""
    sc = load_scenario(scenario)
    engine = VectorEngine()
    out = {}
    for name in names:
        task = StrategyTask(sc, get_strategy(name, sc), chunk, 1, chunk=chunk, stream=True)
        start = time.perf_counter()
        engine.run(task)
        out[name] = time.perf_counter() - start
    return out


def fixed_cost(scenario: str, repeats: int = 5) -> tuple[float, float]:
    """Median seconds of ``simulate`` at 5,000 prospects and one strategy, and of the engine
    alone on the same task."""
    sc = load_scenario(scenario)
    strategy = get_strategy("one-and-done", sc)
    engine = VectorEngine()
    whole, bare = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        simulate(sc, ["one-and-done"], prospects=5000, seed=1)
        whole.append(time.perf_counter() - start)
        start = time.perf_counter()
        engine.run(StrategyTask(sc, strategy, 5000, 1, chunk=5000, touch_log=True))
        bare.append(time.perf_counter() - start)
    return sorted(whole)[repeats // 2], sorted(bare)[repeats // 2]


def pool_reuse(scenario: str, repeats: int = 5) -> tuple[float, float]:
    """Median seconds of a two-worker run of 20,000 prospects and two strategies starting its
    own pool, and of the same run on a pool started once."""
    sc = load_scenario(scenario)
    common = {"prospects": 20_000, "seed": 1, "chunk": 5_000, "stream": True}
    names = ["one-and-done", "breakup-after-two"]
    own, shared = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        simulate(sc, names, workers=2, **common)
        own.append(time.perf_counter() - start)
    with runner(2) as pool:
        for _ in range(repeats):
            start = time.perf_counter()
            simulate(sc, names, pool=pool, **common)
            shared.append(time.perf_counter() - start)
    return sorted(own)[repeats // 2], sorted(shared)[repeats // 2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="baseline")
    parser.add_argument("--prospects", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--cluster-prospects", type=int, default=100_000_000)
    parser.add_argument("--skip-run", action="store_true", help="only parts 2 and 3")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} CPUs; python {sys.version.split()[0]}")
    names = library_names()
    if not args.skip_run:
        with tempfile.TemporaryDirectory() as tmp:
            cmd = [
                sys.executable, "-m", "sim.cli", "run", args.scenario, "--prospects",
                str(args.prospects), "--workers", str(args.workers), "--out", str(Path(tmp) / "r"),
            ]  # fmt: skip
            wall, peak, code = run_command(cmd)
        print(
            f"\n1. followup run {args.scenario} --prospects {args.prospects:,} "
            f"(every strategy: {len(names)} in the library; every output; "
            f"{args.workers} workers): {wall:.1f} s, peak memory of the process tree "
            f"{peak / 2**30:.2f} GiB (exit {code})"
        )
    per = task_seconds(args.scenario, DEFAULT_CHUNK, names)
    mean = sum(per.values()) / len(per)
    sc = load_scenario(args.scenario)
    print(f"\n2. one task = {DEFAULT_CHUNK:,} prospects x one strategy x {sc.horizon} days:")
    for name, s in sorted(per.items(), key=lambda kv: kv[1]):
        print(f"   {name:28s} {s:6.2f} s")
    tasks = args.cluster_prospects / DEFAULT_CHUNK * len(names)
    hours = tasks * mean / 3600
    print(
        f"   mean {mean:.2f} s; {args.cluster_prospects:,} prospects x {len(names)} strategies "
        f"= {tasks:,.0f} tasks = {hours:.1f} worker-hours (one worker = one core)"
    )
    whole, bare = fixed_cost(args.scenario)
    print(
        f"\n3. simulate(5,000 prospects, one strategy): {whole:.3f} s; the engine alone "
        f"{bare:.3f} s; fixed cost {whole - bare:.3f} s"
    )
    own, shared = pool_reuse(args.scenario)
    print(
        f"   a 2-worker run (20,000 prospects, 2 strategies): {own:.3f} s starting its pool, "
        f"{shared:.3f} s on a pool started once ({own - shared:.3f} s of pool start-up)"
    )


if __name__ == "__main__":
    main()
