"""The benchmark scripts run (at toy sizes), so that ``make bench*`` never rots.

They measure speed and print figures; what is checked here is only that they run to the end
and print the figures they promise, with rates that are positive numbers.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
RATE = re.compile(r"([\d,]+) prospect-days/s")


def _run(script: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / script), *args],
        capture_output=True, text=True, cwd=ROOT, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def _rates(out: str) -> list[int]:
    return [int(m.replace(",", "")) for m in RATE.findall(out)]


def test_bench_vector_prints_both_engines_and_the_ratios() -> None:
    out = _run(
        "bench_vector.py", "--prospects", "3000", "--des-prospects", "20", "--chunk", "1000",
        "--strategy", "breakup-after-two", "--profile", "--profile-prospects", "1000",
    )  # fmt: skip
    assert "des" in out and "vector, workers=1" in out and "vector, workers=2" in out
    rates = _rates(out)
    assert len(rates) == 3 and min(rates) > 0
    assert re.search(r"vector / DES: [\d,]+x \(workers=1\)", out)
    assert re.search(r"2 workers over 1: \d+\.\d\dx", out)
    assert "cProfile" in out and "tottime" in out


def test_bench_des_prints_its_rate() -> None:
    out = _run("bench_des.py", "--prospects", "20")
    assert _rates(out) and min(_rates(out)) > 0


def test_bench_sweep_runs_a_small_grid() -> None:
    out = _run("bench_sweep.py", "--side", "2", "--prospects", "300", "--workers", "2")
    assert "4 cells x 3 strategies x 300 prospects" in out
    speed = re.search(r"cells per minute\s+([\d.]+)", out)
    assert speed is not None and float(speed.group(1)) > 0


def test_approximations_prints_both_stress_strategies() -> None:
    out = _run(
        "approximations.py", "--des-prospects", "40", "--vector-prospects", "400",
        "--horizon-days", "10",
    )  # fmt: skip
    for name in ("three-calls-one-morning", "two-emails-one-window"):
        assert f"== {name}" in out
    assert out.count("through_after_miss") == 2 and out.count("meeting_rate") == 2


def test_pairing_prints_a_ratio_per_metric() -> None:
    out = _run("pairing.py", "--prospects", "600", "--workers", "1")
    for metric in ("meeting", "reach", "opt-out"):
        found = re.search(rf"{metric}\s+unpaired / paired variance: median ([\d.]+)", out)
        assert found and float(found.group(1)) >= 0.5
