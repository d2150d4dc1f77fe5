"""``followup validate``: a calibration checked on prospects it has not seen (an import's
``holdout.csv``), the posterior carried into the prediction (``sim.ingest.check``).

Bad input (a folder that holds no calibration, a holdout file with problems, an option out of
range) prints one line per problem to stderr and exits with code 2, without a traceback. The
command exits with 0 whatever the verdict: the verdict is a finding, not an error.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from sim.cli.common import (
    WorkersOpt,
    default_workers,
    fail,
    interruptible,
    os_error_text,
    user_errors,
)

if TYPE_CHECKING:
    from sim.ingest.check import Validation


def validate_command(
    calibration: Annotated[Path, typer.Argument(help="Output folder of a `followup calibrate`.")],
    data: Annotated[
        Path, typer.Option(help="The held-out statistics: holdout.csv of a `followup import`.")
    ],
    draws: Annotated[int, typer.Option(help="Posterior draws to predict with.")] = 20,
    prospects: Annotated[int, typer.Option(help="Simulated prospects per draw.")] = 8192,
    seed: Annotated[int, typer.Option(help="Random seed (0 to 2**63 - 1).")] = 0,
    workers: WorkersOpt = None,
) -> None:
    """Simulate the calibrated scenario under the team's cadence over posterior draws and
    compare every held-out statistic with its prediction; write validation.csv and
    charts/validation.png into CALIBRATION and print the table and a verdict."""
    from sim.ingest.check import validate, write_validation

    workers = default_workers() if workers is None else workers
    for flag, value, least in (("--draws", draws, 2), ("--prospects", prospects, 256),
                               ("--workers", workers, 1)):  # fmt: skip
        if value < least:
            fail(f"{flag} must be at least {least}, got {value}")
    if not 0 <= seed < 2**63:
        fail(f"--seed must be between 0 and 2**63 - 1, got {seed}")
    if not (calibration / "calibrated.yaml").is_file():
        fail(f"{calibration}: no calibrated.yaml (is it the folder of a `followup calibrate`?)")
    with user_errors(), interruptible("interrupted; nothing written"):
        result = validate(calibration, data, draws=draws, prospects=prospects, seed=seed,
                          workers=workers, progress=True)  # fmt: skip
        try:
            files = write_validation(result, calibration)
        except OSError as exc:
            fail(f"cannot write into {calibration}: {os_error_text(exc)}", code=1)
    for line in validation_lines(result):
        typer.echo(line)
    typer.echo("wrote " + ", ".join(str(f) for f in files))


def _fmt(x: float) -> str:
    return "-" if not math.isfinite(x) else f"{x:.4g}"


def validation_lines(result: Validation) -> list[str]:
    from sim.cli.calibrate import text_table

    rows = [["statistic", "held out", "+-SE", "predicted", "95% over posterior", "z"]]
    for r in result.table.to_dict(orient="records"):
        rows.append([str(r["statistic"]), _fmt(r["observed"]), _fmt(r["observed_se"]),
                     _fmt(r["predicted"]), f"[{_fmt(r['pred_ci_low'])}, {_fmt(r['pred_ci_high'])}]",
                     f"{float(r['z']):+.2f}"])  # fmt: skip
    return [
        f"validation | {result.strategy} | {result.draws} posterior draws x {result.prospects:,} "
        f"prospects | {result.window} business days",
        *text_table(rows),
        result.verdict,
    ]


__all__ = ["validate_command"]
