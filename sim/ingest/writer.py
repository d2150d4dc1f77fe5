"""The files of an import, each written to a temporary name and renamed into place:

- ``scenario.yaml``: the base scenario with the team's cadence among its
  ``custom_strategies`` and ``calendar.horizon_days`` set to the export's follow-up window
  (the median prospect's business days from arrival to the export's last activity, at least
  the cadence's length; ``--horizon`` overrides), so that a simulation follows prospects as
  long as the export did;
- ``targets.yaml`` (unless no statistic rests on enough observations): ready for
  ``followup calibrate``: that scenario, the cadence as the
  strategy, a target per statistic kept (value and standard error, from the prospects not
  held out) and ``source``: the format, the files (their SHA-256), the time zone, the
  sequence, the holdout and the mapping used. No ``free``: the calibration frees the
  parameters that set the targets' levels (add ``free`` to choose);
- ``cadence.yaml``: the cadence as a ``custom_strategies`` entry, to paste into a scenario;
- ``funnel.csv``: per step and channel (``sim.ingest.funnel``);
- ``holdout.csv``: with a holdout, the held-out prospects' statistics
  (``sim.ingest.measure.HOLDOUT_COLUMNS``), for ``followup validate``; ``window_days`` is the
  scenario's horizon (split by prospect: the same window) or, split by time, the held-out
  prospects' own (shorter) window.

No prospect id, name, email address or phone number is in any of them.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import yaml

from sim.ingest.api import Imported
from sim.ingest.cadence import cadence_yaml
from sim.ingest.measure import holdout_frame, target_entries
from sim.io.atomic import write_atomic, write_text_atomic
from sim.io.loader import load_scenario, scenario_from_dict, scenario_to_yaml
from sim.results.manifest import package_version

IMPORT_FILES = ("scenario.yaml", "targets.yaml", "cadence.yaml", "funnel.csv", "holdout.csv")


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def horizon(imp: Imported, given: int | None) -> int:
    """The simulated horizon: ``given``, else the export's window, at least the cadence's
    length plus one day."""
    if given is not None:
        return given
    length = max(s.day for s in imp.cadence.steps) + 1
    return int(min(max(imp.fit.window, length + 1), 2000))


def scenario_data(imp: Imported, given_horizon: int | None = None) -> dict[str, Any]:
    base = load_scenario(imp.options.scenario)
    data = base.model_dump(mode="json")
    data["name"] = imp.name
    days = horizon(imp, given_horizon)
    data["description"] = (
        f"The scenario {base.name!r} with the cadence of {imp.sequence} reconstructed by "
        f"followup import ({imp.options.format} export), followed for {days} business days as "
        "the export's prospects were."
    )
    data["calendar"]["horizon_days"] = days
    data.setdefault("custom_strategies", {}).update(imp.cadence.entry())
    data["strategies"] = [imp.name]
    return data


def source_block(imp: Imported, command: str) -> dict[str, Any]:
    o = imp.options
    block: dict[str, Any] = {
        "written_by": command,
        "version": package_version(),
        "format": o.format,
        "files": [{"name": p.name, "sha256": sha256(p)} for p in imp.export.files],
        "timezone": o.timezone,
        "sequence": imp.sequence,
        "prospects": len(imp.fit.prospects),
        "touches": len(imp.fit.touches),
        "mapping": {k: dict(sorted(v.items())) for k, v in imp.export.mapping.used.items()},
    }
    if imp.holdout is not None:
        block["holdout"] = {
            "split": imp.holdout.split, "fraction": imp.holdout.fraction, "seed": o.seed,
            "prospects": len(imp.holdout.held.prospects),
        }  # fmt: skip
    if imp.left_out:
        block["left_out"] = list(imp.left_out)
    if imp.notes:
        block["notes"] = list(imp.notes)
    return block


def write_import(
    imp: Imported, out: Path, command: str = "followup import", given_horizon: int | None = None
) -> list[Path]:
    """Every file of the import into ``out`` (see the module's docstring)."""
    data = scenario_data(imp, given_horizon)
    scenario = scenario_from_dict(data, str(out / "scenario.yaml"))
    head = f"# Written by `{command}`: the team's cadence on the base scenario.\n"
    files = [write_text_atomic(out / "scenario.yaml", head + scenario_to_yaml(scenario))]
    targets = {
        "name": imp.name,
        "description": (
            f"{imp.sequence}: {len(imp.fit.prospects):,} prospects of a {imp.options.format} "
            "export, the statistics the calibration catalogue computes on them."
        ),
        "scenario": "scenario.yaml",
        "strategy": imp.name,
        "targets": target_entries(imp.measured),
        "source": source_block(imp, command),
    }
    header = (
        f"# Written by `{command}`.\n"
        "# Each target is a statistic of the calibration catalogue computed on the export by the\n"
        "# catalogue's own function, with its standard error. No `free`: the calibration frees\n"
        "# the parameters that set these statistics' levels (add `free:` to choose them).\n"
    )
    text = header + yaml.safe_dump(targets, sort_keys=False, width=100, allow_unicode=True)
    if imp.measured:
        files.append(write_text_atomic(out / "targets.yaml", text))
    else:
        (out / "targets.yaml").unlink(missing_ok=True)
    note = (
        f"# The cadence of {imp.sequence}, reconstructed by `{command}`.\n"
        "# Paste it under a scenario's custom_strategies (scenario.yaml has it already).\n"
        + "".join(f"#   {line}\n" for line in imp.cadence.lines())
    )
    files.append(write_text_atomic(out / "cadence.yaml", cadence_yaml(imp.cadence, note)))
    files.append(write_atomic(out / "funnel.csv", lambda p: imp.funnel.to_csv(p, index=False)))
    stale = out / "holdout.csv"
    if imp.holdout is not None:
        held = imp.holdout.held
        window = held.window if imp.holdout.split == "time" else horizon(imp, given_horizon)
        frame = holdout_frame(imp.held, held, window)
        files.append(write_atomic(stale, lambda p: frame.to_csv(p, index=False)))
    else:
        stale.unlink(missing_ok=True)
    return files


__all__ = ["IMPORT_FILES", "horizon", "scenario_data", "source_block", "write_import"]
