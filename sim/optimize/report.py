"""The search's ``report.html``: one self-contained page (inline CSS, charts as base64 PNG data
URIs, nothing fetched from elsewhere): the verdict of the confirmation first, then the pick
(its cadence and timeline), the comparisons and the constraints with their intervals, the
front, the search's progress, the library, and the manifest."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import pandas as pd

from sim.io.atomic import write_text_atomic
from sim.optimize.objective import GOAL_METRIC, LABELS
from sim.optimize.result import Optimization
from sim.report.blocks import figure_block, table_block
from sim.report.html import CSS

CAPTIONS = {
    "front": "Every trial at the cheapest size: the goal against the rep's minutes per prospect, "
    "the front of the trials meeting the constraints, the library strategies and the pick.",
    "timeline": "The pick for a prospect who never answers: each touch by business day and "
    "channel.",
    "progress": "The search trial by trial, the best so far meeting the constraints, and the best "
    "library strategy.",
}


def _figure(path: Path) -> str:
    return figure_block(path, CAPTIONS.get(path.stem, path.stem))


def report_html(
    opt: Optimization,
    front: pd.DataFrame,
    library: pd.DataFrame,
    lines: list[str],
    charts: list[Path],
    info: dict[str, Any],
    texts: dict[str, str],
) -> str:
    problem = opt.problem
    metric = GOAL_METRIC[problem.goal]
    name = html.escape(problem.name)
    figures = {p.stem: _figure(p) for p in charts}
    limits = ", ".join(f"{LABELS[k]} at most {v:g}" for k, v in problem.constraints.limits.items())
    if opt.pick is None or opt.confirmation is None:
        verdict = ("<p>No cadence of the search met the constraints; loosen them or search "
                   "more trials.</p>")  # fmt: skip
        pick = ""
    else:
        verdict = f"<pre>{html.escape(chr(10).join(lines))}</pre>"
        c = opt.confirmation
        pick = f"""<h2>The pick</h2>
<p>{html.escape(opt.pick.record.text)}</p>
{figures.get("timeline", "")}
<pre>{html.escape(texts.get("best.yaml", ""))}</pre>
<h2>Paired differences (the pick minus each strategy)</h2>
{table_block(c.comparisons)}
<h2>Constraints</h2>
{table_block(c.constraints)}
<h2>Every metric of the confirmation</h2>
{table_block(c.summary)}"""
    manifest = "".join(
        f"<dt>{html.escape(k)}</dt><dd>{html.escape(str(v))}</dd>" for k, v in info.items()
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Optimised cadence: {name}</title>
<style>{CSS}</style>
</head>
<body>
<h1>The best cadence for “{name}”</h1>
<p class="sub">Goal: {html.escape(LABELS[metric])}{"; " + html.escape(limits) if limits else ""}.
{len(opt.trials)} trials at {opt.sizes[0]:,} prospects, the promising ones again up to
{opt.full:,} (seed {opt.seed}).</p>
<h2>Verdict</h2>
<div class="finding">{verdict}</div>
{pick}
<h2>The front</h2>
{figures.get("front", "")}
{table_block(front)}
<h2>The search</h2>
{figures.get("progress", "")}
<h2>The library at the search's sizes</h2>
{table_block(library)}
<h2>Manifest</h2>
<dl>{manifest}</dl>
</body>
</html>
"""


def write_report(
    opt: Optimization,
    front: pd.DataFrame,
    library: pd.DataFrame,
    lines: list[str],
    charts: list[Path],
    info: dict[str, Any],
    texts: dict[str, str],
    out: Path,
) -> Path:
    page = report_html(opt, front, library, lines, charts, info, texts)
    return write_text_atomic(out / "report.html", page)


__all__ = ["report_html", "write_report"]
