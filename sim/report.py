"""The run's report: one self-contained ``report.html`` a trainer can open anywhere.

The finding comes first (the best strategy, its meeting rate with its interval, and which
strategies cannot be told apart from it by paired differences on the same prospects with a
false-discovery correction), then the table, the charts (embedded as base64 PNG data URIs),
the scenario's parameters and a manifest of how the run was made. Nothing is fetched from
elsewhere: the CSS is inline and there are no links to external resources.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import html
import json
import math
import platform
import re
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.random import SeedSequence

from .aggregate import StrategyStats
from .atomic import write_text_atomic
from .charts import CHART_NAMES, render_all
from .outcomes import PROSPECT_COLUMNS, TOUCH_COLUMNS
from .run import RunResult
from .scenario import Scenario
from .summary import (
    TABLE_COLUMNS,
    best_strategy,
    metric_table,
    paired_difference,
    ranked,
    strategies_in_order,
)
from .tables import fdr_adjust

ALPHA = 0.05
"""Adjusted p-values at or above this: a strategy is indistinguishable from the best."""

CAPTIONS = {
    "ranking": "Meetings booked per 100 prospects, best first, with 95% confidence intervals.",
    "reached_by_attempt": "The “fifth call” curve: the share of prospects whose first two-way "
    "contact had come by the N-th attempt.",
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


# -- the finding -------------------------------------------------------------------------------


@dataclass(frozen=True)
class VersusBest:
    """A strategy against the best on meetings per prospect: ``diff`` = this minus the best,
    paired on the same prospects, with its interval and raw and adjusted p-values."""

    strategy: str
    diff: float
    ci_low: float
    ci_high: float
    p_value: float
    p_adjusted: float

    @property
    def indistinguishable(self) -> bool:
        """Not significantly different from the best after the false-discovery correction."""
        return math.isnan(self.p_adjusted) or self.p_adjusted >= ALPHA


def compare_to_best(
    result: RunResult, summary: pd.DataFrame, comparisons: pd.DataFrame | None = None
) -> list[VersusBest] | None:
    """Every other strategy against the best on the ``meeting`` column: from ``comparisons``
    (``strategy_a, strategy_b, metric, diff, ci_low, ci_high, p_value[, p_adjusted]``) when
    given, else paired differences computed from the outcome table, with Benjamini-Hochberg
    adjusted p-values (``scipy.stats.false_discovery_control``). None when neither is
    available (a streamed run keeps no outcome table)."""
    best = best_strategy(summary)
    others = [s for s in ranked(summary) if s != best]
    if comparisons is not None and len(comparisons):
        found = _from_comparisons(comparisons, best, others)
        if found is not None:
            return found
    if result.streamed or result.prospects.empty:
        return None
    pairs = [paired_difference(result.prospects, s, best, "meeting") for s in others]
    raw = [
        VersusBest(s, d.diff, d.ci_low, d.ci_high, d.p_value, math.nan)
        for s, d in zip(others, pairs, strict=True)
    ]
    return _adjusted(raw)


def _adjusted(rows: list[VersusBest]) -> list[VersusBest]:
    """The rows with Benjamini-Hochberg adjusted p-values (NaN p-values stay NaN)."""
    adjusted = fdr_adjust([r.p_value for r in rows])
    return [
        VersusBest(r.strategy, r.diff, r.ci_low, r.ci_high, r.p_value, float(a))
        for r, a in zip(rows, adjusted, strict=True)
    ]


def _from_comparisons(
    comparisons: pd.DataFrame, best: str, others: list[str]
) -> list[VersusBest] | None:
    """Rows of a comparisons table between the best and each other strategy on meetings,
    oriented as other minus best; None unless every other strategy has one."""
    metric = comparisons["metric"].astype(str)
    rows = comparisons[metric.isin(["meeting_rate", "meeting"]).to_numpy()]
    has_adjusted = "p_adjusted" in rows.columns
    found: list[VersusBest] = []
    for other in others:
        a, b = rows["strategy_a"].astype(str), rows["strategy_b"].astype(str)
        match = rows[((a == other) & (b == best)).to_numpy()]
        sign = 1.0
        if match.empty:
            match, sign = rows[((a == best) & (b == other)).to_numpy()], -1.0
        if match.empty:
            return None
        r = match.iloc[0]
        low, high = sign * float(r["ci_low"]), sign * float(r["ci_high"])
        adjusted = float(r["p_adjusted"]) if has_adjusted else math.nan
        found.append(
            VersusBest(
                other,
                sign * float(r["diff"]),
                min(low, high),
                max(low, high),
                float(r["p_value"]),
                adjusted,
            )
        )
    return found if has_adjusted else _adjusted(found)


def _rate(summary: pd.DataFrame, strategy: str) -> tuple[float, float, float]:
    """Meetings per 100 prospects of a strategy with its interval."""
    mean, low, high = _interval(metric_table(summary, "meeting_rate"), strategy)
    return 100 * mean, 100 * low, 100 * high


def _interval(table: pd.DataFrame, strategy: str) -> tuple[float, float, float]:
    """``(mean, ci_low, ci_high)`` of a strategy in a ``metric_table``; NaN when missing."""
    if strategy not in table.index:
        return math.nan, math.nan, math.nan
    mean, low, high = table.loc[[strategy], ["mean", "ci_low", "ci_high"]].to_numpy(float)[0]
    return float(mean), float(low), float(high)


def finding_sentences(summary: pd.DataFrame, versus: list[VersusBest] | None) -> list[str]:
    """The finding in plain sentences: the best strategy and its meeting rate, then which
    strategies are statistically indistinguishable from it."""
    best = best_strategy(summary)
    mean, low, high = _rate(summary, best)
    n = int(summary["n_prospects"].max())
    first = (
        f"{best} books the most meetings: {mean:.1f} per 100 prospects "
        f"(95% CI {low:.1f} to {high:.1f}; {n:,} prospects per strategy)."
    )
    if versus is None:
        return [
            first,
            "Paired comparisons need the per-prospect outcomes, which a streamed "
            "run does not keep: rerun without --stream to test the differences.",
        ]
    if not versus:
        return [first]
    method = "paired differences in meetings on the same prospects, Benjamini-Hochberg adjusted p"
    same = [v for v in versus if v.indistinguishable]
    if not same:
        return [
            first,
            f"Every other strategy books significantly fewer meetings ({method} < {ALPHA:g}).",
        ]
    names = ", ".join(v.strategy for v in same)
    rest = len(versus) - len(same)
    tail = ""
    if rest:
        tail = " The other one books" if rest == 1 else f" The other {rest} book"
        tail += " significantly fewer."
    return [
        first,
        f"Statistically indistinguishable from {best} ({method} ≥ {ALPHA:g}): {names}.{tail}",
    ]


# -- the table ---------------------------------------------------------------------------------


def _cell(values: tuple[float, float, float], digits: int | None) -> str:
    est, low, high = values
    if math.isnan(est):
        return "–"
    if digits is not None:
        return f"{est:,.{digits}f}"
    ci = "" if math.isnan(low) else f" <small>[{100 * low:.1f}, {100 * high:.1f}]</small>"
    return f"{100 * est:.1f}{ci}"


def table_html(summary: pd.DataFrame, versus: list[VersusBest] | None) -> str:
    """The summary as an HTML table (the columns of ``format_table``, best first), plus the
    rep minutes per meeting and the paired difference from the best."""
    by_name = {v.strategy: v for v in versus or []}
    metrics = [*TABLE_COLUMNS, ("rep min / meeting", "rep_minutes_per_meeting", 0)]
    tables = {metric: metric_table(summary, metric) for _, metric, _ in metrics}
    headings = ["strategy", metrics[0][0], "vs best (per 100)", *(h for h, _, _ in metrics[1:])]
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headings)
    rows = []
    for i, name in enumerate(ranked(summary)):
        cells = []
        for _, metric, digits in metrics:
            cells.append(f"<td>{_cell(_interval(tables[metric], name), digits)}</td>")
        versus_cell, cls = _versus_cell(by_name.get(name), best=i == 0)
        rows.append(
            f'<tr class="{cls}"><th scope="row">{html.escape(name)}</th>'
            f"{cells[0]}<td>{versus_cell}</td>{''.join(cells[1:])}</tr>"
        )
    n = int(summary["n_prospects"].max()) if len(summary) else 0
    note = (
        f"{n:,} prospects per strategy; [95% CI]; rates in percent; touches, rep minutes and "
        "cost per prospect. “vs best”: paired difference in meetings per 100 prospects with "
        "its 95% CI and the Benjamini-Hochberg adjusted p-value; ≈ marks strategies "
        "indistinguishable from the best."
    )
    return (
        f'<div class="wide"><table><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody>'
        f'</table></div><p class="note">{html.escape(note)}</p>'
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
        f"{mark}{100 * v.diff:+.1f} <small>[{100 * v.ci_low:+.1f}, {100 * v.ci_high:+.1f}]"
        f"; p={p}</small>"
    )
    return text, "tie" if v.indistinguishable else ""


# -- the manifest ------------------------------------------------------------------------------


def git_commit(where: Path | None = None) -> str | None:
    """The commit of the source tree this package runs from, with ``+dirty`` when it has
    uncommitted changes; None outside a git checkout of this project or without git."""
    folder = (where or Path(__file__).resolve().parent).resolve()
    try:
        top = _git(folder, "rev-parse", "--show-toplevel")
        if top is None or Path(top).resolve() != folder.parent:
            return None
        commit = _git(folder, "rev-parse", "HEAD")
        dirty = _git(folder, "status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.SubprocessError):
        return None
    if commit is None:
        return None
    return commit + ("+dirty" if dirty else "")


def _git(folder: Path, *args: str) -> str | None:
    done = subprocess.run(
        ["git", "-C", str(folder), *args], capture_output=True, text=True, timeout=10, check=False
    )
    return done.stdout.strip() if done.returncode == 0 else None


def scenario_hash(scenario: Scenario) -> str:
    """SHA-256 (hex) of the scenario's canonical JSON dump: every parameter, keys sorted, no
    whitespace, UTF-8. Two runs with the same hash ran the same market."""
    data = scenario.model_dump(mode="json")
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def manifest(result: RunResult, **extra: object) -> dict[str, object]:
    """How the run was made: package version and git commit, Python, NumPy and other
    versions, platform, seed and seed entropy (the entropy of the root
    ``numpy.random.SeedSequence`` every random stream is spawned from, ``sim.streams``),
    scenario name and hash (``scenario_hash``), engine, sizes (prospects per strategy,
    strategies, horizon in business days, chunk and workers of the vector engine) and the
    simulation's wall time; ``extra`` entries are appended."""
    import matplotlib
    import scipy

    from . import __version__

    wall = float(result.wall_time)
    entropy = SeedSequence(result.seed).entropy
    info: dict[str, object] = {
        "package": "followup-sim",
        "version": __version__,
        "git_commit": git_commit(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "scipy": scipy.__version__,
        "matplotlib": matplotlib.__version__,
        "platform": platform.platform(),
        "scenario": result.scenario.name,
        "scenario_hash": scenario_hash(result.scenario),
        "seed": result.seed,
        "seed_entropy": int(entropy) if isinstance(entropy, int | np.integer) else str(entropy),
        "engine": result.engine,
        "prospects_per_strategy": result.n_prospects,
        "strategies": len(result.strategies),
        "sizes": {
            "prospects": result.n_prospects,
            "strategies": len(result.strategies),
            "horizon": result.scenario.horizon,
            "chunk": result.chunk,
            "workers": result.workers,
        },
        "streamed": result.streamed,
        "wall_time_s": round(wall, 3) if math.isfinite(wall) else None,
        "report_created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    info.update(extra)
    return info


# -- the page ----------------------------------------------------------------------------------

CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
       color: #222; max-width: 1180px; margin: 2rem auto; padding: 0 1.2rem; line-height: 1.45; }
h1 { font-size: 1.9rem; margin-bottom: .2rem; }
h2 { font-size: 1.35rem; margin-top: 2.4rem; border-bottom: 2px solid #0072B2;
     padding-bottom: .2rem; }
.sub { color: #555; margin-top: 0; }
.finding { font-size: 1.25rem; background: #EAF2FA; border-left: 6px solid #0072B2;
           padding: .9rem 1.2rem; }
.finding p { margin: .3rem 0; }
.wide { overflow-x: auto; }
table { border-collapse: collapse; font-size: .95rem; margin: .6rem 0; }
th, td { padding: .35rem .6rem; border-bottom: 1px solid #ddd; text-align: right;
         white-space: nowrap; }
th[scope=row], thead th:first-child { text-align: left; }
thead th { border-bottom: 2px solid #444; }
tr.best { background: #D6E8F5; font-weight: 600; }
tr.tie { background: #EEF5FB; }
small { color: #555; }
.note { color: #555; font-size: .9rem; }
figure { margin: 1.6rem 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { color: #444; font-size: .95rem; margin-top: .3rem; }
pre { background: #f6f6f6; padding: .8rem; overflow-x: auto; font-size: .85rem; }
dl { display: grid; grid-template-columns: max-content auto; gap: .2rem 1rem; }
dt { font-weight: 600; } dd { margin: 0; font-family: ui-monospace, monospace; }
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
) -> str:
    """The whole page as a string (see ``write_report``)."""
    from .loader import scenario_to_yaml

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
<h2>All strategies</h2>
{table_html(summary, versus)}
<h2>Charts</h2>
{figures}
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
) -> Path:
    """Write ``out_dir/report.html``: one self-contained page (charts as base64 data URIs,
    inline CSS, no external resources). ``charts``: the PNGs to embed (default: those in
    ``out_dir/charts``, drawn with ``render_all`` first when there are none); ``info``: the
    manifest to show (default ``manifest(result)``). Written to a temporary file and renamed
    into place."""
    out = Path(out_dir)
    if charts is None:
        charts = chart_files(out) or render_all(result, summary, out)
    page = report_html(result, summary, charts, comparisons, info)
    return write_text_atomic(out / "report.html", page)


# -- reading a saved run -----------------------------------------------------------------------


def load_saved_run(folder: Path | str, seed: int | None = None) -> tuple[RunResult, pd.DataFrame]:
    """A run's results as ``followup run`` saved them in ``folder``: ``scenario.yaml``,
    ``summary.csv`` and, unless the run was streamed, ``prospects.parquet`` and
    ``touches.parquet``; the manifest (``manifest.json``, else the one in ``report.html``) gives
    the engine, seed and wall time when present (``seed`` overrides). Raises
    ``FileNotFoundError`` naming a missing file."""
    from .loader import load_scenario

    root = Path(folder)
    for required in ("scenario.yaml", "summary.csv"):
        if not (root / required).is_file():
            raise FileNotFoundError(f"{root / required}: not found (is {root} a run's folder?)")
    scenario = load_scenario(root / "scenario.yaml")
    summary = pd.read_csv(root / "summary.csv")
    info = read_manifest(root)
    prospects_file, touches_file = root / "prospects.parquet", root / "touches.parquet"
    streamed = not prospects_file.is_file()
    prospects = (
        pd.DataFrame(columns=PROSPECT_COLUMNS) if streamed else pd.read_parquet(prospects_file)
    )
    touches = (
        pd.read_parquet(touches_file)
        if touches_file.is_file()
        else pd.DataFrame(columns=TOUCH_COLUMNS)
    )
    n = int(summary["n_prospects"].max()) if len(summary) else 0
    stats = _first_contact_stats(root / "by_attempt.csv", summary) if streamed else {}
    result = RunResult(
        scenario=scenario,
        engine=str(info.get("engine", "unknown")),
        seed=int(seed if seed is not None else _int(info.get("seed"), 0)),
        n_prospects=_int(info.get("prospects_per_strategy"), n),
        strategies=strategies_in_order(summary),
        prospects=prospects,
        touches=touches,
        wall_time=_float(info.get("wall_time_s")),
        streamed=streamed,
        stats=stats,
    )
    return result, summary


def _first_contact_stats(path: Path, summary: pd.DataFrame) -> dict[str, StrategyStats]:
    """What a streamed run's charts need of its statistics, read back from ``by_attempt.csv``:
    per strategy, the prospect count and the histograms of the attempt of first contact
    (the other fields stay empty). Empty when the file is missing."""
    if not path.is_file():
        return {}
    table = pd.read_csv(path)
    n = summary.groupby(summary["strategy"].astype(str), sort=False)["n_prospects"].max()
    out = {}
    for name in strategies_in_order(summary):
        rows = table[table["strategy"].astype(str) == name]
        size = int(rows["attempt"].max()) + 1 if len(rows) else 0
        contact = np.zeros(size, dtype=np.int64)
        met = np.zeros(size, dtype=np.int64)
        contact[rows["attempt"].to_numpy(int)] = rows["first_contact"].to_numpy(int)
        met[rows["attempt"].to_numpy(int)] = rows["first_contact_meeting"].to_numpy(int)
        out[name] = StrategyStats(n=int(n[name]), first_contact=contact, first_contact_meeting=met)
    return out


def read_manifest(folder: Path) -> dict[str, object]:
    """The run's manifest: ``manifest.json``, else the one embedded in ``report.html``; empty
    when neither can be read."""
    text: str | None = None
    try:
        if (folder / "manifest.json").is_file():
            text = (folder / "manifest.json").read_text(encoding="utf-8")
        elif (folder / "report.html").is_file():
            page = (folder / "report.html").read_text(encoding="utf-8")
            found = _MANIFEST_SCRIPT.search(page)
            text = found.group(1) if found else None
        data = json.loads(text) if text else {}
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


_MANIFEST_SCRIPT = re.compile(r'<script type="application/json" id="manifest">(.*?)</script>', re.S)


def _int(value: object, default: int) -> int:
    return int(value) if isinstance(value, int | float) and math.isfinite(value) else default


def _float(value: object) -> float:
    return float(value) if isinstance(value, int | float) else math.nan


__all__ = [
    "VersusBest",
    "compare_to_best",
    "finding_sentences",
    "git_commit",
    "load_saved_run",
    "manifest",
    "read_manifest",
    "report_html",
    "scenario_hash",
    "write_report",
]
