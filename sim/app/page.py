"""The explorer's web page (Panel): strategies to tick, eight sliders, the ranking with its
intervals and three charts that follow every change.

Panel was chosen over Streamlit because it serves a page from a Python function in the same
process (``panel.serve``), so the command validates its options and binds the address like
any other, the page reuses the run's Matplotlib charts as they are, and each control calls
back only what changed instead of re-running a whole script. A slider runs again once it has
rested for ``SETTLE_MS`` (dragged with the mouse or moved with the keys), so dragging does
not queue a run per pixel.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd
import panel as pn
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from sim.app.knobs import Explored, apply, explore_run, usable_knobs
from sim.io.errors import ScenarioError
from sim.model.scenario import Scenario
from sim.results.summary import metric_table, ranked
from sim.viz.curves import reached_by_attempt
from sim.viz.frontier import pest_frontier
from sim.viz.ranking import ranking
from sim.viz.style import house_style

CHART_DPI = 80
SETTLE_MS = 350
"""A slider's value must stay this long before the page runs again."""
CSS = """
.followup-ranking table { border-collapse: collapse; font-size: 15px; }
.followup-ranking th, .followup-ranking td { padding: 3px 8px; text-align: right;
  border-bottom: 1px solid #ddd; white-space: nowrap; }
.followup-ranking th:first-child, .followup-ranking td:first-child { text-align: left; }
.followup-ranking small { color: #555; }
"""


def ranking_html(summary: pd.DataFrame) -> str:
    """The ranking as a small HTML table: meetings per 100 prospects, reach and opt-outs,
    each with its 95% interval, most meetings first."""
    columns = (
        ("meetings per 100 prospects", "meeting_rate"),
        ("reach %", "reach_rate"),
        ("opted out %", "opt_out_rate"),
    )
    tables = {m: metric_table(summary, m) for _, m in columns}
    head = "".join(f"<th>{h}</th>" for h in ("strategy", *(c for c, _ in columns)))
    rows = []
    for name in ranked(summary):
        cells = []
        for _, metric in columns:
            mean, low, high = (
                tables[metric].loc[[name], ["mean", "ci_low", "ci_high"]].to_numpy(float)[0]
            )
            if math.isnan(mean):
                cells.append("<td>–</td>")
                continue
            cells.append(
                f"<td>{100 * float(mean):.1f} <small>[{100 * float(low):.1f}, "
                f"{100 * float(high):.1f}]</small></td>"
            )
        rows.append(f"<tr><td>{html.escape(name)}</td>{''.join(cells)}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _figures(explored: Explored) -> list[Figure]:
    """The ranking, the fifth-call curve and the pest frontier of a run."""
    result, summary = explored.result, explored.summary
    figures = []
    plan: list[tuple[tuple[float, float], Callable[[Axes], Axes]]] = [
        ((9.5, max(3.2, 0.5 * len(result.strategies) + 2.0)), lambda ax: ranking(summary, ax)),
        ((9.5, 5.0), lambda ax: reached_by_attempt(result.prospects, ax=ax)),
        ((9.5, 6.0), lambda ax: pest_frontier(summary, ax)),
    ]
    with house_style():
        for size, draw in plan:
            fig = Figure(figsize=size, layout="constrained", dpi=CHART_DPI)
            draw(fig.add_subplot())
            figures.append(fig)
    return figures


def build_page(
    scenario: Scenario, known: Sequence[str], chosen: Sequence[str], prospects: int, seed: int
) -> pn.viewable.Viewable:
    """The page for one browser session: controls on the left, results on the right."""
    pn.extension(raw_css=[CSS])
    knobs = usable_knobs(scenario)
    sliders = {
        k.name: pn.widgets.FloatSlider(
            name=k.label,
            start=k.low,
            end=k.high,
            step=k.step,
            value=float(min(max(k.read(scenario) or k.low, k.low), k.high)),
            css_classes=[f"knob-{k.name}"],
            width=300,
        )
        for k in knobs
    }
    picks = pn.widgets.CheckBoxGroup(
        name="strategies", options=list(known), value=list(chosen), css_classes=["strategies"]
    )
    status = pn.pane.Markdown("", css_classes=["followup-status"], width=700)
    table = pn.pane.HTML("", css_classes=["followup-ranking"], width=700)
    panes = [
        pn.pane.Matplotlib(None, dpi=CHART_DPI, tight=False, width=760, css_classes=[f"chart-{n}"])
        for n in ("ranking", "reached", "frontier")
    ]

    def update(*_: Any) -> None:
        names = [n for n in known if n in picks.value]
        if not names:
            status.object = "**Tick at least one strategy.**"
            return
        values = {n: s.value for n, s in sliders.items()}
        try:
            changed = apply(scenario, values)
        except ScenarioError as exc:
            status.object = "**These values do not make a valid scenario:** " + "; ".join(
                exc.lines()
            )
            return
        status.object = f"running {len(names)} strategies on {prospects:,} prospects ..."
        explored = explore_run(changed, names, prospects, seed)
        table.object = ranking_html(explored.summary)
        for pane, fig in zip(panes, _figures(explored), strict=True):
            pane.object = fig
        status.object = (
            f"{len(names)} strategies on the same {prospects:,} prospects, seed {seed}: "
            f"{explored.seconds:.1f} s (95% intervals in brackets)"
        )

    moves = [0]

    def settle(*_: Any) -> None:
        """Run once the sliders have rested for ``SETTLE_MS``."""
        moves[0] += 1
        mine = moves[0]
        doc = pn.state.curdoc
        if doc is None:
            update()
            return
        doc.add_timeout_callback(lambda: update() if moves[0] == mine else None, SETTLE_MS)

    for slider in sliders.values():
        slider.param.watch(settle, "value")
    picks.param.watch(update, "value")
    update()
    controls = pn.Column(
        pn.pane.Markdown(f"### Scenario “{html.escape(scenario.name)}”"),
        pn.pane.Markdown("**Strategies**"),
        picks,
        pn.pane.Markdown("**The market**"),
        *sliders.values(),
        width=340,
    )
    results = pn.Column(
        pn.pane.Markdown("## Which follow-up strategy?"), status, table, *panes, width=800
    )
    return pn.Row(controls, results)


def serve(
    scenario: Scenario,
    known: Sequence[str],
    chosen: Sequence[str],
    *,
    prospects: int,
    seed: int,
    host: str,
    port: int,
    show: bool,
) -> None:
    """Serve the page at http://HOST:PORT/ until interrupted (each browser session gets its
    own page; runs are shared through the cache)."""
    pn.serve(
        lambda: build_page(scenario, known, chosen, prospects, seed),
        address=host,
        port=port,
        show=show,
        title=f"followup-sim explorer: {scenario.name}",
        websocket_origin=[f"{host}:{port}", f"localhost:{port}"],
        threaded=False,
    )


__all__ = ["build_page", "ranking_html", "serve"]
