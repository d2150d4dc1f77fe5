"""The holdout (``sim.ingest.holdout``): split by prospect, each prospect's side depends on its
id and the seed alone (the same split whatever the rows' order, another split with another
seed, the shares asked for within sampling error, a smaller holdout inside a larger one); split
by time, the prospects who arrived last are held out, exactly the share asked for, and their
shorter follow-up window goes into ``holdout.csv``."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from scipy import stats

from sim.ingest.api import Imported, ImportOptions, import_export
from sim.ingest.formats import FORMATS
from sim.ingest.holdout import uniforms
from sim.ingest.tables import Tables
from tests.ingest.helpers import TZ, as_export, cached_run, export_files, followup


def held_ids(imp: Imported) -> set[str]:
    assert imp.holdout is not None
    return ids_of(imp.holdout.held)


def ids_of(tables: Tables) -> set[str]:
    return {str(i) for i in tables.ids[tables.prospects["prospect"].to_numpy()]}


def split(files: list[Path], fmt: str = "activities", **options: object) -> Imported:
    return import_export(files, ImportOptions(format=fmt, timezone=TZ, **options))  # type: ignore[arg-type]


def test_the_hash_is_uniform_and_keyed_by_the_seed() -> None:
    ids = pd.Index([f"P{i:06d}" for i in range(20_000)])
    u = uniforms(ids, 0)
    assert stats.kstest(u, "uniform").pvalue > 0.001
    assert np.array_equal(u, uniforms(ids, 0))
    other = uniforms(ids, 1)
    assert abs(np.corrcoef(u, other)[0, 1]) < 4 / math.sqrt(len(ids))
    assert np.array_equal(uniforms(ids[::-1], 0), u[::-1])  # an id's number is its own


@pytest.mark.parametrize(("fraction", "seed"), [(0.1, 0), (0.3, 0), (0.3, 17), (0.5, 3)])
def test_by_prospect_holds_out_the_share_asked_for(
    tmp_path: Path, fraction: float, seed: int
) -> None:
    imp = split(export_files("activities", tmp_path), holdout=fraction, seed=seed)
    assert imp.holdout is not None
    n = len(imp.tables.prospects)
    k = len(imp.holdout.held.prospects)
    assert k + len(imp.holdout.fit.prospects) == n
    assert abs(k / n - fraction) < 4 * math.sqrt(fraction * (1 - fraction) / n)
    assert ids_of(imp.holdout.fit).isdisjoint(held_ids(imp))
    touches = len(imp.holdout.fit.touches) + len(imp.holdout.held.touches)
    assert touches == len(imp.tables.touches)


def test_by_prospect_is_deterministic_and_independent_of_the_rows_order(tmp_path: Path) -> None:
    files = export_files("activities", tmp_path / "a")
    first = held_ids(split(files, holdout=0.3, seed=7))
    assert held_ids(split(files, holdout=0.3, seed=7)) == first
    assert held_ids(split(files, holdout=0.3, seed=8)) != first
    shuffled = tmp_path / "b" / "activities.csv"
    shuffled.parent.mkdir()
    frame = pd.read_csv(files[0], dtype=str, keep_default_na=False)
    frame.sample(frac=1.0, random_state=np.random.RandomState(1)).to_csv(shuffled, index=False)
    assert held_ids(split([shuffled], holdout=0.3, seed=7)) == first
    # a smaller holdout is inside a larger one: a prospect's side is its hash against the share
    assert held_ids(split(files, holdout=0.2, seed=7)) < first
    # and the same prospects whatever the layout the export came in
    assert held_ids(split(export_files("salesforce", tmp_path / "c"), "salesforce",
                          holdout=0.3, seed=7)) == first  # fmt: skip


def staggered(folder: Path, weeks: int = 5) -> list[Path]:
    """The known run with its prospects arriving over ``weeks`` weeks (prospect ``i`` starts
    ``i mod weeks`` weeks late), in the activities layout."""
    export = as_export(cached_run())
    number = export.log["prospect_id"].str[1:].astype(int).to_numpy()
    late = pd.to_timedelta(7 * (number % weeks), unit="D")
    log = export.log.assign(at=export.log["at"] + late,
                            responded_at=export.log["responded_at"] + late)  # fmt: skip
    folder.mkdir(parents=True, exist_ok=True)
    return FORMATS["activities"].write(type(export)(log, export.enrolments, export.outcomes),
                                       folder, TZ)  # fmt: skip


def test_by_time_holds_out_the_prospects_who_arrived_last(tmp_path: Path) -> None:
    files = staggered(tmp_path / "export")
    imp = split(files, holdout=0.3, split="time", seed=2)
    assert imp.holdout is not None
    fit, held = imp.holdout.fit.prospects, imp.holdout.held.prospects
    assert len(held) == round(0.3 * len(imp.tables.prospects))
    assert fit["arrival_day"].max() <= held["arrival_day"].min()
    assert set(held["arrival_day"]) == {15, 20}  # all of the last week's, part of the one before
    assert held_ids(split(files, holdout=0.3, split="time", seed=2)) == held_ids(imp)
    assert held_ids(split(files, holdout=0.3, split="time", seed=3)) != held_ids(imp)
    assert imp.holdout.held.window < imp.holdout.fit.window


def test_holdout_csv_records_the_split_and_the_window(tmp_path: Path) -> None:
    files = staggered(tmp_path / "export")
    windows = {}
    for how in ("prospect", "time"):
        out = tmp_path / how
        done = followup("import", *files, "--format", "activities", "--timezone", TZ,
                        "--holdout", "0.3", "--split", how, "--out", out)  # fmt: skip
        assert done.exit_code == 0, done.output
        assert f"held out (split by {how})" in done.stdout
        held = pd.read_csv(out / "holdout.csv")
        assert held["window_days"].nunique() == 1
        windows[how] = int(held["window_days"].iat[0])
        horizon = yaml.safe_load((out / "scenario.yaml").read_text(encoding="utf-8"))["calendar"]
        if how == "prospect":  # the held-out prospects were followed as long as the others
            assert windows[how] == horizon["horizon_days"]
        else:  # the last to arrive were followed for less time
            assert windows[how] < horizon["horizon_days"]
        targets = (out / "targets.yaml").read_text(encoding="utf-8")
        assert f"split: {how}" in targets and "fraction: 0.3" in targets
    imp = split(files, holdout=0.3, split="time")
    assert imp.holdout is not None
    assert windows["time"] == imp.holdout.held.window < windows["prospect"]
