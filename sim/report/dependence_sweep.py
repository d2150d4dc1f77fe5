"""Re-running a run's leading strategies with each assumption at the ends of its range.

``check_assumptions(result, folder)`` builds a sweep in memory (``sim.sweep``): the run's
scenario as its base, a ``list`` design whose cells move one assumption of
``sim.report.assumptions`` at a time to the low and to the high end of its documented range,
the others as run; the leading strategies; the run's prospects (at most ``MAX_PROSPECTS``) and
seed. ``run_sweep`` runs it into ``folder`` (``<out>/assumptions/`` for ``followup run``), so
the cells share one seed (common random numbers), the numbers do not depend on the number of
workers, every finished cell is written atomically, and ``folder`` holds ``sweep.yaml`` and
``scenario.yaml`` to run it again with ``followup sweep``. ``check.json`` (what each cell
stands for, and the run's own numbers), written last, makes the check readable later
(``sim.report.dependence``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from sim.io.atomic import write_text_atomic
from sim.io.loader import scenario_to_yaml
from sim.report.assumptions import ASSUMPTIONS, Assumption, scenario_value
from sim.report.dependence import CHECK_FILE, RankingCheck, check_meta, from_tables, run_setting
from sim.report.findings import VersusBest, compare_to_best
from sim.results.result import RunResult
from sim.results.summary import metric_table, ranked, summarize_stats
from sim.sweep.api import run_sweep
from sim.sweep.spec import spec_from_dict

TOP = 3
"""The leading strategies: the best, every one indistinguishable from it, and the top ``TOP``."""
MOST = 5
"""...but at most this many (the best first), so that the check stays cheap."""
MAX_PROSPECTS = 200_000
"""The re-runs' prospects: the run's, but at most this many. A re-run keeps every prospect's
outcome and touch log in memory (a sweep cannot stream), and this many already measure a
meeting rate to about 0.2 per 100."""
SWEEP_FILE = "sweep.yaml"
SCENARIO_FILE = "scenario.yaml"


def leading_strategies(
    summary: pd.DataFrame, versus: list[VersusBest] | None, top: int = TOP, most: int = MOST
) -> list[str]:
    """The best strategy by meetings, every strategy statistically indistinguishable from it
    (``versus``; None for a streamed run, which has no paired comparisons) and the first
    ``top``, in the run's ranking, at most ``most`` of them."""
    tied = {v.strategy for v in versus or [] if v.indistinguishable}
    order = ranked(summary)
    return [s for i, s in enumerate(order) if i < top or s in tied][:most]


def sweep_data(
    strategies: Sequence[str],
    prospects: int,
    seed: int,
    values: dict[str, float],
    assumptions: Sequence[Assumption],
) -> tuple[dict[str, Any], list[tuple[str, str, float]]]:
    """The sweep file (as a mapping) and each cell's ``(assumption, end, value)``: each
    assumption's low and high end in turn, the others as run. An end equal to the run's value
    is re-run too, so that both ends are compared on the same prospects."""
    cells = [
        (a.name, end, value)
        for a in assumptions
        for end, value in (("low", a.low), ("high", a.high))
    ]
    parameters = [
        {
            "path": a.path,
            "label": a.name,
            "values": [value if name == a.name else values[a.name] for name, _, value in cells],
        }
        for a in assumptions
    ]
    data = {
        "name": "assumptions",
        "description": "The leading strategies of a run with each assumption of "
        "sim.report.assumptions at the ends of its documented range, one at a time.",
        "base": SCENARIO_FILE,
        "parameters": parameters,
        "design": "list",
        "strategies": list(strategies),
        "prospects": prospects,
        "seed": seed,
    }
    return data, cells


def check_assumptions(
    result: RunResult,
    folder: Path | str,
    *,
    workers: int = 1,
    scheduler: str | None = None,
    progress: bool = False,
    assumptions: Sequence[Assumption] = ASSUMPTIONS,
    prospects: int | None = None,
) -> RankingCheck | None:
    """Re-run ``result``'s leading strategies (``leading_strategies``) on ``prospects`` new
    prospects (default: the run's number, at most ``MAX_PROSPECTS``) with each assumption at
    the ends of its range, into ``folder`` (the sweep's seed is ``result.seed``); None when
    the run has a single strategy (there is no ranking to check). The strategies must be the
    library's or the scenario's own (a sweep runs them by name). Raises ``OSError`` when
    ``folder`` cannot be written. ``scheduler``: run the sweep on that Dask cluster."""
    summary = summarize_stats(result.stats)
    versus = compare_to_best(result, summary)
    strategies = leading_strategies(summary, versus)
    if len(strategies) < 2 or not assumptions:
        return None
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    (out / CHECK_FILE).unlink(missing_ok=True)  # a check counts only once it is complete
    values = {a.name: scenario_value(result.scenario, a.path) for a in assumptions}
    n = min(result.n_prospects, MAX_PROSPECTS) if prospects is None else prospects
    data, cells = sweep_data(strategies, n, result.seed, values, assumptions)
    write_text_atomic(out / SCENARIO_FILE, scenario_to_yaml(result.scenario))
    spec_path = write_text_atomic(out / SWEEP_FILE, yaml.safe_dump(data, sort_keys=False))
    spec = spec_from_dict(data, str(spec_path), "assumptions")
    sweep = run_sweep(
        spec, spec_path, out, workers=workers, scheduler=scheduler, overwrite=True,
        progress=progress, charts=False,
    )  # fmt: skip
    run = run_setting(strategies, metric_table(summary, "meeting_rate"), versus)
    meta = check_meta(strategies, n, result.seed, assumptions, values, run, cells)
    write_text_atomic(out / CHECK_FILE, json.dumps(meta, indent=2, allow_nan=False) + "\n")
    return from_tables(meta, sweep.results, sweep.differences, out)


__all__ = [
    "MAX_PROSPECTS",
    "MOST",
    "TOP",
    "check_assumptions",
    "leading_strategies",
    "sweep_data",
]
