"""Charts a trainer can put on slides: one colour per strategy everywhere, chart options
that validate themselves, titles that state the chosen comparison and crown no tie, curves
that stay visible, and label leader lines that never cross."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import matplotlib.image
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex
from matplotlib.text import Text

import sim.viz as charts
from sim.io.errors import OptionError
from sim.results.summary import paired_difference, summarize
from sim.run import RunResult, simulate
from sim.strategy.library import library_names
from sim.viz.curves import draw_curves, identical_groups
from sim.viz.frontier import _crosses, pest_frontier
from sim.viz.options import CHART_NAMES, SIZES, ChartOptions
from sim.viz.palette import GREY, PALETTE, strategy_colour, strategy_marker
from tests.conftest import make_scenario

plt.switch_backend("Agg")

PAIR = ["one-and-done", "persistent-until-no"]


@pytest.fixture(autouse=True)
def close_figures() -> Iterator[None]:
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def run() -> RunResult:
    scenario = make_scenario({"calendar": {"horizon_days": 30}})
    return simulate(scenario, [*PAIR, "breakup-after-two"], prospects=4000, seed=3, week=True)


@pytest.fixture(scope="module")
def summary(run: RunResult) -> pd.DataFrame:
    return summarize(run.prospects, run.touches)


# -- the palette -------------------------------------------------------------------------------


def test_every_library_strategy_has_its_own_colour() -> None:
    names = library_names()
    colours = [strategy_colour(n) for n in names]
    assert len(set(colours)) == len(names) <= len(PALETTE)
    assert GREY not in colours
    assert strategy_colour("breakup-after-two") == strategy_colour("breakup-after-two")
    custom = strategy_colour("my-own-cadence")
    assert custom in PALETTE and custom == strategy_colour("my-own-cadence")  # a pure function
    looks = {(strategy_colour(n), strategy_marker(n)) for n in [*names, "a", "b", "c"]}
    assert len(looks) == len(names) + 3 or len(looks) >= len(names)


def test_a_strategy_keeps_its_colour_across_charts_and_runs(
    run: RunResult, summary: pd.DataFrame
) -> None:
    name = "breakup-after-two"
    options = ChartOptions(highlight=(name,))
    ranking = charts.ranking(summary, options=options)
    bars = {t.get_text(): p for t, p in zip(ranking.get_yticklabels(), _bars(ranking), strict=True)}
    assert to_hex(bars[name].get_facecolor()) == strategy_colour(name).lower()
    assert to_hex(bars["one-and-done"].get_facecolor()) != strategy_colour("one-and-done").lower()
    curve = charts.reached_by_attempt(run.prospects, options=options)
    lines = [ln for ln in curve.get_lines() if ln.get_marker() not in ("", "None")]
    assert {to_hex(ln.get_color()) for ln in lines} == {strategy_colour(name).lower()}
    other = simulate(
        make_scenario({"calendar": {"horizon_days": 20}}), [name, "overkill"], prospects=500, seed=9
    )
    again = charts.ranking(summarize(other.prospects), options=options)
    bars = {t.get_text(): p for t, p in zip(again.get_yticklabels(), _bars(again), strict=True)}
    assert to_hex(bars[name].get_facecolor()) == strategy_colour(name).lower()


def _bars(ax: plt.Axes) -> list[object]:
    patches = sorted(ax.patches, key=lambda p: -p.get_y())  # type: ignore[attr-defined]
    return list(patches)


# -- options -----------------------------------------------------------------------------------


def test_options_validate_themselves() -> None:
    with pytest.raises(OptionError, match="did you mean 'ranking'"):
        ChartOptions(charts=("rankng",))
    with pytest.raises(OptionError, match="size"):
        ChartOptions(size="21:9")
    with pytest.raises(OptionError, match="two different"):
        ChartOptions.from_text(compare="a,a")
    options = ChartOptions.from_text(compare="a,b", only="a,b,c", highlight="c")
    assert options.compare == ("a", "b") and options.only == ("a", "b", "c")
    with pytest.raises(OptionError, match="did you mean 'one-and-done'"):
        ChartOptions(highlight=("one-and-dne",)).check(PAIR)
    with pytest.raises(OptionError, match="not among --only"):
        ChartOptions(only=(PAIR[0],), compare=(PAIR[1], PAIR[0])).check(PAIR)
    many = [f"s{i}" for i in range(20)]
    assert ChartOptions().coloured(many) == many[:6]
    assert ChartOptions().coloured(many[:5]) == many[:5]
    assert ChartOptions(compare=("s3", "s9")).coloured(many) == ["s3", "s9"]


def test_render_all_draws_the_chosen_charts_at_slide_size(
    run: RunResult, summary: pd.DataFrame, tmp_path: Path
) -> None:
    options = ChartOptions(charts=("ranking", "pest_frontier"), size="16:9", compare=tuple(PAIR))
    paths = charts.render_all(run, summary, tmp_path, options)
    assert [p.stem for p in paths] == ["ranking", "pest_frontier"]
    for path in paths:
        height, width = matplotlib.image.imread(path).shape[:2]
        assert (width, height) == (2000, 1125)
    assert tuple(w * 150 for w in SIZES["4:3"]) == (1500, 1125)
    all_paths = charts.render_all(run, summary, tmp_path / "all")
    assert [p.stem for p in all_paths] == list(CHART_NAMES)


# -- titles ------------------------------------------------------------------------------------


def test_compare_titles_state_the_paired_result(run: RunResult, summary: pd.DataFrame) -> None:
    a, b = PAIR[1], PAIR[0]
    options = ChartOptions(compare=(a, b))
    title = charts.ranking(summary, options=options, prospects=run.prospects).get_title()
    d = paired_difference(run.prospects, a, b, "meeting")
    assert a in title and b in title
    assert f"{100 * d.ci_low:+.1f} to {100 * d.ci_high:+.1f}" in title.replace("\n", " ")
    if d.ci_low > 0:
        assert "more meetings" in title
    frontier = pest_frontier(summary, options=options, prospects=run.prospects).get_title()
    assert a in frontier and "burns" in frontier
    reach = charts.reached_by_attempt(run.prospects, options=options).get_title()
    assert "attempt 5" in reach and "stops after 1" in reach.replace("\n", " ")


def test_a_tie_is_never_crowned() -> None:
    rows = []
    for name, mean in (("a", 0.070), ("b", 0.069), ("c", 0.040)):
        for metric, value in (("meeting_rate", mean), ("reach_rate", 0.5), ("opt_out_rate", 0.01)):
            rows.append((name, metric, value, value - 0.004, value + 0.004, 4000))
    summary = pd.DataFrame(rows, columns=["strategy", "metric", "mean", "ci_low", "ci_high",
                                          "n_prospects"])  # fmt: skip
    ax = charts.ranking(summary)
    title = ax.get_title().replace("\n", " ")
    assert "top 2 cannot be told apart" in title and "a " not in title.split(";")[0]
    marked = [t.get_text() for t in ax.texts if "≈ top" in t.get_text()]
    assert len(marked) == 1 and marked[0].strip().startswith("6.9")
    tied = charts.ranking(summary, options=ChartOptions(compare=("a", "b"))).get_title()
    assert "cannot be told apart" in tied.replace("\n", " ")


# -- curves and labels -------------------------------------------------------------------------


def test_identical_curves_stay_visible_and_are_named() -> None:
    x, y, z = "persistent-until-no", "five-to-one", "one-and-done"
    curves = pd.DataFrame(
        {x: [0.1, 0.2, 0.3], y: [0.1, 0.2, 0.3], z: [0.1, np.nan, np.nan]},
        index=pd.Index([1, 2, 3], name="attempt"),
    )
    assert identical_groups(curves, [x, y, z]) == [[x, y]]
    _, ax = plt.subplots()
    colours = {s: strategy_colour(s) for s in (x, y, z)}
    draw_curves(ax, curves, 100, step=False, markers=True, colours=colours)
    styles = {ln.get_color(): ln.get_linestyle() for ln in ax.get_lines()}
    assert styles[colours[x]] == "-" and styles[colours[y]] != "-"  # dashed over the first
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert f"{y} (= {x})" in legend
    stopped = next(ln for ln in ax.get_lines() if ln.get_color() == colours[z])
    assert np.isnan(np.asarray(stopped.get_ydata(), float)[1:]).all()  # it stops after one


def test_frontier_leader_lines_never_cross() -> None:
    rng = np.random.default_rng(7)  # a fixed, local stream: crowded points to label
    names = [f"strategy-{i:02d}" for i in range(24)]
    rows = []
    for name in names:
        reach, burn = rng.uniform(0.8, 0.95), rng.uniform(0.0, 0.02)
        for metric, value in (("reach_rate", reach), ("opt_out_rate", burn),
                              ("meeting_rate", 0.05)):  # fmt: skip
            rows.append((name, metric, value, value - 0.005, value + 0.005, 5000))
    summary = pd.DataFrame(rows, columns=["strategy", "metric", "mean", "ci_low", "ci_high",
                                          "n_prospects"])  # fmt: skip
    fig = plt.figure(figsize=(11, 8), layout="constrained")
    ax = pest_frontier(summary, ax=fig.add_subplot())
    fig.draw_without_rendering()
    leaders = []
    boxes = []
    for text in ax.texts:
        boxes.append(Text.get_window_extent(text))  # the words, without the leader line
        patch = getattr(text, "arrow_patch", None)
        if patch is not None:
            path = patch.get_path().transformed(patch.get_transform())
            leaders.append((path.vertices[0], path.vertices[-1]))
    assert len(ax.texts) == 24
    for i, (a, b) in enumerate(leaders):
        for c, d in leaders[i + 1 :]:
            assert not _crosses(a, b, c, d)
    for i, first in enumerate(boxes):
        for second in boxes[i + 1 :]:
            assert not first.overlaps(second)
