"""Record a reference calibration's result in ``scenarios/fits/<name>.yaml``.

A reference scenario's fitted parameters are evidence with a provenance, not hand-set knobs:
``followup calibrate <name>`` (a targets file in ``scenarios/targets/``) fits them to published
figures; this script copies the posterior medians (rounded to 3 significant digits) and 90%
intervals from the calibration's ``parameters.csv``, with the targets file's SHA-256 and the
calibration's manifest, into ``scenarios/fits/<name>.yaml``. ``scenarios/make_reference.py``
writes the medians into the reference scenario (``cold-outbound``, ``web-leads``); the
calendar fit's medians are the model's defaults (``sim/model/scenario.py``), and a test checks
that they agree.

    .venv/bin/followup calibrate calendar --out reports/calibrations/calendar
    .venv/bin/python scenarios/record_fit.py calendar reports/calibrations/calendar

A tool of the repository, never imported by the ``sim`` package.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

FITS = ROOT / "scenarios" / "fits"
TARGETS = ROOT / "scenarios" / "targets"


def rounded(x: float) -> float:
    """``x`` to 3 significant digits (the posterior's spread is far wider)."""
    return float(f"{x:.3g}")


def record(name: str, folder: Path) -> dict[str, Any]:
    """The fit record of the calibration in ``folder`` of ``scenarios/targets/<name>.yaml``."""
    params = pd.read_csv(folder / "parameters.csv")
    fit = pd.read_csv(folder / "fit.csv")
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    targets = TARGETS / f"{name}.yaml"
    return {
        "name": name,
        "targets": f"scenarios/targets/{name}.yaml",
        "targets_sha256": hashlib.sha256(targets.read_bytes()).hexdigest(),
        "calibration": {
            "seed": manifest["seed"],
            "scenario": manifest["scenario"],
            "scenario_hash": manifest["scenario_hash"],
            "version": manifest.get("version"),
            "budget": manifest["plan"]["budget"],
            "prospects": manifest["plan"]["prospects"],
            "acceptance": manifest["acceptance"],
            "wall_time_s": manifest["wall_time_s"],
        },
        "parameters": {
            str(r.parameter): {
                "median": rounded(r.median),
                "ci90": [rounded(r.ci_low), rounded(r.ci_high)],
                "prior": [float(r.low), float(r.high), str(r.prior)],
            }
            for r in params.itertuples()
        },
        "fit": {
            str(r.target): {
                "observed": float(r.observed),
                **({"bound": r.bound} if isinstance(getattr(r, "bound", None), str) else {}),
                "simulated": round(float(r.simulated), 4),
                "z": round(float(r.z), 2),
            }
            for r in fit.itertuples()
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("name", help="the targets file's name (scenarios/targets/<name>.yaml)")
    parser.add_argument("folder", type=Path, help="the calibration's output folder")
    args = parser.parse_args(argv)
    data = record(args.name, args.folder)
    FITS.mkdir(exist_ok=True)
    path = FITS / f"{args.name}.yaml"
    head = (
        f"# The reference fit {args.name!r}: written by scenarios/record_fit.py from a run of\n"
        f"# `followup calibrate {args.name}`; do not edit by hand (docs/model.md section 11).\n"
    )
    text = yaml.safe_dump(data, sort_keys=False, width=96, default_flow_style=None)
    path.write_text(head + text, encoding="utf-8")
    print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
