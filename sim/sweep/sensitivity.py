"""Sensitivity indices through SALib: which parameters move a metric, for each strategy and for
the difference between two strategies.

**Sobol** (``SALib.analyze.sobol``, on Saltelli's sample from ``SALib.sample.sobol``): ``S1``,
the share of the output's variance due to the parameter alone, and ``ST``, due to it with all
its interactions; ``ST`` near 0 means the parameter does not matter within its range.
**Morris** (``SALib.analyze.morris``): ``mu_star``, the mean absolute elementary effect (how
much the output moves, in its own units, across the parameter's range split into ``levels``),
and ``sigma``, their spread (non-linearity or interactions); cheaper, for many parameters.
Each index comes with a bootstrap confidence interval half-width (``*_conf``, at
``conf_level``), from a seeded bootstrap so that the table is reproducible.

The output analysed is a cell's estimate of the spec's ``metric`` per strategy, and for
``compare: [a, b]`` the difference ``a - b`` of the two estimates in the same cell (paired,
since both strategies meet the same prospects). The simulation's own noise adds variance that
no parameter explains, so compare ``ST`` with its interval, and use enough prospects: with
common random numbers (the default) that noise is much smaller, and a parameter with no effect
gets indices of exactly 0.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from sim.io.errors import Problem, ScenarioError
from sim.sweep.spec import SweepSpec

SOBOL_COLUMNS = ["strategy", "metric", "parameter", "S1", "S1_conf", "ST", "ST_conf"]
MORRIS_COLUMNS = ["strategy", "metric", "parameter", "mu", "mu_star", "mu_star_conf", "sigma"]


def analyze_indices(
    method: str,
    problem: dict[str, Any],
    x: NDArray[np.float64],
    y: NDArray[np.float64],
    *,
    second_order: bool = False,
    levels: int = 4,
    resamples: int = 500,
    conf_level: float = 0.95,
    seed: int = 0,
) -> pd.DataFrame:
    """One output's indices, one row per parameter: ``parameter, S1, S1_conf, ST, ST_conf``
    (Sobol) or ``parameter, mu, mu_star, mu_star_conf, sigma`` (Morris). ``x`` is the sample
    in SALib's space, ``y`` the output at each of its rows."""
    from SALib.analyze import morris, sobol

    y = np.asarray(y, dtype=np.float64)
    names = list(problem["names"])
    if method == "sobol":
        res = sobol.analyze(
            problem, y, calc_second_order=second_order, num_resamples=resamples,
            conf_level=conf_level, seed=seed,
        )  # fmt: skip
        columns = ["S1", "S1_conf", "ST", "ST_conf"]
    elif method == "morris":
        res = morris.analyze(
            problem, np.asarray(x, dtype=np.float64), y, num_resamples=resamples,
            conf_level=conf_level, num_levels=levels, seed=seed,
        )  # fmt: skip
        columns = ["mu", "mu_star", "mu_star_conf", "sigma"]
    else:
        raise ValueError(f"unknown method {method!r}; choose sobol or morris")
    frame = pd.DataFrame({c: np.asarray(res[c], dtype=np.float64) for c in columns})
    frame.insert(0, "parameter", names)
    return frame


def targets(spec: SweepSpec) -> list[str]:
    """What is analysed: each strategy, then ``a - b`` for ``compare``."""
    out = list(spec.strategies)
    if spec.compare is not None:
        out.append(difference_label(*spec.compare))
    return out


def difference_label(a: str, b: str) -> str:
    return f"{a} - {b}"


def outputs(spec: SweepSpec, results: pd.DataFrame, n_cells: int) -> dict[str, NDArray[np.float64]]:
    """The metric of each target at each cell (cells in design order)."""
    rows = results[results["metric"] == spec.metric]
    table = rows.pivot(index="cell", columns="strategy", values="mean")
    table = table.reindex(range(n_cells))
    out = {s: table[s].to_numpy(dtype=np.float64) for s in spec.strategies}
    if spec.compare is not None:
        a, b = spec.compare
        out[difference_label(a, b)] = out[a] - out[b]
    return out


def sensitivity_table(
    spec: SweepSpec,
    problem: dict[str, Any],
    x: NDArray[np.float64],
    results: pd.DataFrame,
    seed: int,
    source: str = "<sweep>",
) -> pd.DataFrame:
    """``sensitivity.csv``: one row per target (strategy or ``a - b``) and parameter."""
    s = spec.sensitivity
    frames = []
    for target, y in outputs(spec, results, len(x)).items():
        bad = int(np.count_nonzero(~np.isfinite(y)))
        if bad:
            raise ScenarioError(
                source,
                [Problem("metric", spec.metric,
                         f"undefined in {bad} of {len(y)} cells for {target} (e.g. a ratio per "
                         "meeting without meetings): choose another metric or more prospects")],
            )  # fmt: skip
        frame = analyze_indices(
            s.method, problem, x, y, second_order=s.second_order, levels=s.levels,
            resamples=s.resamples, conf_level=s.conf_level, seed=seed,
        )  # fmt: skip
        frame.insert(0, "metric", spec.metric)
        frame.insert(0, "strategy", target)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def index_column(method: str) -> tuple[str, str]:
    """The main index and its interval column: ``ST`` (Sobol) or ``mu_star`` (Morris)."""
    return ("ST", "ST_conf") if method == "sobol" else ("mu_star", "mu_star_conf")


def needed_samples(samples: int, half_width: float, target: float, method: str) -> int:
    """The base sample size (Sobol: a power of 2; Morris: trajectories) expected to shrink an
    interval of ``half_width`` at ``samples`` to ``target``: half-widths shrink as
    ``1 / sqrt(samples)``."""
    need = max(samples, math.ceil(samples * (half_width / target) ** 2))
    if method == "sobol":
        need = 2 ** math.ceil(math.log2(need))
    return int(need)


def rank_warning(table: pd.DataFrame, method: str, target: str, samples: int) -> str | None:
    """A warning when the indices of ``target`` cannot rank its parameters: the interval of
    the largest index overlaps the interval of the next, or is wider than the index itself
    (an index of 1.24 ± 1.57 says nothing). It names the base sample size (``samples`` in
    the spec) that would bring the widest of the two intervals down to half the gap between
    them (at least to a tenth of the largest index). None when the ranking stands."""
    rows = table[table["strategy"] == target]
    col, conf = index_column(method)
    rows = rows[rows[col].notna()].sort_values(col, ascending=False, kind="stable")
    if rows.empty:
        return None
    value = rows[col].to_numpy(dtype=float)
    half = np.nan_to_num(rows[conf].to_numpy(dtype=float), nan=np.inf)
    top, top_half = float(value[0]), float(half[0])
    second, second_half = (float(value[1]), float(half[1])) if len(rows) > 1 else (0.0, 0.0)
    overlap = top - top_half <= second + second_half
    wide = top_half >= abs(top)
    if not (overlap or wide):
        return None
    widest = max(top_half, second_half)
    target_half = max((top - second) / 2, abs(top) / 10, 1e-6)
    if not math.isfinite(widest):
        return (
            f"warning: {target}: the {col} intervals are undefined; rerun with more samples "
            "before ranking the parameters."
        )
    need = needed_samples(samples, widest, target_half, method)
    shown = rows["parameter"].astype(str).to_list()
    pair = f"{shown[0]} {top:.2f} ± {top_half:.2f}"
    if len(rows) > 1:
        pair += f" vs {shown[1]} {second:.2f} ± {second_half:.2f}"
    return (
        f"warning: {target}: the {col} intervals are too wide to rank the parameters "
        f"({pair}); about samples: {need} (now {samples}) would be needed."
    )


def finding(table: pd.DataFrame, method: str, target: str, samples: int | None = None) -> str:
    """One sentence: the parameter that matters most for ``target``; when ``samples`` (the
    spec's base sample size) is given and the intervals cannot rank the parameters, the
    sentence says so instead of naming a winner, and the sample size needed."""
    rows = table[table["strategy"] == target]
    col, conf = index_column(method)
    if rows.empty or rows[col].isna().all():
        return f"No sensitivity indices for {target}."
    top = rows.iloc[int(np.nanargmax(rows[col].to_numpy(dtype=float)))]
    value, half = float(top[col]), float(top[conf])
    unit = " of the variance" if method == "sobol" else ""
    width = "" if math.isnan(half) else f" ± {half:.2f}"
    if samples is not None:
        warning = rank_warning(table, method, target, samples)
        if warning is not None:
            return warning
    return f"{target}: {top['parameter']} matters most ({col} {value:.2f}{width}{unit})."


__all__ = [
    "MORRIS_COLUMNS",
    "SOBOL_COLUMNS",
    "analyze_indices",
    "difference_label",
    "finding",
    "index_column",
    "needed_samples",
    "outputs",
    "rank_warning",
    "sensitivity_table",
    "targets",
]
