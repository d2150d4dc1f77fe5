"""Does the ranking depend on need creation? The leading strategies, the sentences, the sweep
that re-runs them, the report's section and ``followup run --assumptions/--no-assumptions``."""

from __future__ import annotations

import html
import json
import math
from pathlib import Path

import pandas as pd
import pytest

from sim.io.loader import load_scenario
from sim.model.scenario import Scenario
from sim.report import dependence_sweep
from sim.report.assumptions import VALUE_BOOST, Assumption
from sim.report.dependence import AS_RUN, RankingCheck, Setting, load_check
from sim.report.dependence_sweep import check_assumptions, leading_strategies, sweep_data
from sim.report.findings import VersusBest
from sim.report.html import write_report
from sim.results.summary import SUMMARY_COLUMNS, summarize_stats
from sim.run import simulate, write_run
from tests.conftest import make_scenario
from tests.helpers import followup

HEADING = "Does the ranking depend on need creation?"
BIG = Assumption(
    name="value_boost",
    path="urgency.value_boost",
    low=0.0,
    high=1.0,
    low_means="touches never create need",
    high_means="a large boost",
    mechanism="a read message of value raises urgency",
    why="wide enough to flip the test's ranking",
)
"""value_boost over a wide range, so that a strategy of value messages overtakes."""
NO_VALUE = ["varied-message", "persistent-until-no", "one-and-done"]
"""Library strategies none of whose touches carries value: value_boost cannot matter."""


# -- the leading strategies --------------------------------------------------------------------


def summary_of(rates: dict[str, float]) -> pd.DataFrame:
    rows = [(s, "meeting_rate", r, r - 0.01, r + 0.01, 1000) for s, r in rates.items()]
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def versus(best: str, adjusted: dict[str, float]) -> list[VersusBest]:
    return [VersusBest(s, -0.01, -0.02, 0.0, p, p) for s, p in adjusted.items() if s != best]


def test_the_leading_strategies_are_the_top_three_and_every_tie_at_most_five() -> None:
    rates = {f"s{i}": 0.2 - 0.01 * i for i in range(8)}  # s0 best ... s7 worst
    summary = summary_of(rates)
    clear = versus("s0", {f"s{i}": 1e-6 for i in range(1, 8)})
    assert leading_strategies(summary, clear) == ["s0", "s1", "s2"]
    tied = versus("s0", {**{f"s{i}": 1e-6 for i in range(1, 8)}, "s4": 0.3, "s6": 0.06})
    assert leading_strategies(summary, tied) == ["s0", "s1", "s2", "s4", "s6"]
    all_tied = versus("s0", {f"s{i}": 0.5 for i in range(1, 8)})
    assert leading_strategies(summary, all_tied) == ["s0", "s1", "s2", "s3", "s4"]
    assert leading_strategies(summary, None) == ["s0", "s1", "s2"]  # streamed: no comparisons
    assert leading_strategies(summary_of({"a": 0.1, "b": 0.3}), None) == ["b", "a"]


# -- the sentences -----------------------------------------------------------------------------


def setting(
    end: str, value: float | None, rates: dict[str, float], p: dict[tuple[str, str], float]
) -> Setting:
    return Setting(
        assumption=None if value is None else "value_boost",
        end=end,
        value=value,
        rates={s: (r, r - 0.01, r + 0.01) for s, r in rates.items()},
        pairs={(a, b): (rates[a] - rates[b], pv) for (a, b), pv in p.items()},
    )


def check_of(run_value: float, *settings: Setting) -> RankingCheck:
    return RankingCheck(
        strategies=("knowledge-broker", "precision", "persistent-until-no"),
        prospects=50_000,
        seed=0,
        assumptions=(VALUE_BOOST,),
        values={"value_boost": run_value},
        settings=settings,
    )


RUN = setting(AS_RUN, None, {"knowledge-broker": 0.23, "precision": 0.18,
                             "persistent-until-no": 0.09},
              {("precision", "knowledge-broker"): 1e-9,
               ("persistent-until-no", "knowledge-broker"): 1e-9})  # fmt: skip


def test_a_leader_that_changes_is_named_with_the_leader_as_run_and_the_significance() -> None:
    low = setting("low", 0.0, {"knowledge-broker": 0.10, "precision": 0.12,
                               "persistent-until-no": 0.15},
                  {("persistent-until-no", "knowledge-broker"): 0.001,
                   ("persistent-until-no", "precision"): 0.2})  # fmt: skip
    high = setting("high", 0.3, {"knowledge-broker": 0.27, "precision": 0.21,
                                 "persistent-until-no": 0.09},
                   {("knowledge-broker", "precision"): 1e-6})  # fmt: skip
    [line] = check_of(0.15, RUN, low, high).sentences()
    assert line == (
        "With value_boost at 0 (touches never create need) persistent-until-no books the most "
        "meetings and knowledge-broker falls to 3rd (15.0 against 10.0 per 100, p = 0.001); "
        "at 0.3 (twice the default) the leader is unchanged (27.0 per 100, 6.0 more than "
        "precision, p < 0.001)."
    )
    close = setting("low", 0.0, {"knowledge-broker": 0.10, "precision": 0.105,
                                 "persistent-until-no": 0.05},
                    {("precision", "knowledge-broker"): 0.4})  # fmt: skip
    [line] = check_of(0.15, RUN, close, high).sentences()
    assert "precision books the most meetings and knowledge-broker falls to 2nd" in line
    assert "(10.5 against 10.0 per 100, not significant: p = 0.4)" in line


def test_an_unchanged_leader_says_so_and_whether_its_lead_is_significant() -> None:
    low = setting("low", 0.0, {"knowledge-broker": 0.15, "precision": 0.14,
                               "persistent-until-no": 0.09},
                  {("knowledge-broker", "precision"): 0.2})  # fmt: skip
    high = setting("high", 0.3, {"knowledge-broker": 0.27, "precision": 0.21,
                                 "persistent-until-no": 0.09},
                   {("knowledge-broker", "precision"): 1e-6})  # fmt: skip
    [line] = check_of(0.15, RUN, low, high).sentences()
    assert line == (
        "The leader is the same across value_boost 0 to 0.3: knowledge-broker books the most "
        "meetings at both ends (at 0: 15.0 per 100, 1.0 more than precision, not significant: "
        "p = 0.2; at 0.3: 27.0 per 100, 6.0 more than precision, p < 0.001)."
    )


def test_both_ends_are_re_run_even_at_the_runs_own_value() -> None:
    data, cells = sweep_data(["a", "b"], 500, 7, {"value_boost": 0.0}, [VALUE_BOOST])
    assert cells == [("value_boost", "low", 0.0), ("value_boost", "high", 0.3)]
    assert data["parameters"] == [
        {"path": "urgency.value_boost", "label": "value_boost", "values": [0.0, 0.3]}
    ]
    assert (data["design"], data["prospects"], data["seed"]) == ("list", 500, 7)
    with pytest.raises(ValueError, match="no re-run at the high end"):
        check_of(0.15, RUN, setting("low", 0.0, {"knowledge-broker": 0.1}, {})).sentences()


def test_a_check_validates_itself() -> None:
    with pytest.raises(ValueError, match="at least two"):
        RankingCheck(("a",), 10, 0, (VALUE_BOOST,), {"value_boost": 0.15}, (RUN,))
    with pytest.raises(ValueError, match="first setting is the run"):
        check_of(0.15, setting("low", 0.0, {"knowledge-broker": 0.1}, {}))
    with pytest.raises(ValueError, match="one assumption"):
        Setting("value_boost", "low", None, {}, {})


# -- the sweep ---------------------------------------------------------------------------------


def flip_scenario() -> Scenario:
    """Short, with value worth nothing but need creation, and none of it in the run."""
    return make_scenario({"calendar": {"horizon_days": 20}, "urgency": {"value_boost": 0.0},
                          "response": {"w_value": 0.0}, "salience": {"value": 0.0}})  # fmt: skip


@pytest.mark.slow
def test_the_check_reports_a_leader_change_when_value_boost_flips_the_ranking(
    tmp_path: Path,
) -> None:
    """Value emails and voicemails (knowledge-broker) against strategies without value: with
    no need creation they lose, with a boost of 1 per read they win by far."""
    result = simulate(flip_scenario(), ["knowledge-broker", *NO_VALUE[:2]], prospects=600, seed=1)
    check = check_assumptions(result, tmp_path / "one", assumptions=(BIG,))
    assert check is not None
    assert check.strategies[0] != "knowledge-broker"  # the run's leader, without need creation
    assert [s.end for s in check.settings] == [AS_RUN, "low", "high"]
    high = check.settings[2]
    assert high.ranking(check.strategies)[0] == "knowledge-broker"
    diff, p = high.difference("knowledge-broker", check.strategies[0])
    assert diff > 0.05 and p < 0.001
    [line] = check.sentences()
    assert "at 1 (a large boost) knowledge-broker books the most meetings" in line
    assert f"{check.strategies[0]} falls to 2nd" in line and "p < 0.001)" in line
    # the strategies without value book exactly the same at both ends of a re-run
    again = check_assumptions(result, tmp_path / "two", assumptions=(BIG,), workers=2)
    assert again is not None and again.settings == check.settings  # any number of workers
    saved = load_check(tmp_path / "one")
    assert saved is not None and saved.sentences() == check.sentences()
    assert saved.settings == check.settings


@pytest.mark.slow
def test_the_check_says_unchanged_when_value_boost_cannot_matter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = simulate(flip_scenario(), NO_VALUE, prospects=400, seed=2)
    monkeypatch.setattr(dependence_sweep, "MAX_PROSPECTS", 300)
    check = check_assumptions(result, tmp_path)
    assert check is not None and [s.end for s in check.settings] == [AS_RUN, "low", "high"]
    assert check.prospects == 300  # capped
    assert pd.read_parquet(tmp_path / "results.parquet")["n_prospects"].eq(300).all()
    monkeypatch.undo()
    scenario = load_scenario(tmp_path / "scenario.yaml")
    assert scenario.model_dump() == result.scenario.model_dump()  # the sweep's base: the run's
    result = simulate(make_scenario({"calendar": {"horizon_days": 20}}), NO_VALUE,
                      prospects=400, seed=2)  # fmt: skip
    check = check_assumptions(result, tmp_path)
    assert check is not None
    low, high = check.settings[1:]
    assert (low.value, high.value) == (0.0, 0.3)
    assert low.rates == high.rates  # the same prospects, and nothing for value_boost to move
    [line] = check.sentences()
    assert line.startswith(f"The leader is the same across value_boost 0 to 0.3: {NO_VALUE[0]}")
    assert not list((tmp_path / "shards").glob("*.tmp"))


def test_a_single_strategy_has_no_ranking_to_check(tmp_path: Path) -> None:
    result = simulate(flip_scenario(), ["one-and-done"], prospects=50, seed=0)
    assert check_assumptions(result, tmp_path / "none") is None
    assert not (tmp_path / "none").exists()


# -- the report and the command line -----------------------------------------------------------


@pytest.mark.slow
def test_the_report_has_the_section_and_write_run_keeps_or_removes_the_check(
    tmp_path: Path,
) -> None:
    result = simulate(flip_scenario(), ["knowledge-broker", NO_VALUE[0]], prospects=300, seed=3)
    check = check_assumptions(result, tmp_path / "assumptions", assumptions=(BIG,))
    assert check is not None
    written = write_run(result, tmp_path, visuals=True, assumptions=check)
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert HEADING in page and html.escape(check.sentences()[0]) in page
    assert json.loads((tmp_path / "manifest.json").read_text())["assumptions"]["strategies"] == [
        *check.strategies
    ]
    assert list(pd.read_csv(tmp_path / "summary.csv").columns) == SUMMARY_COLUMNS
    summary = summarize_stats(result.stats)
    pd.testing.assert_frame_equal(written.summary, summary)
    # a saved run's report (followup charts --report) reads the check back
    (tmp_path / "report.html").unlink()
    write_report(result, written.summary, tmp_path, written.comparisons)
    assert HEADING in (tmp_path / "report.html").read_text(encoding="utf-8")
    # without a check, an earlier one is removed, so the folder never mixes two runs
    write_run(result, tmp_path, visuals=True)
    assert not (tmp_path / "assumptions").exists()
    assert HEADING not in (tmp_path / "report.html").read_text(encoding="utf-8")
    assert not math.isnan(check.run.rates[check.strategies[0]][0])


@pytest.mark.slow
def test_followup_run_prints_the_check_and_no_assumptions_skips_it(tmp_path: Path) -> None:
    out = tmp_path / "run"
    args = ("run", "baseline", "--strategies", "knowledge-broker,varied-message,one-and-done",
            "--prospects", "300", "--seed", "5", "--workers", "1", "--out", str(out))  # fmt: skip
    r = followup(*args)
    assert r.returncode == 0, r.stderr
    assert "across value_boost 0 to 0.3" in " ".join(r.stdout.split()) or (
        "With value_boost at 0" in " ".join(r.stdout.split())
    )
    assert (out / "assumptions" / "check.json").is_file()
    assert HEADING in (out / "report.html").read_text(encoding="utf-8")
    assert list(pd.read_csv(out / "summary.csv").columns) == SUMMARY_COLUMNS
    r = followup(*args, "--no-assumptions")
    assert r.returncode == 0, r.stderr
    assert "value_boost" not in r.stdout
    assert not (out / "assumptions").exists()  # the earlier run's check is gone
    assert HEADING not in (out / "report.html").read_text(encoding="utf-8")
