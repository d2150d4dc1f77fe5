"""The planted truth of ``followup import`` (as siMMMulator validates marketing-mix models):
simulate a team with known, non-default parameters, write what its tool would export, import
it, calibrate on it and check that the known parameters fall inside their 90% posterior
intervals and that the held-out prospects' statistics are predicted within 4 SE.

For each format (default: all six): ``PROSPECTS`` prospects of the cold-outbound market with
the planted values (``PLANTED``: a busier inbox, a screened phone, fewer positive replies than
the scenario's defaults) run the planted cadence (``CADENCE``: emails and desk calls, two
voicemails) for ``HORIZON`` business days, with an observation seed the calibration never
uses, one per format (``--seed`` plus the format's place in ``FORMATS``: each format is its
own team, so that the coverage counts independent recoveries; the same run in every layout
would give the same statistics, ``tests/ingest/test_statistics.py``, and one recovery six
times); the run is written in the format's layout (``sim.ingest.synthetic``, personal data
columns included) and imported with a 30% holdout split by prospect; the targets file gets the
three planted parameters as its free parameters and is calibrated; ``followup validate``'s
check runs on the holdout.

    python benchmarks/planted_import.py [--formats salesloft,hubspot] [--prospects 6000]
        [--budget N] [--calibration-prospects N] [--workers 2] [--seed 424242]
        [--out reports/planted-import]
    python benchmarks/planted_import.py --example examples/own-data   (the shipped example)

Prints a line per format (each parameter in or OUT of its interval, the holdout's largest
|z|, the times) and the coverage over all formats and parameters; writes ``recovery.json``.
Exits 1 when the coverage is below binomial error of 90% or a held-out statistic is 4 SE or
more from its prediction.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import yaml
from scipy import stats

from sim.calibrate.api import calibrate
from sim.calibrate.outputs import LEVEL, parameter_table
from sim.calibrate.problem import load_problem
from sim.calibrate.space import apply_values
from sim.ingest.api import ImportOptions, import_export
from sim.ingest.check import Z_LIMIT, validate
from sim.ingest.formats import FORMATS
from sim.ingest.synthetic import synthetic_export
from sim.ingest.writer import write_import
from sim.io.loader import load_scenario, scenario_from_dict
from sim.run.simulate import simulate

ROOT = Path(__file__).resolve().parent.parent
HORIZON = 20
PROSPECTS = 6000
OBSERVATION_SEED = 424242
TIMEZONE = "America/New_York"
SEQUENCE = "Q3 outbound"
PLANTED = {
    "population.loads.email.median": 200.0,
    "population.screening.unknown": 0.30,
    "response.b_pos.all": -1.6,
}
"""The planted values; cold-outbound's own are 120, 0.45 and -1.0."""
FREE = {
    "population.loads.email.median": {"low": 30, "high": 500, "prior": "log-uniform"},
    "population.screening.unknown": {"low": 0.05, "high": 0.9},
    "response.b_pos.all": {"low": -4.0, "high": 1.0},
}
CADENCE = {
    "description": "The planted team's sequence: emails and desk calls over 13 business days.",
    "phases": [{"name": "sequence", "steps": [
        {"day": 0, "time": "09:30", "channel": "email", "template": "step-1"},
        {"day": 1, "time": "11:00", "channel": "call_desk", "template": "step-2",
         "leave_voicemail": True},
        {"day": 3, "time": "10:00", "channel": "email", "template": "step-3"},
        {"day": 5, "time": "14:30", "channel": "call_desk", "template": "step-4"},
        {"day": 8, "time": "10:00", "channel": "email", "template": "step-5"},
        {"day": 12, "time": "16:00", "channel": "call_desk", "template": "step-6",
         "leave_voicemail": True},
    ]}],
}  # fmt: skip


def planted_run(prospects: int, seed: int = OBSERVATION_SEED) -> Any:
    """The planted team's run: cold-outbound at the planted values, the planted cadence."""
    data = load_scenario("cold-outbound").model_dump(mode="json")
    data = apply_values(data, PLANTED)
    data["calendar"]["horizon_days"] = HORIZON
    data["custom_strategies"]["planted"] = CADENCE
    scenario = scenario_from_dict(data, "<planted>")
    return simulate(scenario, ["planted"], prospects=prospects, seed=seed, touch_log=True)


def write_export(
    fmt: str, folder: Path, prospects: int, seed: int = OBSERVATION_SEED
) -> list[Path]:
    run = planted_run(prospects, seed)
    export = synthetic_export(run.prospects, run.touches, sequence=SEQUENCE,
                              steps=[f"step-{k}" for k in range(1, 7)], tz=TIMEZONE)  # fmt: skip
    folder.mkdir(parents=True, exist_ok=True)
    return FORMATS[fmt].write(export, folder, TIMEZONE)


def observation_seed(fmt: str, base: int = OBSERVATION_SEED) -> int:
    """The seed of the team a format's export comes from: ``base`` plus the format's place."""
    return base + list(FORMATS).index(fmt)


def recovery(fmt: str, args: argparse.Namespace) -> dict[str, Any]:
    folder = Path(args.out) / fmt
    shutil.rmtree(folder, ignore_errors=True)
    started = time.perf_counter()
    seed = observation_seed(fmt, args.seed)
    files = write_export(fmt, folder / "export", args.prospects, seed)
    options = ImportOptions(format=fmt, holdout=0.3, timezone=TIMEZONE, scenario="cold-outbound")
    imported = import_export(files, options)
    write_import(imported, folder / "import", f"benchmarks/planted_import.py ({fmt})", HORIZON)
    targets = folder / "import" / "targets.yaml"
    data = yaml.safe_load(targets.read_text(encoding="utf-8"))
    data["free"] = FREE
    targets.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    imported_at = time.perf_counter()
    cal = calibrate(load_problem(targets), folder / "calibration", budget=args.budget,
                    prospects=args.calibration_prospects, workers=args.workers, seed=1,
                    overwrite=True)  # fmt: skip
    params = parameter_table(cal)
    calibrated_at = time.perf_counter()
    check = validate(folder / "calibration", folder / "import" / "holdout.csv", draws=args.draws,
                     prospects=args.validate_prospects, seed=2, workers=args.workers)  # fmt: skip
    inside = {
        str(r.parameter): bool(r.ci_low <= PLANTED[str(r.parameter)] <= r.ci_high)
        for r in params.itertuples(index=False)
    }
    z = check.table["z"].abs()
    return {
        "format": fmt,
        "observation_seed": seed,
        "targets": len(imported.measured),
        "inside": inside,
        "intervals": params[["parameter", "ci_low", "median", "ci_high"]].to_dict("records"),
        "holdout_max_abs_z": float(z.max()),
        "holdout_within_4": bool((z < Z_LIMIT).all()),
        "holdout": check.table.to_dict("records"),
        "seconds": {"import": round(imported_at - started, 1),
                    "calibrate": round(calibrated_at - imported_at, 1),
                    "validate": round(time.perf_counter() - calibrated_at, 1)},
    }  # fmt: skip


def write_example(folder: Path, prospects: int) -> None:
    """The shipped example: a salesloft export of the planted team, stated as synthetic."""
    files = write_export("salesloft", folder, prospects, seed=7)
    names = ", ".join(p.name for p in files)
    (folder / "README.md").write_text(
        "# An example export (synthetic)\n\n"
        f"{names}: a Salesloft export of {prospects:,} prospects in the cadence "
        f"'{SEQUENCE}'. **Synthetic**: written by `python benchmarks/planted_import.py "
        f"--example {folder}` from a simulated run of the cold-outbound market with known "
        "parameters (the planted truth: an email load of 200 a day, a pick-up chance of 0.30 "
        "for an unknown number, buyers' positive-reply intercept -1.6). The names, email "
        "addresses and phone numbers in it are made up; `followup import` never reads them. "
        "See docs/guide/own-data.md.\n",
        encoding="utf-8",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--prospects", type=int, default=PROSPECTS)
    parser.add_argument("--budget", type=int, default=None, help="default: the calibration's")
    parser.add_argument("--calibration-prospects", type=int, default=None)
    parser.add_argument("--validate-prospects", type=int, default=8192)
    parser.add_argument("--draws", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=OBSERVATION_SEED,
                        help="observation seed of the first format's team")  # fmt: skip
    parser.add_argument("--out", default="reports/planted-import")
    parser.add_argument("--example", type=Path, default=None,
                        help="write the example export into this folder and stop")  # fmt: skip
    parser.add_argument("--example-prospects", type=int, default=1500)
    args = parser.parse_args(argv)
    if args.example is not None:
        write_example(args.example, args.example_prospects)
        print(f"wrote the example export into {args.example}")
        return 0
    results = []
    for fmt in [f.strip() for f in args.formats.split(",") if f.strip()]:
        r = recovery(fmt, args)
        results.append(r)
        marks = " ".join(f"{p.rsplit('.', 2)[-2]}.{p.rsplit('.', 1)[-1]}:{'in' if ok else 'OUT'}"
                         for p, ok in r["inside"].items())  # fmt: skip
        s = r["seconds"]
        print(f"{fmt:10s} {r['targets']:2d} targets  {marks}  holdout max |z| "
              f"{r['holdout_max_abs_z']:.2f}  (import {s['import']} s, calibrate "
              f"{s['calibrate']} s, validate {s['validate']} s)", flush=True)  # fmt: skip
        Path(args.out).mkdir(parents=True, exist_ok=True)
        (Path(args.out) / "recovery.json").write_text(json.dumps(results, indent=1, default=str))
    hits = sum(ok for r in results for ok in r["inside"].values())
    total = sum(len(r["inside"]) for r in results)
    low = stats.binom.ppf(0.025, total, LEVEL) / total
    test = stats.binomtest(hits, total, LEVEL, alternative="less")
    held = all(r["holdout_within_4"] for r in results)
    print(f"coverage of the {LEVEL:.0%} intervals: {hits}/{total} = {hits / total:.3f} "
          f"(binomial 95% lower bound at {LEVEL:.0%}: {low:.3f}; p = {test.pvalue:.3f}); "
          f"held-out statistics within {Z_LIMIT:g} SE: {'all' if held else 'NOT all'}")  # fmt: skip
    return 0 if test.pvalue >= 0.05 and held else 1


if __name__ == "__main__":
    sys.exit(main())
