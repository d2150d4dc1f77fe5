"""The run's report: one self-contained ``report.html`` a trainer can open anywhere.

The finding comes first (the best strategy, its meeting rate with its interval, and which
strategies cannot be told apart from it by paired differences on the same prospects with a
false-discovery correction), then the table, the charts (embedded as base64 PNG data URIs),
the scenario's parameters and a manifest of how the run was made. Nothing is fetched from
elsewhere: the CSS is inline and there are no links to external resources.
"""

from __future__ import annotations

import base64
import html
import json
import math
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from sim.io.atomic import write_text_atomic
from sim.io.loader import scenario_to_yaml
from sim.report.dependence import FOLDER, RankingCheck, Setting, load_check
from sim.report.findings import VersusBest, compare_to_best, finding_sentences, interval_of
from sim.report.funnel_html import funnel_html
from sim.results.manifest import manifest
from sim.results.result import RunResult
from sim.results.summary import TABLE_COLUMNS, metric_table, ranked
from sim.viz.render import CHART_NAMES

CAPTIONS = {
    "ranking": "Meetings booked per 100 prospects, best first, with 95% confidence intervals.",
    "reached_by_attempt": "The “fifth call” curve: the share of prospects whose first two-way "
    "contact had come by the N-th attempt; a strategy that stops ends where it stops.",
    "touch_value": "What the N-th touch adds: meetings booked by that touch per 100 "
    "prospects, with 95% intervals (prospects who called in are not counted).",
    "cumulative_meetings": "Meetings per 100 prospects booked so far, business day by "
    "business day.",
    "pest_frontier": "The pest frontier: reach (any two-way contact) against prospects burned "
    "(opted out), with 95% intervals.",
    "cost_per_meeting": "The rep's minutes per meeting booked (95% intervals), with money "
    "spent per meeting.",
    "outcome_mix": "How each strategy leaves its prospects at the end of the horizon.",
    "week_in_the_life": "A week in the life of one prospect (discrete-event trace): working "
    "hours, meetings, interruptions, the inbox flood and where the rep's touches landed.",
}


CSS = """
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
       color: #222; max-width: 1180px; margin: 2rem auto; padding: 0 1.2rem; line-height: 1.45;
       overflow-wrap: break-word; }
h1 { font-size: 1.9rem; margin-bottom: .2rem; }
h2 { font-size: 1.35rem; margin-top: 2.4rem; border-bottom: 2px solid #0072B2;
     padding-bottom: .2rem; }
.sub { color: #555; margin-top: 0; }
.finding { font-size: 1.25rem; background: #EAF2FA; border-left: 6px solid #0072B2;
           padding: .9rem 1.2rem; }
.finding p { margin: .3rem 0; }
.wide { overflow-x: auto; max-width: 100%; border: 1px solid #eee; }
table { border-collapse: collapse; font-size: .9rem; width: 100%; }
th, td { padding: .3rem .5rem; border-bottom: 1px solid #ddd; text-align: right;
         vertical-align: top; }
td { white-space: nowrap; }
thead th { border-bottom: 2px solid #444; vertical-align: bottom; font-weight: 600;
           min-width: 5.5em; }
th[scope=row], thead th:first-child { text-align: left; white-space: nowrap; position: sticky;
                                      left: 0; background: #fff; }
td small, th small { color: #555; font-weight: normal; }
tr.best, tr.best th[scope=row] { background: #D6E8F5; }
tr.tie, tr.tie th[scope=row] { background: #EEF5FB; }
small { color: #555; }
.note { color: #555; font-size: .9rem; }
details { margin: .6rem 0; }
summary { cursor: pointer; font-weight: 600; }
figure { margin: 1.6rem 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { color: #444; font-size: .95rem; margin-top: .3rem; }
pre { background: #f6f6f6; padding: .8rem; overflow-x: auto; font-size: .85rem; }
dl { display: grid; grid-template-columns: minmax(0, max-content) minmax(0, 1fr);
     gap: .2rem 1rem; }
dt { font-weight: 600; } dd { margin: 0; font-family: ui-monospace, monospace;
                              overflow-wrap: anywhere; }
@media (max-width: 600px) {
  body { margin: 1rem auto; padding: 0 .7rem; }
  h1 { font-size: 1.4rem; }
  .finding { font-size: 1.05rem; padding: .6rem .8rem; }
  dl { grid-template-columns: minmax(0, 1fr); }
  dd { margin-bottom: .4rem; }
}
"""


def _figure(path: Path) -> str:
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    caption = CAPTIONS.get(path.stem, path.stem.replace("_", " "))
    alt = html.escape(caption, quote=True)
    return (
        f'<figure id="{html.escape(path.stem)}"><img src="data:image/png;base64,{data}" '
        f'alt="{alt}"><figcaption>{html.escape(caption)}</figcaption></figure>'
    )


def _script_json(data: dict[str, object]) -> str:
    """JSON safe inside a ``<script>`` element (no ``<``, so no ``</script>``)."""
    return json.dumps(data).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _manifest_value(value: object) -> str:
    if value is None:
        return "–"
    if isinstance(value, dict):
        return ", ".join(f"{k} {_manifest_value(v)}" for k, v in value.items())
    return str(value)


def _manifest_html(info: dict[str, object]) -> str:
    rows = "".join(
        f"<dt>{html.escape(k)}</dt><dd>{html.escape(_manifest_value(v))}</dd>"
        for k, v in info.items()
    )
    return f"<dl>{rows}</dl>"


def report_html(
    result: RunResult,
    summary: pd.DataFrame,
    charts: Sequence[Path],
    comparisons: pd.DataFrame | None = None,
    info: dict[str, object] | None = None,
    funnel: pd.DataFrame | None = None,
    assumptions: RankingCheck | None = None,
) -> str:
    """The whole page as a string (see ``write_report``)."""

    versus = compare_to_best(result, summary, comparisons)
    finding = "".join(f"<p>{html.escape(s)}</p>" for s in finding_sentences(summary, versus))
    info = manifest(result) if info is None else info
    name = html.escape(result.scenario.name)
    description = html.escape(" ".join(result.scenario.description.split()))
    figures = "\n".join(_figure(p) for p in charts) or "<p>No charts were drawn.</p>"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Follow-up strategies: {name}</title>
<style>{CSS}</style>
</head>
<body>
<h1>Which follow-up strategy? Scenario “{name}”</h1>
<p class="sub">{description}</p>
<p class="sub">{len(result.strategies)} strategies on the same {result.n_prospects:,} prospects
(engine {html.escape(result.engine)}, seed {result.seed}).</p>
<h2>Finding</h2>
<div class="finding">{finding}</div>
{dependence_html(assumptions)}<h2>All strategies</h2>
{table_html(summary, versus)}
<h2>Charts</h2>
{figures}
<h2>The funnel, touch by touch</h2>
{funnel_html(funnel, ranked(summary))}
<h2>Scenario parameters</h2>
<pre>{html.escape(scenario_to_yaml(result.scenario))}</pre>
<h2>Manifest</h2>
{_manifest_html(info)}
<script type="application/json" id="manifest">{_script_json(info)}</script>
</body>
</html>
"""


def chart_files(out_dir: Path) -> list[Path]:
    """The chart PNGs present in ``out_dir/charts``, in the report's order."""
    folder = out_dir / "charts"
    return [folder / f"{n}.png" for n in CHART_NAMES if (folder / f"{n}.png").is_file()]


def write_report(
    result: RunResult,
    summary: pd.DataFrame,
    out_dir: Path | str,
    comparisons: pd.DataFrame | None = None,
    *,
    charts: Sequence[Path] | None = None,
    info: dict[str, object] | None = None,
    funnel: pd.DataFrame | None = None,
    assumptions: RankingCheck | None = None,
) -> Path:
    """Write ``out_dir/report.html``: one self-contained page (charts as base64 data URIs,
    inline CSS, no external resources). ``charts``: the PNGs to embed (default: those in
    ``out_dir/charts``); ``info``: the
    manifest to show (default ``manifest(result)``); ``funnel``: ``funnel.csv``'s table;
    ``assumptions``: whether the ranking depends on the assumptions of
    ``sim.report.assumptions`` (default: the check saved in ``out_dir/assumptions``, if any).
    Written to a temporary file and renamed into place."""
    out = Path(out_dir)
    if charts is None:
        charts = chart_files(out)
    if assumptions is None:
        assumptions = load_check(out / FOLDER)
    page = report_html(result, summary, charts, comparisons, info, funnel, assumptions)
    return write_text_atomic(out / "report.html", page)


# -- does the ranking depend on need creation? -------------------------------------------------


def dependence_html(check: RankingCheck | None) -> str:
    """The section on the assumptions the ranking may depend on: a sentence per assumption,
    the leading strategies' meetings in each setting, and how the check was made ('' without
    a check)."""
    if check is None:
        return ""
    lines = "".join(f"<p>{html.escape(s)}</p>" for s in check.sentences())
    settings = check.settings[1:]
    head = "".join(f"<th>{_setting_heading(check, s)}</th>" for s in settings)
    rows = []
    for name in check.strategies:
        cells = []
        for s in settings:
            mean, low, high = s.rates.get(name, (math.nan, math.nan, math.nan))
            top = s.ranking(check.strategies)[0] == name
            text = _cell((mean, low, high), None)
            cells.append(f"<td>{'<b>' + text + '</b>' if top else text}</td>")
        rows.append(f'<tr><th scope="row">{html.escape(name)}</th>{"".join(cells)}</tr>')
    note = (
        f"{check.method()} Meetings per 100 prospects [95% CI], the most in each column in "
        "bold. The re-runs share their prospects with each other (not with the table below), "
        "so the columns differ by the assumption alone: a strategy it cannot affect books "
        f"exactly the same in each. The sweep's files are in {FOLDER}/."
    )
    return (
        "<h2>Does the ranking depend on need creation?</h2>\n"
        f'<div class="finding">{lines}</div>\n'
        f'<div class="wide"><table class="assumptions"><thead><tr><th>strategy</th>{head}'
        f"</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
        f'<p class="note">{html.escape(note)}</p>\n'
    )


def _setting_heading(check: RankingCheck, s: Setting) -> str:
    value = "" if s.value is None else f"{s.value:g}"
    mark = " (this run's)" if value and check.values.get(str(s.assumption)) == s.value else ""
    return f"{html.escape(str(s.assumption))} {value} <small>{s.end} end{mark}</small>"


# -- the table ---------------------------------------------------------------------------------


REPORT_HEADINGS = {
    "meeting_rate": "meetings <small>per 100 prospects</small>",
    "inbound_share": "inbound <small>% of meetings: called in, not booked by the cadence</small>",
    "reach_rate": "reach <small>% of prospects</small>",
    "no_rate": "explicit no <small>% of prospects</small>",
    "opt_out_rate": "opt-out <small>% of prospects</small>",
    "touches_per_prospect": "touches <small>per prospect</small>",
    "rep_minutes_per_meeting": "rep minutes <small>per meeting</small>",
    "cost_per_meeting": "cost <small>per meeting</small>",
    "meetings_per_rep_week": "meetings <small>per rep week</small>",
}
"""The report's heading of each column of ``TABLE_COLUMNS``, with its unit."""


def _cell(values: tuple[float, float, float], digits: int | None) -> str:
    est, low, high = values
    if math.isnan(est):
        return "–"
    if digits is not None and digits >= 0:
        return f"{est:,.{digits}f}"
    ci = "" if math.isnan(low) else f"<br><small>[{100 * low:.1f}, {100 * high:.1f}]</small>"
    return f"{100 * est:.1f}{ci}"


def table_html(summary: pd.DataFrame, versus: list[VersusBest] | None) -> str:
    """The summary as an HTML table (the columns of ``format_table``, best first, each
    heading with its unit), plus the paired difference from the best. It scrolls inside its
    box on a narrow screen, the strategy column staying in view."""
    by_name = {v.strategy: v for v in versus or []}
    present = set(summary["metric"].astype(str))
    metrics = [c for c in TABLE_COLUMNS if c[1] in present]
    tables = {metric: metric_table(summary, metric) for _, metric, _ in metrics}
    headings = [
        "strategy",
        REPORT_HEADINGS[metrics[0][1]],
        "vs best <small>meetings per 100, paired</small>",
        *(REPORT_HEADINGS.get(m, html.escape(h)) for h, m, _ in metrics[1:]),
    ]
    head = "".join(f"<th>{h}</th>" for h in headings)
    rows = []
    for i, name in enumerate(ranked(summary)):
        cells = []
        for _, metric, digits in metrics:
            cells.append(f"<td>{_cell(interval_of(tables[metric], name), digits)}</td>")
        versus_cell, cls = _versus_cell(by_name.get(name), best=i == 0)
        rows.append(
            f'<tr class="{cls}"><th scope="row">{html.escape(name)}</th>'
            f"{cells[0]}<td>{versus_cell}</td>{''.join(cells[1:])}</tr>"
        )
    n = int(summary["n_prospects"].max()) if len(summary) else 0
    note = (
        f"{n:,} prospects per strategy; [95% CI]; rates in percent of prospects; touches per "
        "prospect; rep minutes and cost per meeting booked. “vs best”: paired difference in "
        "meetings per 100 prospects with its 95% CI and the Benjamini-Hochberg adjusted "
        "p-value; ≈ marks strategies indistinguishable from the best."
    )
    return (
        f'<div class="wide"><table class="summary"><thead><tr>{head}</tr></thead>'
        f'<tbody>{"".join(rows)}</tbody></table></div><p class="note">{html.escape(note)}</p>'
    )


def _versus_cell(v: VersusBest | None, *, best: bool) -> tuple[str, str]:
    """The "vs best" cell and the row's CSS class."""
    if best:
        return "best", "best"
    if v is None:
        return "–", ""
    p = "–" if math.isnan(v.p_adjusted) else f"{v.p_adjusted:.2g}"
    mark = "≈ " if v.indistinguishable else ""
    text = (
        f"{mark}{100 * v.diff:+.1f}<br><small>[{100 * v.ci_low:+.1f}, {100 * v.ci_high:+.1f}]"
        f"; p={p}</small>"
    )
    return text, "tie" if v.indistinguishable else ""


__all__ = ["chart_files", "dependence_html", "report_html", "table_html", "write_report"]
