"""A whole import: read an export, check it, keep a sequence, build the run's tables, split
off the holdout, measure the catalogue's statistics, reconstruct the cadence and the funnel.

``import_export(files, ImportOptions(...))`` returns an ``Imported``; ``sim.ingest.writer``
writes its files. ``ImportOptions`` validates itself (an ``OptionError`` names the
command-line option).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sim.ingest.cadence import Reconstructed, reconstruct
from sim.ingest.formats import FORMATS
from sim.ingest.funnel import step_funnel
from sim.ingest.holdout import SPLITS, Holdout, Split, split_tables
from sim.ingest.log import Export, check, choose_sequence, slug
from sim.ingest.measure import Measured, measure
from sim.ingest.prospect_tables import SPACING, from_outcomes
from sim.ingest.tables import Tables, build, categorize
from sim.ingest.times import check_timezone
from sim.ingest.vocab import parse_maps
from sim.io.errors import OptionError, Problem, ScenarioError, did_you_mean


@dataclass(frozen=True)
class ImportOptions:
    """How to import: ``format`` (``sim.ingest.formats.FORMATS``); ``holdout`` the share of
    prospects held out (None: none) and ``split`` how (``sim.ingest.holdout``); ``maps`` the
    ``--map`` options; ``timezone`` the team's (IANA); ``sequence`` the one to keep (None: the
    largest; ``all``); ``drop_duplicates``; ``scenario`` the base scenario of the targets;
    ``name`` of the targets (default: the sequence's); ``seed`` of the holdout's hash."""

    format: str
    holdout: float | None = None
    split: Split = "prospect"
    maps: tuple[str, ...] = ()
    timezone: str = "UTC"
    sequence: str | None = None
    drop_duplicates: bool = False
    scenario: str = "baseline"
    name: str | None = None
    seed: int = 0

    def __post_init__(self) -> None:
        if self.format not in FORMATS:
            raise OptionError("format", f"{self.format!r} is not a format"
                                        f"{did_you_mean(self.format, FORMATS)}; known: "
                                        f"{', '.join(FORMATS)}")  # fmt: skip
        if self.holdout is not None and not (math.isfinite(self.holdout) and 0 < self.holdout < 1):
            raise OptionError("holdout", f"must be a share between 0 and 1 (0.3 holds out 30% "
                                         f"of the prospects), got {self.holdout}")  # fmt: skip
        if self.split not in SPLITS:
            raise OptionError("split", f"must be one of {', '.join(SPLITS)}, got {self.split!r}")
        check_timezone(self.timezone)
        if not 0 <= self.seed < 2**63:
            raise OptionError("seed", f"must be between 0 and 2**63 - 1, got {self.seed}")
        parse_maps(self.maps, FORMATS[self.format].vocabularies)


@dataclass
class Imported:
    """What an import found (``sim.ingest.writer`` writes it)."""

    options: ImportOptions
    export: Export
    sequence: str
    name: str
    tables: Tables
    holdout: Holdout | None
    measured: list[Measured]
    left_out: list[str]
    held: list[Measured]
    funnel: pd.DataFrame
    cadence: Reconstructed
    notes: list[str] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)

    @property
    def fit(self) -> Tables:
        return self.holdout.fit if self.holdout is not None else self.tables


def read_export(files: list[Path], options: ImportOptions) -> Export:
    adapter = FORMATS[options.format]
    mapping = parse_maps(options.maps, adapter.vocabularies)
    return adapter.read(files, mapping, options.timezone)


def import_export(files: list[Path], options: ImportOptions) -> Imported:
    """The whole import (see the module's docstring)."""
    if not files:
        raise OptionError("files", "give at least one export file")
    export = read_export(files, options)
    notes = list(export.notes)
    if export.outcomes is not None:
        notes += check(export, options.drop_duplicates)
        sequence = options.sequence or files[0].stem
        name = options.name or slug(sequence)
        tables = from_outcomes(export.outcomes, name, options.timezone)
        notes.append(
            "the prospects format has no touch log: only prospect-level statistics are taken, "
            f"and the cadence's spacing ({SPACING} business days) is assumed; edit cadence.yaml"
        )
    else:
        notes += check(export, options.drop_duplicates)
        chosen = choose_sequence(export, options.sequence)
        notes += chosen.notes
        name = options.name or slug(chosen.name)
        sequence = chosen.name
        if not len(chosen.log):
            raise ScenarioError(
                ", ".join(map(str, files)),
                [
                    Problem(
                        "",
                        None,
                        ("no activities to import (every row was left out or the files are empty)"),
                    )
                ],
            )
        tables = build(chosen, name, options.timezone)
        if tables.touches["step"].isna().all():
            tables.touches["step"] = tables.touches["attempt"].astype(float)
            notes.append("the export names no sequence steps: steps are the touches' numbers "
                         "(the first touch is step 1)")  # fmt: skip
    categorize(tables)
    cadence = reconstruct(tables, name, _description(sequence, files, tables))
    if cadence is None:
        raise ScenarioError(
            ", ".join(map(str, files)),
            [
                Problem(
                    "", None, ("no sequence step has enough touches to reconstruct a cadence from")
                )
            ],
        )
    holdout = None
    if options.holdout is not None:
        holdout = split_tables(tables, options.holdout, options.split, options.seed)
        for part, what in ((holdout.fit, "calibrate on"), (holdout.held, "hold out")):
            if not len(part.prospects):
                raise OptionError("holdout", f"{options.holdout} leaves no prospects to {what}")
    fit = holdout.fit if holdout is not None else tables
    measured, left = measure(fit)
    if not measured:
        notes.append("too little data for a calibration: no statistic rests on enough "
                     "observations, so no targets.yaml is written")  # fmt: skip
    held: list[Measured] = []
    if holdout is not None:
        held, _ = measure(holdout.held, [m.candidate for m in measured], min_n=1, min_events=0)
    return Imported(
        options, export, sequence, name, tables, holdout, measured, left, held,
        step_funnel(tables), cadence, notes,
    )  # fmt: skip


def _description(sequence: str, files: list[Path], tables: Tables) -> str:
    names = ", ".join(p.name for p in files)
    return (
        f"The cadence of {sequence} as the team ran it, reconstructed by followup import from "
        f"{len(tables.prospects):,} prospects ({names}): each step's channel, median spacing "
        "and median time."
    )


def funnel_headline(tables: Tables) -> dict[str, float]:
    """A few numbers of the whole export, for the terminal."""
    p = tables.prospects
    return {
        "prospects": float(len(p)),
        "touches": float(len(tables.touches)),
        "reached": float(p["reached"].mean()) if len(p) else np.nan,
        "meetings": float(p["meeting"].sum()),
        "opted_out": float(p["opted_out"].sum()),
    }


__all__ = ["ImportOptions", "Imported", "funnel_headline", "import_export", "read_export"]
