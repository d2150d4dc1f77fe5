"""How fast ``followup import`` reads a large export, and in how much memory.

Writes a synthetic export of ``--rows`` rows (default 1,000,000) in a format's layout (default
``activities``): a simulated run of the planted team (``planted_import.py``) with enough
prospects, their starts spread over a year (so that, as in a real export, nearly every row has
a time of its own), cut at the row count. Then imports it in a fresh process (reading, checking,
building the run's tables, the statistics, the cadence, the funnel, a 30% holdout, writing the
files) and prints the wall time and the peak resident memory of that process, beside those of
a process that only loads the same modules (Python, NumPy, pandas, pyarrow: the floor).

    python benchmarks/bench_import.py [--rows 1000000] [--format activities] [--out DIR]

Prints figures and asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from planted_import import SEQUENCE, TIMEZONE, planted_run

from sim.ingest.formats import FORMATS
from sim.ingest.formats.base import Synthetic
from sim.ingest.synthetic import synthetic_export

ROWS_PER_PROSPECT = 4.6
"""About how many rows a planted prospect makes (touches, callbacks): sizes the run."""

MEASURE = """
import json, resource, sys, time
from pathlib import Path


def peak_mb():
    # VmHWM: this process's own high-water mark. ru_maxrss would do on macOS, but on Linux it
    # keeps the parent's peak across fork and exec (the parent held the whole export).
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024


started = time.perf_counter()
from sim.ingest.api import ImportOptions, import_export
from sim.ingest.writer import write_import
loaded = time.perf_counter()
files = [Path(p) for p in sys.argv[2:]]
if sys.argv[1] != "--floor":
    options = ImportOptions(format=sys.argv[1], holdout=0.3, timezone="America/New_York",
                            scenario="cold-outbound")
    result = import_export(files, options)
    write_import(result, files[0].parent / "import")
    rows = len(result.tables.touches)
else:
    rows = 0
done = time.perf_counter()
print(json.dumps({"seconds": done - loaded, "load_seconds": loaded - started, "touches": rows,
                  "peak_mb": peak_mb()}))
"""


def staggered(export: Synthetic) -> Synthetic:
    """The planted team's prospects all start on one day, so their touches share a few dozen
    times; a real export's are spread out. Prospect ``n`` starts ``n mod 52`` weeks late, ``n
    mod 37`` minutes and ``n mod 59`` seconds later in the day: nearly every row its own time
    (the weekday and the step's spacing kept)."""

    def shift(ids: pd.Series) -> pd.Series:
        n = ids.str[1:].astype(np.int64).to_numpy()
        return pd.Series(pd.to_timedelta(7 * 86_400 * (n % 52) + 60 * (n % 37) + n % 59,
                                         unit="s"), index=ids.index)  # fmt: skip

    log = export.log.assign(at=export.log["at"] + shift(export.log["prospect_id"]))
    log["responded_at"] = log["responded_at"] + shift(log["prospect_id"])
    enrol = export.enrolments.copy()
    enrol["arrived_at"] = enrol["arrived_at"] + shift(enrol["prospect_id"])
    outcomes = export.outcomes.copy()
    outcomes["arrived_at"] = pd.to_datetime(outcomes["arrived_at"], utc=True) + shift(
        outcomes["prospect_id"])  # fmt: skip
    return Synthetic(log, enrol, outcomes)


def make_export(rows: int, fmt: str, folder: Path) -> list[Path]:
    prospects = int(rows / ROWS_PER_PROSPECT * 1.05) + 1000
    run = planted_run(prospects, seed=11)
    export = synthetic_export(run.prospects, run.touches, sequence=SEQUENCE,
                              steps=[f"step-{k}" for k in range(1, 7)], tz=TIMEZONE)  # fmt: skip
    export = staggered(export)
    log = export.log.iloc[:rows].reset_index(drop=True)
    kept = set(log["prospect_id"])
    enrol = export.enrolments[export.enrolments["prospect_id"].isin(kept).to_numpy()]
    outcomes = export.outcomes[export.outcomes["prospect_id"].isin(kept).to_numpy()]
    if fmt == "prospects":
        extra = export.outcomes.sample(n=max(rows - len(outcomes), 0), replace=True,
                                       random_state=np.random.RandomState(0))  # fmt: skip
        extra = extra.assign(prospect_id=[f"X{i:07d}" for i in range(len(extra))])
        outcomes = pd.concat([outcomes, extra], ignore_index=True).iloc[:rows]
    folder.mkdir(parents=True, exist_ok=True)
    trimmed = Synthetic(log, enrol.reset_index(drop=True), outcomes.reset_index(drop=True))
    return FORMATS[fmt].write(trimmed, folder, TIMEZONE)


def measure(args: list[str]) -> dict[str, float]:
    done = subprocess.run([sys.executable, "-c", MEASURE, *args], capture_output=True,
                          text=True, check=True)  # fmt: skip
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--format", default="activities", choices=list(FORMATS))
    parser.add_argument("--out", default="reports/bench-import")
    args = parser.parse_args(argv)
    folder = Path(args.out) / args.format
    started = time.perf_counter()
    files = make_export(args.rows, args.format, folder)
    size = sum(p.stat().st_size for p in files) / 1e6
    print(f"wrote a {args.format} export of {args.rows:,} rows ({size:.0f} MB, "
          f"{len(files)} files) in {time.perf_counter() - started:.0f} s")  # fmt: skip
    floor = measure(["--floor"])
    got = measure([args.format, *map(str, files)])
    print(f"import of {args.rows:,} rows: {got['seconds']:.1f} s, peak memory "
          f"{got['peak_mb']:.0f} MB ({got['touches']:,.0f} touches; a process that only loads "
          f"the modules: {floor['peak_mb']:.0f} MB, {floor['load_seconds']:.1f} s)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
