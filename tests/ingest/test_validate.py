"""``followup validate`` (``sim.ingest.check``): the z-scores and the verdict from their
definitions, bad input as one clean line each, and the whole path end to end on the shipped
example export (import with a holdout, a small calibration, the validation: ``slow``)."""

from __future__ import annotations

import math
import struct
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.calibrate.statistics import Args
from sim.ingest.check import VALIDATION_COLUMNS, Z_LIMIT, HeldOut, comparison, verdict
from sim.ingest.measure import HOLDOUT_COLUMNS
from tests.ingest.helpers import ROOT, error_lines, followup, write

EXAMPLE = ROOT / "examples" / "own-data"
EXAMPLE_FILES = [EXAMPLE / n for n in ("emails.csv", "calls.csv", "cadence_memberships.csv")]


def test_z_is_the_difference_over_both_errors() -> None:
    rows = [HeldOut("a", "meeting_rate", Args(), 0.10, 0.01),
            HeldOut("b", "reach_rate", Args(), 0.60, 0.01)]  # fmt: skip
    draws = np.array([[0.08, 0.40], [0.09, 0.41], [0.10, 0.42], [0.11, 0.43]])
    table = comparison(rows, draws)
    assert list(table.columns) == VALIDATION_COLUMNS
    a, b = table.to_dict(orient="records")
    sd = float(np.std(draws[:, 0], ddof=1))
    assert a["predicted"] == pytest.approx(0.095)
    assert a["z"] == pytest.approx((0.10 - 0.095) / math.sqrt(0.01**2 + sd**2))
    assert (a["pred_ci_low"], a["pred_ci_high"]) == pytest.approx(
        tuple(np.quantile(draws[:, 0], [0.025, 0.975]))
    )
    assert b["z"] == pytest.approx(
        (0.60 - 0.415) / math.sqrt(0.01**2 + np.var(draws[:, 1], ddof=1))
    )
    assert abs(b["z"]) > Z_LIMIT
    assert verdict(table).startswith(
        "verdict: the calibrated model does NOT predict the held-out prospects: 1 of 2 "
        "statistics 4 SE or more from their prediction (b)"
    )
    assert verdict(table.iloc[:1]).startswith(
        "verdict: the calibrated model predicts the held-out prospects: all 1 statistics within "
        "4 SE, 1 within 2"
    )


def test_a_statistic_the_model_never_produced() -> None:
    rows = [HeldOut("a", "median_days_to_first_response", Args(), 3.0, 0.5)]
    table = comparison(rows, np.full((3, 1), np.nan))
    assert math.isnan(table["z"].iat[0])
    assert verdict(table).startswith("verdict: nothing to compare")


def holdout_csv(folder: Path, rows: list[str]) -> Path:
    (path,) = write(folder, {"holdout.csv": "\n".join([",".join(HOLDOUT_COLUMNS), *rows])})
    return path


GOOD_ROW = "meeting_rate,meeting_rate,,,,0.0129,0.0054,462,462,18"


@pytest.mark.parametrize(
    ("row", "line"),
    [
        (
            "x,no_such_statistic,,,,0.1,0.01,10,10,18",
            "row 2, column statistic = 'no_such_statistic': unknown statistic; known: reply_rate,",
        ),
        (
            "meeting_rate,meeting_rate,,,,0.1,0,10,10,18",
            "row 2, column se = '0': must be a number > 0",
        ),
        (
            "meeting_rate,meeting_rate,,,,lots,0.01,10,10,18",
            "row 2, column value = 'lots': must be a number",
        ),
        (
            "r,reply_rate,0,email,,0.1,0.01,10,10,18",
            "row 2, column attempt = '0': Input should be greater than or equal to 1",
        ),
        (
            "r,reply_rate,1.5,email,,0.1,0.01,10,10,18",
            "row 2, column attempt = '1.5': must be a whole number",
        ),
        (
            "r,reply_rate,1,emial,,0.1,0.01,10,10,18",
            "row 2, column channel = 'emial': unknown channel; allowed: call, call_desk,",
        ),
        (
            "r,reply_rate,1,email,maybe,0.1,0.01,10,10,18",
            "row 2, column response = 'maybe': Input should be 'any', 'positive' or 'negative'",
        ),
    ],
)
def test_a_bad_holdout_file(tmp_path: Path, row: str, line: str) -> None:
    (tmp_path / "calibrated.yaml").write_text("name: x\n", encoding="utf-8")
    path = holdout_csv(tmp_path, [GOOD_ROW, row.replace("row 2", "row 3")])
    (got,) = error_lines(followup("validate", tmp_path, "--data", path))
    assert got.startswith(f"{path}: {line.replace('row 2', 'row 3')}")


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["--draws", "1"], "--draws must be at least 2, got 1"),
        (["--prospects", "10"], "--prospects must be at least 256, got 10"),
        (["--workers", "0"], "--workers must be at least 1, got 0"),
        (["--seed", "-3"], "--seed must be between 0 and 2**63 - 1, got -3"),
    ],
)
def test_a_bad_option(tmp_path: Path, args: list[str], line: str) -> None:
    path = holdout_csv(tmp_path, [GOOD_ROW])
    assert error_lines(followup("validate", tmp_path, "--data", path, *args)) == [line]


def test_a_folder_that_holds_no_calibration(tmp_path: Path) -> None:
    path = holdout_csv(tmp_path, [GOOD_ROW])
    assert error_lines(followup("validate", tmp_path / "nowhere", "--data", path)) == [
        f"{tmp_path / 'nowhere'}: no calibrated.yaml (is it the folder of a `followup calibrate`?)"
    ]
    (tmp_path / "calibrated.yaml").write_text("name: x\n", encoding="utf-8")
    missing = tmp_path / "missing.csv"
    assert error_lines(followup("validate", tmp_path, "--data", missing)) == [
        f"{missing}: no such file"
    ]
    (tmp_path / "empty").mkdir()
    empty = holdout_csv(tmp_path / "empty", [])
    assert error_lines(followup("validate", tmp_path, "--data", empty)) == [
        f"{empty}: holds no statistics"
    ]


@pytest.mark.slow
def test_import_calibrate_validate_end_to_end(tmp_path: Path) -> None:
    """The shipped example: imported with a 30% holdout, calibrated at a small budget, and
    validated over six posterior draws; twice with the same seed, the same table."""
    imported = tmp_path / "import"
    done = followup("import", *EXAMPLE_FILES, "--format", "salesloft", "--timezone",
                    "America/New_York", "--scenario", "cold-outbound", "--holdout", "0.3",
                    "--out", imported)  # fmt: skip
    assert done.exit_code == 0, done.output
    calibration = tmp_path / "calibration"
    done = followup("calibrate", imported / "targets.yaml", "--budget", "290", "--prospects",
                    "512", "--workers", "1", "--out", calibration)  # fmt: skip
    assert done.exit_code == 0, done.output
    holdout = pd.read_csv(imported / "holdout.csv")
    runs = []
    for _ in range(2):
        done = followup("validate", calibration, "--data", imported / "holdout.csv", "--draws",
                        "6", "--prospects", "2048", "--workers", "1", "--seed", "4")  # fmt: skip
        assert done.exit_code == 0, done.output
        runs.append(pd.read_csv(calibration / "validation.csv"))
    table = runs[0]
    pd.testing.assert_frame_equal(runs[0], runs[1])
    assert list(table.columns) == VALIDATION_COLUMNS
    assert table["statistic"].tolist() == holdout["label"].tolist()
    assert np.array_equal(table["observed"], holdout["value"])
    assert np.array_equal(table["observed_se"], holdout["se"])
    assert np.isfinite(table["z"]).all()
    shares = table[table["statistic"] != "median_days_to_first_response"]
    assert (shares["pred_ci_low"] < shares["pred_ci_high"]).all()  # the posterior's spread
    assert ((table["pred_ci_low"] <= table["predicted"]) &
            (table["predicted"] <= table["pred_ci_high"])).all()  # fmt: skip
    assert "validation | q3-outbound | 6 posterior draws x 2,048 prospects | 18 business days" in (
        done.stdout
    )
    verdict_line = next(line for line in done.stdout.splitlines() if line.startswith("verdict:"))
    passed = bool((table["z"].abs() < Z_LIMIT).all())
    assert ("does NOT predict" in verdict_line) != passed
    png = (calibration / "charts" / "validation.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", png[16:24])[1] > 300
