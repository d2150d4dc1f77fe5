"""The statistics of an import are the calibration catalogue's, computed by the catalogue's own
functions: a simulated run written in a tool's layout and imported gives, statistic by
statistic, exactly (not merely nearly) what the same functions give on the run's own tables;
and so do the part kept for the calibration and the part held out, as ``targets.yaml`` and
``holdout.csv`` write them."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from sim.calibrate.statistics import CATALOGUE, Args, Estimate
from sim.ingest.api import ImportOptions, import_export
from sim.ingest.measure import Candidate, candidates, compute
from sim.ingest.tables import Tables
from sim.results.result import RunResult
from tests.ingest.helpers import TOUCH_FORMATS, TZ, cached_run, export_files, followup

RUN = {"prospects": 1500, "seed": 3}


def own(run: RunResult, candidate: Candidate, codes: set[int] | None = None) -> Estimate:
    """A statistic on the run's own tables (the prospects ``codes`` only, when given)."""
    p, t = run.prospects, run.touches
    if codes is not None:
        p = p[p["prospect"].isin(codes)]
        t = t[t["prospect"].isin(codes)]
    return CATALOGUE[candidate.statistic](p, t, Args(**candidate.args))


def same(a: Estimate, b: Estimate) -> bool:
    def eq(x: float, y: float) -> bool:
        return x == y or (math.isnan(x) and math.isnan(y))

    return eq(a.value, b.value) and eq(a.se, b.se) and a.n == b.n


def codes(tables: Tables) -> set[int]:
    """The run's prospect numbers of the imported prospects (ids ``P000123``)."""
    ids = tables.ids[tables.prospects["prospect"].to_numpy()]
    return {int(str(i)[1:]) for i in ids}


@pytest.mark.parametrize("fmt", [*TOUCH_FORMATS, "prospects"])
def test_every_statistic_equals_the_catalogue_on_the_run(tmp_path: Path, fmt: str) -> None:
    run = cached_run(**RUN)
    imp = import_export(export_files(fmt, tmp_path, **RUN), ImportOptions(format=fmt, timezone=TZ))
    assert len(imp.tables.prospects) == len(run.prospects)
    assert len(imp.tables.touches) == len(run.touches)
    tried = [c for c in candidates(imp.tables) if imp.tables.touch_level or not c.touch_level]
    assert len(tried) == (11 if fmt != "prospects" else 4)
    for c in tried:
        got, want = compute(imp.tables, c), own(run, c)
        assert want.defined, c.label
        assert same(got, want), (c.label, got, want)


def test_the_fit_and_the_holdout_are_the_catalogue_on_their_prospects(tmp_path: Path) -> None:
    big = {**RUN, "prospects": 5000}  # enough replies and meetings for most statistics to be kept
    run = cached_run(**big)
    files = export_files("hubspot", tmp_path / "export", **big)
    options = ImportOptions(format="hubspot", timezone=TZ, holdout=0.3, seed=5)
    imp = import_export(files, options)
    assert imp.holdout is not None
    fit, held = codes(imp.holdout.fit), codes(imp.holdout.held)
    assert fit.isdisjoint(held) and len(fit | held) == len(run.prospects)
    assert [m.label for m in imp.measured] == [m.label for m in imp.held]
    assert len(imp.measured) >= 7
    for m, h in zip(imp.measured, imp.held, strict=True):
        assert same(m.estimate, own(run, m.candidate, fit)), m.label
        assert same(h.estimate, own(run, h.candidate, held)), h.label


def test_targets_yaml_and_holdout_csv_write_those_numbers(tmp_path: Path) -> None:
    run = cached_run(**RUN)
    files = export_files("outreach", tmp_path / "export", **RUN)
    out = tmp_path / "import"
    done = followup("import", *files, "--format", "outreach", "--timezone", TZ, "--holdout",
                    "0.3", "--seed", "5", "--out", out)  # fmt: skip
    assert done.exit_code == 0, done.output
    imp = import_export(files, ImportOptions(format="outreach", timezone=TZ, holdout=0.3, seed=5))
    assert imp.holdout is not None
    targets = yaml.safe_load((out / "targets.yaml").read_text(encoding="utf-8"))
    assert [t["label"] for t in targets["targets"]] == [m.label for m in imp.measured]
    for entry, m in zip(targets["targets"], imp.measured, strict=True):
        want = own(run, m.candidate, codes(imp.holdout.fit))
        assert entry["value"] == float(f"{want.value:.6g}")
        assert entry["se"] == float(f"{want.se:.6g}")
        assert {k: entry[k] for k in m.candidate.args} == m.candidate.args
    assert targets["source"]["prospects"] == len(imp.holdout.fit.prospects)
    assert targets["source"]["holdout"]["prospects"] == len(imp.holdout.held.prospects)
    held = pd.read_csv(out / "holdout.csv")
    assert held["label"].tolist() == [m.label for m in imp.held]
    for row, m in zip(held.to_dict(orient="records"), imp.held, strict=True):
        want = own(run, m.candidate, codes(imp.holdout.held))
        assert (row["value"], row["se"], row["n"]) == (want.value, want.se, want.n)
        assert row["prospects"] == len(imp.holdout.held.prospects)
    # split by prospect, the held-out prospects were followed as long as the scenario's
    horizon = yaml.safe_load((out / "scenario.yaml").read_text(encoding="utf-8"))["calendar"]
    assert np.all(held["window_days"] == horizon["horizon_days"])
