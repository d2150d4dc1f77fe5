"""The planted truth (``benchmarks/planted_import.py``) in CI at a small size, and the import's
benchmark scripts at toy sizes (``slow``).

One format (Salesloft's, the example's layout) at a reduced budget: 6,000 prospects of a team
with known parameters, written as Salesloft exports them, imported with a 30% holdout,
calibrated (budget 450, 4,096 simulated prospects per evaluation) and checked on the holdout;
the three planted values must fall inside their 90% posterior intervals and every held-out
statistic within 4 SE of its prediction (fixed seeds: the benchmark's). ``make planted-import``
runs every format at the calibration's default budget. At a smaller budget (300, 2,048
prospects) the pick-up chance's interval missed its planted value in four formats of five
(the posterior sits above it): hence this size.
"""

from __future__ import annotations

import importlib
import json
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest

from tests.ingest.helpers import ROOT

pytestmark = pytest.mark.slow


def benchmark(name: str) -> ModuleType:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))


def test_the_planted_truth_is_recovered_and_the_holdout_predicted(tmp_path: Path) -> None:
    planted = benchmark("planted_import")
    status = planted.main([
        "--formats", "salesloft", "--prospects", "6000", "--budget", "450",
        "--calibration-prospects", "4096", "--validate-prospects", "4096", "--draws", "10",
        "--workers", "2", "--out", str(tmp_path),
    ])  # fmt: skip
    (result,) = json.loads((tmp_path / "recovery.json").read_text(encoding="utf-8"))
    assert result["observation_seed"] == planted.OBSERVATION_SEED + 3
    assert result["inside"] == dict.fromkeys(planted.PLANTED, True), result["intervals"]
    assert result["holdout_within_4"], result["holdout"]
    assert result["targets"] >= 8
    assert status == 0


def test_the_example_export_is_written_as_shipped(tmp_path: Path) -> None:
    planted = benchmark("planted_import")
    assert planted.main(["--example", str(tmp_path), "--example-prospects", "200"]) == 0
    names = sorted(p.name for p in tmp_path.iterdir())
    shipped = sorted(p.name for p in (ROOT / "examples" / "own-data").iterdir())
    assert names == shipped
    readme = (tmp_path / "README.md").read_text(encoding="utf-8")
    assert "**Synthetic**" in readme and "200 prospects" in readme
    for name in ("emails.csv", "calls.csv", "cadence_memberships.csv"):
        mine = pd.read_csv(tmp_path / name, nrows=0).columns.tolist()
        assert mine == pd.read_csv(ROOT / "examples" / "own-data" / name, nrows=0).columns.tolist()


def test_bench_import_prints_its_figures(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_import.py"), "--rows", "20000",
         "--out", str(tmp_path)],
        capture_output=True, text=True, cwd=ROOT, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    found = re.search(r"import of 20,000 rows: ([\d.]+) s, peak memory (\d+) MB", done.stdout)
    assert found is not None, done.stdout
    assert float(found.group(1)) > 0 and int(found.group(2)) > 0
