"""Charts and the HTML report: every chart states its finding, files are real PNGs, the report
is self-contained, and ``followup charts DIR`` re-draws from a saved run."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import matplotlib.image
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes

import sim.viz as charts
from sim.engines.des.week import eventful_prospect, trace_week, week_prospect
from sim.io.loader import scenario_to_yaml
from sim.model.scenario import Scenario
from sim.report.findings import compare_to_best, finding_sentences
from sim.report.html import write_report
from sim.results.saved import load_saved_run
from sim.results.summary import best_strategy, metric_table, summarize
from sim.results.week import Week
from sim.run import RunResult, simulate
from sim.strategy.library import get_strategy
from sim.viz.curves import meeting_curve
from sim.viz.mix import outcome_shares
from tests.conftest import make_scenario
from tests.helpers import followup

plt.switch_backend("Agg")

STRATEGIES = ["one-and-done", "persistent-until-no", "channel-mix"]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return make_scenario({"calendar": {"horizon_days": 30}})


@pytest.fixture(scope="module")
def run(scenario: Scenario) -> RunResult:
    return simulate(scenario, STRATEGIES, prospects=3000, seed=1, engine="vector", week=True)


@pytest.fixture(scope="module")
def summary(run: RunResult) -> pd.DataFrame:
    return summarize(run.prospects, run.touches)


@pytest.fixture(scope="module")
def rendered(
    run: RunResult, summary: pd.DataFrame, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    out = tmp_path_factory.mktemp("rendered")
    charts.render_all(run, summary, out)
    return out


@pytest.fixture(autouse=True)
def close_figures() -> Iterator[None]:
    yield
    plt.close("all")


def title_of(ax: Axes) -> str:
    return " ".join(ax.get_title(loc) for loc in ("left", "center", "right")).strip()


def check_labelled(ax: Axes) -> str:
    """The Axes has a non-empty title and both axis labels; returns the title on one line."""
    title = title_of(ax).replace("\n", " ")
    assert title, "no title"
    assert ax.get_xlabel().strip(), "no x label"
    assert ax.get_ylabel().strip(), "no y label"
    return title


def check_png(path: Path) -> None:
    assert path.is_file(), path
    assert path.read_bytes()[:8] == PNG_SIGNATURE, f"{path} is not a PNG"
    pixels = matplotlib.image.imread(path)
    assert pixels.ndim == 3 and min(pixels.shape[:2]) > 200
    assert float(pixels.std()) > 0, f"{path} is blank"


# -- each chart --------------------------------------------------------------------------------


def test_ranking_is_neutral_and_crowns_no_tie(summary: pd.DataFrame) -> None:
    best = best_strategy(summary)
    ax = charts.ranking(summary)
    title = check_labelled(ax)
    assert "per 100 prospects" in title
    assert not any(s in title for s in STRATEGIES)  # a neutral title names no strategy
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[int(np.argmax(ax.get_yticks()))] == best  # the top bar
    table = metric_table(summary, "meeting_rate")
    overlapping = [
        s for s in STRATEGIES if s != best and table.loc[s, "ci_high"] >= table.loc[best, "ci_low"]
    ]
    marked = [t.get_text() for t in ax.texts if "≈ top" in t.get_text()]
    assert len(marked) == len(overlapping)  # no comparisons given: tied by overlapping intervals
    if overlapping:
        assert "cannot be told apart" in title


def test_charts_draw_on_a_given_axes(summary: pd.DataFrame, run: RunResult) -> None:
    fig, (left, right) = plt.subplots(1, 2, figsize=(16, 6))
    assert charts.ranking(summary, ax=left) is left
    assert charts.outcome_mix(run.prospects, ax=right) is right
    assert len(fig.axes) == 2


def test_reached_by_attempt(run: RunResult) -> None:
    curve = charts.reach_curve(run.prospects, 12)
    assert list(curve.index) == list(range(1, 13))
    values = curve.to_numpy()
    steps = np.diff(values, axis=0)
    assert np.all(steps[~np.isnan(steps)] >= 0)
    assert np.nanmin(values) >= 0 and np.nanmax(values) <= 1
    reached = run.prospects.groupby("strategy")["reached"].mean()
    last = curve.ffill().iloc[-1]
    assert np.all(last <= reached[curve.columns] + 1e-12)
    one = curve["one-and-done"]
    assert one.notna().sum() == 1 and one.loc[1] > 0  # it stops after one attempt
    title = check_labelled(charts.reached_by_attempt(run.prospects, max_attempt=12))
    assert "N-th attempt" in title and not any(s in title for s in STRATEGIES)


def test_cumulative_meetings(run: RunResult, summary: pd.DataFrame) -> None:
    curve = charts.meeting_curve(run.prospects, run.scenario.horizon)
    rate = metric_table(summary, "meeting_rate")["mean"]
    assert np.allclose(curve.iloc[-1], 100 * rate[curve.columns])
    title = check_labelled(charts.cumulative_meetings(run.prospects, run.scenario.horizon))
    assert "30 business days" in title


def test_pest_frontier(summary: pd.DataFrame) -> None:
    ax = charts.pest_frontier(summary)
    title = check_labelled(ax)
    assert "burned" in title
    labels = {t.get_text() for t in ax.texts}
    assert set(STRATEGIES) <= labels  # every point is named


def test_cost_per_meeting(summary: pd.DataFrame) -> None:
    ax = charts.cost_per_meeting(summary)
    title = check_labelled(ax)
    minutes = metric_table(summary, "rep_minutes_per_meeting")["mean"]
    assert "per meeting" in title and "min" in ax.get_xlabel()
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[int(np.argmax(ax.get_yticks()))] == str(minutes.idxmin())  # cheapest on top
    assert any("min" in t.get_text() for t in ax.texts)


def test_outcome_mix(run: RunResult) -> None:
    shares = charts.outcome_shares(run.prospects)
    assert np.allclose(shares.sum(axis=1), 1.0)
    ax = charts.outcome_mix(run.prospects, horizon=30)
    title = check_labelled(ax)
    assert "after 30 business days" in title
    legend = ax.get_legend()
    assert legend is not None
    assert {t.get_text() for t in legend.get_texts()} >= {"meeting", "said no", "opted out"}


def test_week_in_the_life(scenario: Scenario, tmp_path: Path) -> None:
    strategy = get_strategy("persistent-until-no", scenario)
    prospect = week_prospect(scenario, strategy, seed=1)
    assert prospect == week_prospect(scenario, strategy, seed=1)  # deterministic
    week = trace_week(scenario, strategy, 1, prospect)
    name = strategy.name
    assert week.touches["day"].max() < 5 and len(week.day) == 5
    week.save(tmp_path / "week.json")
    assert Week.load(tmp_path / "week.json").to_json() == week.to_json()  # round trip
    ax = charts.draw_week(week)
    title = check_labelled(ax)
    assert name in title and f"Prospect {prospect}" in title
    assert len(ax.get_yticks()) == 5  # one row per business day
    assert ax.get_legend() is not None


def test_eventful_prospect_rule() -> None:
    touches = pd.DataFrame(
        {
            "strategy": "s",
            "prospect": [5, 5, 5, 2, 2, 7, 7, 7, 7],
            "day": [0, 1, 2, 0, 1, 0, 1, 9, 9],
        }
    )
    assert eventful_prospect(touches, "s", days=5, min_touches=3) == 5
    assert eventful_prospect(touches, "s", days=5, min_touches=4) == 5  # most, lowest id
    assert eventful_prospect(touches, "other") is None


# -- all charts, the report, the command ------------------------------------------------------


def test_render_all_writes_valid_pngs(rendered: Path) -> None:
    files = sorted((rendered / "charts").glob("*.png"))
    assert {p.stem for p in files} == set(charts.CHART_NAMES)
    for path in files:
        check_png(path)
    assert not list((rendered / "charts").glob("*.tmp"))


def test_streamed_run_draws_what_it_can(
    run: RunResult, summary: pd.DataFrame, rendered: Path, tmp_path: Path
) -> None:
    shutil.copytree(rendered / "charts", tmp_path / "charts")  # stale charts of a full run
    streamed = replace(
        run, prospects=run.prospects.iloc[:0], touches=run.touches.iloc[:0], streamed=True
    )
    paths = charts.render_all(streamed, summary, tmp_path)
    names = [p.stem for p in paths]
    assert names == list(charts.CHART_NAMES)  # every chart comes from the statistics
    assert sorted(p.stem for p in (tmp_path / "charts").glob("*.png")) == sorted(names)


def test_charts_from_statistics_equal_charts_from_the_table(run: RunResult) -> None:
    """The cumulative-meetings and outcome-mix data of a run without its outcome table (from
    the merged per-chunk statistics) equal those of the table."""
    horizon = run.scenario.horizon
    pd.testing.assert_frame_equal(
        meeting_curve(run.stats, horizon), meeting_curve(run.prospects, horizon)
    )
    pd.testing.assert_frame_equal(outcome_shares(run.stats), outcome_shares(run.prospects))


def test_the_fifth_call_curve_from_statistics_equals_the_one_from_the_table(run: RunResult) -> None:
    from_table = charts.reach_curve(run.prospects, 15)
    from_stats = charts.reach_curve_from_stats(run.stats, 15)
    pd.testing.assert_frame_equal(from_stats, from_table)
    assert np.nanmax(from_table.to_numpy()) > 0.1  # not a trivial comparison of zeros
    assert from_table.isna().any().any()  # and the stops agree too


def test_report_is_self_contained(run: RunResult, summary: pd.DataFrame, rendered: Path) -> None:
    path = write_report(run, summary, rendered)
    page = path.read_text(encoding="utf-8")
    n_charts = len(list((rendered / "charts").glob("*.png")))
    assert page.count('<img src="data:image/png;base64,') == n_charts == len(charts.CHART_NAMES)
    assert not re.search(r"https?://", page)
    links = re.findall(r"""(?:src|href)\s*=\s*["']([^"']*)""", page)
    assert links and all(link.startswith(("data:", "#")) for link in links)
    best = best_strategy(summary)
    finding = page.split('<div class="finding">', 1)[1].split("</div>", 1)[0]
    assert f"{best} books the most meetings" in finding
    assert page.index("Finding") < page.index("<table") < page.index("<img") < page.index("<pre>")
    assert "horizon_days: 30" in page and "Manifest" in page and "numpy" in page
    assert "inbound <small>% of meetings" in page  # meetings by source: called in vs cadence
    assert not list(rendered.glob("*.tmp"))


def test_finding_names_indistinguishable_strategies(run: RunResult, summary: pd.DataFrame) -> None:
    versus = compare_to_best(run, summary)
    assert versus is not None and len(versus) == len(STRATEGIES) - 1
    assert all(v.p_adjusted >= v.p_value - 1e-12 for v in versus)  # BH only raises p-values
    sentences = finding_sentences(summary, versus)
    assert sentences[0].startswith(best_strategy(summary))
    same = [v.strategy for v in versus if v.indistinguishable]
    if same:
        assert "indistinguishable" in sentences[1] and all(s in sentences[1] for s in same)
    else:
        assert "significantly fewer" in sentences[1]


def test_followup_charts_redraws_a_saved_run(scenario: Scenario, tmp_path: Path) -> None:
    scenario_file = tmp_path / "short.yaml"
    scenario_file.write_text(scenario_to_yaml(scenario), encoding="utf-8")
    out = tmp_path / "run"
    r = followup(
        "run",
        str(scenario_file),
        "--engine",
        "vector",
        "--strategies",
        ",".join(STRATEGIES),
        "--prospects",
        "3000",
        "--seed",
        "2",
        "--out",
        str(out),
    )
    assert r.returncode == 0, r.stderr
    assert (out / "report.html").is_file() and (out / "scenario.yaml").is_file()
    drawn = {p.name: p.read_bytes() for p in (out / "charts").glob("*.png")}
    assert set(drawn) == {f"{n}.png" for n in charts.CHART_NAMES}
    shutil.rmtree(out / "charts")
    r = followup("charts", str(out))
    assert r.returncode == 0, r.stderr
    for name, before in drawn.items():
        check_png(out / "charts" / name)
        assert (out / "charts" / name).read_bytes() == before  # same data, same seed: same chart
    result, _ = load_saved_run(out)
    assert result.seed == 2 and result.strategies == STRATEGIES


def test_followup_charts_needs_a_run_folder(tmp_path: Path) -> None:
    r = followup("charts", str(tmp_path))
    assert r.returncode == 2
    assert "scenario.yaml" in r.stderr and "Traceback" not in r.stderr
