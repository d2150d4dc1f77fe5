"""The calibration's ``report.html``: one self-contained page (inline CSS, charts as base64
PNG data URIs, nothing fetched from elsewhere): the warnings first, then the fit table, the
parameters, the charts, the calibrated scenario and the manifest."""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd

from sim.calibrate.result import Calibration
from sim.io.atomic import write_text_atomic
from sim.report.blocks import figure_block, table_block
from sim.report.html import CSS

CAPTIONS = {
    "fit": "Observed (95% interval) against simulated values at the calibrated parameters "
    "(90% interval over the posterior), target by target.",
    "marginals": "The posterior of each free parameter over its prior's range: median, 90% "
    "interval and the point fit.",
}


def _figure(path: Path) -> str:
    return figure_block(path, CAPTIONS.get(path.stem, path.stem))


def report_html(
    cal: Calibration,
    fit: pd.DataFrame,
    params: pd.DataFrame,
    warnings: list[str],
    charts: list[Path],
    info: dict[str, object],
    calibrated: str,
) -> str:
    problem = cal.problem
    name = html.escape(problem.name)
    if warnings:
        items = "".join(f"<li>{html.escape(w)}</li>" for w in warnings)
        finding = f"<ul>{items}</ul>"
    else:
        finding = "<p>Every target is reached, and every free parameter is identified by them.</p>"
    manifest = "".join(
        f"<dt>{html.escape(k)}</dt><dd>{html.escape(str(v))}</dd>" for k, v in info.items()
    )
    shown = fit.drop(columns=["note"]) if "note" in fit else fit
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Calibration: {name}</title>
<style>{CSS}</style>
</head>
<body>
<h1>Calibration “{name}”</h1>
<p class="sub">The scenario “{html.escape(problem.scenario_name)}” fitted to
{len(problem.targets)} targets with {len(problem.space.dims)} free parameters
({cal.plan.prospects:,} prospects per evaluation, seed {cal.seed}). Calibrated values are
posterior medians; intervals over the posterior are 90% intervals.</p>
<h2>Warnings</h2>
<div class="finding">{finding}</div>
<h2>Fit</h2>
{table_block(shown)}
<h2>Parameters</h2>
{table_block(params)}
<h2>Charts</h2>
{"".join(_figure(p) for p in charts)}
<h2>Calibrated scenario</h2>
<pre>{html.escape(calibrated)}</pre>
<h2>Manifest</h2>
<dl>{manifest}</dl>
</body>
</html>
"""


def write_report(
    cal: Calibration,
    fit: pd.DataFrame,
    params: pd.DataFrame,
    warnings: list[str],
    charts: list[Path],
    info: dict[str, object],
    calibrated: str,
    out: Path,
) -> Path:
    page = report_html(cal, fit, params, warnings, charts, info, calibrated)
    return write_text_atomic(out / "report.html", page)


__all__ = ["report_html", "write_report"]
