"""The targets file: the issue's example accepted as written, the market card's expansion, the
default free set, the compound parameters, and one clear line per problem (exit code 2, no
traceback)."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from sim.calibrate.problem import TARGETS_DIR, load_problem
from sim.calibrate.space import COMPOUND, apply_values
from sim.calibrate.statistics import Z95, share_se
from sim.cli import app
from sim.io.errors import ScenarioError
from sim.io.loader import scenario_from_dict

ROOT = Path(__file__).resolve().parents[2]
ACME = TARGETS_DIR / "acme.yaml"
ISSUE_EXAMPLE = """\
name: acme
scenario: cold-outbound          # a scenario name or path
strategy: channel-mix            # the cadence the numbers were observed under (default for targets)
free:                            # omitted: the default level-setting set
  population.loads.email.median: {low: 30, high: 500, prior: log-uniform}
  population.screening.unknown: {low: 0.05, high: 0.9}
market:
  first_email_reply_rate: 0.05   # replies (any) to the first email a prospect receives
  connect_rate_per_dial: 0.04    # live conversations per call dialled
targets:
  - {statistic: meeting_rate, value: 0.012, n: 5000}
"""


def write(folder: Path, data: dict[str, object] | str, name: str = "t.yaml") -> Path:
    path = folder / name
    text = data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return path


def test_the_issue_example_is_accepted_as_written(tmp_path: Path) -> None:
    problem = load_problem(write(tmp_path, ISSUE_EXAMPLE))
    assert problem.name == "acme" and problem.strategies == ["channel-mix"]
    labels = [t.label for t in problem.targets]
    assert labels == ["first_email_reply_rate", "connect_rate_per_dial", "meeting_rate"]
    reply, connect, meetings = problem.targets
    assert (reply.statistic, reply.args.channel, reply.args.attempt) == ("reply_rate", "email", 1)
    assert reply.se == pytest.approx(0.005)  # a bare market number: +-10%
    assert connect.se == pytest.approx(0.004)
    assert meetings.se == pytest.approx(share_se(0.012 * 5000, 5000))
    dims = {d.path: d for d in problem.space.dims}
    assert dims["population.loads.email.median"].log
    pickup = dims["population.screening.unknown"]
    assert (pickup.low, pickup.high) == (0.05, 0.9)


def test_the_shipped_acme_file_is_the_issue_example_with_comments() -> None:
    shipped = yaml.safe_load(ACME.read_text(encoding="utf-8"))
    assert shipped == yaml.safe_load(ISSUE_EXAMPLE)


def test_the_guide_shows_the_shipped_file() -> None:
    guide = (ROOT / "docs" / "guide" / "calibration.md").read_text(encoding="utf-8")
    body = [line for line in ACME.read_text(encoding="utf-8").splitlines() if line[:1] != "#"]
    assert "\n".join(body) in guide


def test_market_card_precision_and_units(tmp_path: Path) -> None:
    problem = load_problem(write(tmp_path, {
        "scenario": "cold-outbound", "strategy": "channel-mix",
        "market": {"meetings_per_100_prospects": {"value": 1.2, "band": [0.8, 1.6]},
                   "unsubscribe_rate": {"value": 0.002, "se": 0.0005},
                   "fit_share": {"value": 0.2, "n": 400}},
    }))  # fmt: skip
    by = {t.label: t for t in problem.targets}
    assert by["meetings_per_100_prospects"].observed == pytest.approx(0.012)
    assert by["meetings_per_100_prospects"].se == pytest.approx(0.008 / (2 * Z95))
    assert by["unsubscribe_rate"].se == 0.0005
    assert by["fit_share"].se == pytest.approx(share_se(80, 400))
    # no free block: the statistics' level-setting parameters
    paths = problem.space.paths
    assert problem.defaulted_free
    assert "population.segments.fit" in paths and "population.tolerance.median" in paths


def test_inline_cadence_and_per_target_strategy(tmp_path: Path) -> None:
    cadence = {"phases": [{"name": "only", "steps": [{"day": 0, "channel": "email",
                                                      "template": "hi"}]}]}  # fmt: skip
    problem = load_problem(write(tmp_path, {
        "scenario": "cold-outbound", "strategy": cadence,
        "free": {"population.loads.email.median": {}},
        "targets": [
            {"statistic": "reply_rate", "channel": "email", "value": 0.05, "n": 1000},
            {"statistic": "connect_rate_per_dial", "strategy": "cold-call-desk", "value": 0.05,
             "se": 0.01},
        ],
    }))  # fmt: skip
    assert problem.strategies == ["observed", "cold-call-desk"]
    assert "observed" in problem.space.base["custom_strategies"]
    email = problem.space.dims[0]
    assert (email.low, email.high, email.prior) == (20.0, 1000.0, "log-uniform")


BAD = [
    ({"market": {"first_email_reply_rate": 1.3}},
     "market.first_email_reply_rate = 1.3: impossible: it is a share, between 0 and 1"),
    ({"targets": [{"statistic": "reply_rate", "value": 1.3, "n": 10}]},
     "targets.0 = {'statistic': 'reply_rate', 'value': 1.3, 'n': 10}: reply_rate is a share"),
    ({"targets": [{"statistic": "meetings", "value": 0.1, "n": 10}]},
     "targets.0.statistic = 'meetings': unknown statistic; known: reply_rate"),
    ({"targets": [{"statistic": "meeting_rate", "value": 0.01}]},
     "needs its precision: give n, se or band"),
    ({"targets": [{"statistic": "meeting_rate", "channel": "email", "value": 0.01, "n": 9}]},
     "meeting_rate does not take channel"),
    ({"targets": [{"statistic": "meeting_rate", "value": 0.01, "n": 9, "se": 0.1}]},
     "give one of n, se or band, not n and se"),
    ({"strategy": "hopeful", "market": {"fit_share": 0.2}},
     "strategy = 'hopeful': unknown strategy; known: no-follow-up"),
    ({"free": {"population.loads.email.mediun": {"low": 1, "high": 2}}},
     "free.population.loads.email.mediun = 'population.loads.email.mediun': no such scenario "
     "field; population.loads.email has: kind, median, sigma"),
    ({"free": {"population.in_office": {}}}, "needs low and high"),
    ({"free": {"population.in_office": {"low": 0.9, "high": 0.1}}},
     "free.population.in_office.low = 0.9: must be below high (0.1)"),
    ({"free": {"population.in_office": {"low": 0, "high": 0.5, "prior": "log-uniform"}}},
     "must be > 0 for a log-uniform prior"),
    ({"free": {"population.in_office": {"low": 0.1, "high": 1.5}}},
     "free.population.in_office.high = 1.5: the scenario does not validate there"),
    ({"scenario": "atlantis"}, "scenario = 'atlantis': no such scenario file"),
    ({"colour": "blue"}, "colour = 'blue': unknown key; allowed:"),
    ({"market": {}}, "no targets: give a market card, a targets list, or both"),
]  # fmt: skip


@pytest.mark.parametrize(("patch", "message"), BAD, ids=[m[:30] for _, m in BAD])
def test_bad_files_get_one_clear_line(
    tmp_path: Path, patch: dict[str, object], message: str
) -> None:
    data: dict[str, object] = {
        "scenario": "cold-outbound", "strategy": "channel-mix",
        "market": {"connect_rate_per_dial": 0.04}, **patch,
    }  # fmt: skip
    path = write(tmp_path, data)
    with pytest.raises(ScenarioError) as info:
        load_problem(path)
    text = str(info.value)
    assert str(path) in text
    assert message in text


def test_the_command_exits_2_without_a_traceback(tmp_path: Path) -> None:
    path = write(tmp_path, {"scenario": "cold-outbound", "strategy": "channel-mix",
                            "market": {"first_email_reply_rate": 1.3}})  # fmt: skip
    done = CliRunner().invoke(app, ["calibrate", str(path), "--out", str(tmp_path / "o")])
    assert done.exit_code == 2
    assert "Traceback" not in done.output
    assert done.output.strip().splitlines()[-1].startswith(str(path))
    done = CliRunner().invoke(app, ["calibrate", str(ACME), "--budget", "10", "--out",
                                    str(tmp_path / "o")])  # fmt: skip
    assert done.exit_code == 2
    assert "--budget: 10 is too small for 2 free parameters: at least" in done.output
    done = CliRunner().invoke(app, ["calibrate", "no-such-targets"])
    assert done.exit_code == 2 and "no such targets file" in done.output


def test_a_statistic_the_strategy_cannot_produce(tmp_path: Path) -> None:
    shutil.copy(ROOT / "scenarios" / "cold-outbound.yaml", tmp_path / "cold.yaml")
    path = write(tmp_path, {"scenario": "cold.yaml", "strategy": "opener-only",
                            "free": {"population.screening.unknown": {}},
                            "market": {"connect_rate_per_dial": 0.04}})  # fmt: skip
    done = CliRunner().invoke(app, ["calibrate", str(path), "--out", str(tmp_path / "o"),
                                    "--workers", "1"])  # fmt: skip
    assert done.exit_code == 2, done.output
    assert ("market.connect_rate_per_dial = 'opener-only': connect_rate_per_dial cannot be "
            "computed under this strategy") in done.output  # fmt: skip


def test_compound_parameters_keep_the_scenario_valid() -> None:
    segments = {"buyer": 0.1, "info_seeker": 0.3, "non_fit": 0.6}
    base = scenario_from_dict({"population": {"segments": segments}}).model_dump(mode="json")
    data = apply_values(base, {"population.segments.fit": 0.8})
    seg = data["population"]["segments"]
    assert (seg["buyer"], seg["info_seeker"], seg["non_fit"]) == pytest.approx((0.2, 0.6, 0.2))
    scenario_from_dict(data)
    moved = apply_values(base, {"response.b_pos.all": -3.0})
    b = moved["response"]["b_pos"]
    old = base["response"]["b_pos"]
    assert b["buyer"] == -3.0
    assert b["non_fit"] - b["buyer"] == pytest.approx(old["non_fit"] - old["buyer"])
    # absolute, not relative: applying twice changes nothing more
    assert apply_values(moved, {"response.b_pos.all": -3.0}) == moved
    # habituation: one number for the salience and the reply logit (MODEL.md: "by the same")
    habit = apply_values(base, {"habituation": 0.12})
    assert habit["salience"]["habituation"] == habit["response"]["w_habituation"] == 0.12
    assert scenario_from_dict(habit).salience.habituation == 0.12
    for name, compound in COMPOUND.items():
        value = compound.read(base)
        assert math.isfinite(value), name
        again = apply_values(base, {name: value})
        assert compound.read(again) == pytest.approx(value), name


def test_a_contrast_target_between_strategies_and_arguments(tmp_path: Path) -> None:
    """Published figures as 'N times': a target over another strategy (versus.strategy) or
    other arguments (versus.weekday), a ratio or an odds ratio, its SE from the band."""
    soon = {"phases": [{"name": "p", "steps": [{"day": 0, "after": 5, "channel": "call_cell"}]}]}
    problem = load_problem(write(tmp_path, {
        "scenario": "web-leads", "strategy": "speed-to-lead",
        "free": {"population.screening.unknown": {"low": 0.1, "high": 0.9}},
        "targets": [
            {"statistic": "connect_rate_per_dial", "weekday": "thu", "versus": {"weekday": "mon"},
             "value": 1.5, "band": [1.2, 2.0]},
            {"statistic": "connect_rate_per_dial", "attempt": 1, "strategy": soon,
             "versus": {"strategy": "one-and-done"}, "contrast": "odds_ratio", "value": 100,
             "band": [10, 200]},
        ],
    }))  # fmt: skip
    days, speed = problem.targets
    assert days.unit == "ratio" and days.versus is not None
    assert days.versus == ("speed-to-lead", days.args.model_copy(update={"weekday": "mon"}))
    assert days.se == pytest.approx(0.8 / (2 * Z95))
    assert speed.contrast == "odds_ratio" and speed.versus is not None
    assert speed.versus[0] == "one-and-done" and speed.versus[1].attempt == 1
    assert problem.strategies == ["speed-to-lead", "observed-1", "one-and-done"]
    from sim.calibrate.evaluate import refs

    assert refs(problem.targets)[1].versus == ("one-and-done", {"attempt": 1})


def test_a_contrast_is_compared_in_logs(tmp_path: Path) -> None:
    """A band of 5 to 50 around 21 is multiplicative: the contrast's z is taken in logs, so
    simulated values 21 / k and 21 * k are equally far, and a share is compared as it is."""
    from sim.calibrate.objective import log_likelihood, z_scores
    from sim.calibrate.store import Outcome

    problem = load_problem(write(tmp_path, {
        "scenario": "web-leads", "strategy": "speed-to-lead",
        "free": {"population.screening.unknown": {"low": 0.1, "high": 0.9}},
        "targets": [
            {"statistic": "connect_rate_per_dial", "attempt": 1, "versus": {"strategy":
             "call-in-30"}, "contrast": "odds_ratio", "value": 21, "band": [5, 50]},
            {"statistic": "connect_rate_per_dial", "value": 0.2, "se": 0.01},
        ],
    }))  # fmt: skip
    odds, share = problem.targets
    log_se = math.log(10) / (2 * Z95)
    assert odds.log_se == pytest.approx(log_se) and share.log_se is None
    assert odds.se == pytest.approx(45 / (2 * Z95))  # reported as given

    def outcome(ratio: float, ratio_se: float) -> Outcome:
        return Outcome("k", (ratio, 0.22), (ratio_se, 0.01), (1000, 1000), None, 0.0)

    low, high = (z_scores(problem.targets, outcome(v, 0.0)) for v in (21 / 4, 21 * 4))
    assert low[0] == pytest.approx(-math.log(4) / log_se) and high[0] == pytest.approx(-low[0])
    assert low[1] == pytest.approx(0.02 / math.sqrt(2 * 0.01**2))
    # the simulation's SE enters in logs too (delta method: se / value)
    z = z_scores(problem.targets, outcome(42.0, 4.2))[0]
    assert z == pytest.approx(math.log(2) / math.hypot(log_se, 0.1))
    assert math.isfinite(log_likelihood(problem.targets, outcome(42.0, 4.2)))
    assert not math.isfinite(z_scores(problem.targets, outcome(0.0, 0.0))[0])


def test_a_bound_is_zero_inside_and_a_normal_tail_outside(tmp_path: Path) -> None:
    """A fact that is an inequality ("at most 0.95"): z is 0 on the bound's side and the
    distance in the simulation's SEs beyond it (a contrast's in logs); the log-likelihood is
    log Phi of the signed distance (closed form), with no Gaussian normalisation."""
    from scipy.stats import norm

    from sim.calibrate.objective import distance, log_likelihood, z_scores
    from sim.calibrate.store import Outcome

    problem = load_problem(write(tmp_path, {
        "scenario": "cold-outbound", "strategy": "opener-plus-3",
        "free": {"response.b_pos.all": {"low": -6, "high": 1}},
        "targets": [
            {"statistic": "first_reply_share", "attempt": 3, "versus": {"attempt": 2},
             "bound": "at_most", "value": 0.95},
            {"statistic": "first_reply_share", "attempt": 2, "bound": "at_least", "value": 0.01},
        ],
    }))  # fmt: skip
    ratio, floor = problem.targets
    assert (ratio.bound, ratio.se, ratio.log_se) == ("at_most", 0.0, 0.0)
    assert (floor.bound, floor.se, floor.log_se) == ("at_least", 0.0, None)

    def outcome(r: float, r_se: float, f: float, f_se: float) -> Outcome:
        return Outcome("k", (r, f), (r_se, f_se), (1000, 1000), None, 0.0)

    inside = outcome(0.8, 0.08, 0.02, 0.002)
    assert z_scores(problem.targets, inside).tolist() == [0.0, 0.0]
    assert distance(problem.targets, inside) == 0.0
    expected = norm.logcdf(math.log(0.95 / 0.8) / 0.1) + norm.logcdf(0.01 / 0.002)
    assert log_likelihood(problem.targets, inside) == pytest.approx(expected)
    outside = outcome(1.0, 0.05, 0.005, 0.001)
    z = z_scores(problem.targets, outside)
    assert z[0] == pytest.approx(math.log(1 / 0.95) / 0.05) and z[1] == pytest.approx(-5.0)
    expected = norm.logcdf(-math.log(1 / 0.95) / 0.05) + norm.logcdf(-5.0)
    assert log_likelihood(problem.targets, outside) == pytest.approx(expected)
    # a ratio of 0 (no replies at the later step) keeps an upper bound
    none = outcome(0.0, 0.0, 0.02, 0.002)
    assert z_scores(problem.targets, none)[0] == 0.0
    assert math.isfinite(log_likelihood(problem.targets, none))


def test_a_bound_takes_no_precision(tmp_path: Path) -> None:
    target = {"statistic": "first_reply_share", "attempt": 2, "bound": "at_most",
              "value": 0.05, "n": 300}  # fmt: skip
    path = write(tmp_path, {"scenario": "cold-outbound", "strategy": "opener-plus-3",
                            "targets": [target]})  # fmt: skip
    with pytest.raises(ScenarioError) as info:
        load_problem(path)
    assert "a bound (at_most) is the published fact itself, not a measurement" in str(info.value)


BAD_CONTRASTS = [
    ({"versus": {"weekday": "sun"}}, "targets.0.versus.weekday = 'sun'"),
    ({"versus": {"strategy": "hopeful"}}, "targets.0.versus.strategy = 'hopeful': unknown"),
    ({"versus": {"weekday": "mon"}, "value": 0, "band": None, "se": 0.2},
     "a ratio is positive, got 0"),
    ({"versus": {"weekday": "mon"}, "n": 100, "band": None},
     "n gives the precision of a share; give se or band for a contrast"),
    ({"versus": {"hour": 25}}, "targets.0.versus.hour = 25"),
    ({"contrast": "difference", "versus": {"weekday": "mon"}}, "targets.0.contrast = 'difference'"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("patch", "message"), BAD_CONTRASTS, ids=[m[:30] for _, m in BAD_CONTRASTS]
)
def test_bad_contrasts_get_one_clear_line(
    tmp_path: Path, patch: dict[str, object], message: str
) -> None:
    target = {"statistic": "connect_rate_per_dial", "weekday": "thu", "value": 1.5,
              "band": [1.2, 2.0], **patch}  # fmt: skip
    target = {k: v for k, v in target.items() if v is not None}
    path = write(tmp_path, {"scenario": "cold-outbound", "strategy": "cold-call-desk",
                            "targets": [target]})  # fmt: skip
    with pytest.raises(ScenarioError) as info:
        load_problem(path)
    assert message in str(info.value)


def test_an_evaluation_computes_the_contrast_from_both_sides(tmp_path: Path) -> None:
    from sim.calibrate.evaluate import contrast, make_job, refs, run_job
    from sim.calibrate.statistics import CATALOGUE
    from sim.run import simulate

    problem = load_problem(write(tmp_path, {
        "scenario": "cold-outbound", "strategy": "cold-call-desk",
        "free": {"population.screening.unknown": {"low": 0.1, "high": 0.9}},
        "targets": [{"statistic": "connect_rate_per_dial", "strategy": "cold-call-cell",
                     "versus": {"strategy": "cold-call-desk"}, "value": 2.0, "se": 0.3}],
    }))  # fmt: skip
    job = make_job(problem.space.base, problem.strategies, refs(problem.targets), 800, 3)
    outcome = run_job(job)
    base = scenario_from_dict(problem.space.base, "<base>")
    result = simulate(base, problem.strategies, prospects=800, seed=3, touch_log=True)
    stat = CATALOGUE["connect_rate_per_dial"]
    sides = [
        stat(result.prospects[result.prospects["strategy"] == s],
             result.touches[result.touches["strategy"] == s], problem.targets[0].args)
        for s in ("cold-call-cell", "cold-call-desk")
    ]  # fmt: skip
    expected = contrast(sides[0], sides[1], "ratio")
    assert outcome.values[0] == pytest.approx(expected.value)
    assert outcome.ses[0] == pytest.approx(expected.se)
    assert outcome.values[0] > 1  # a direct mobile number connects more often


def test_set_fixes_scenario_fields_for_the_calibration(tmp_path: Path) -> None:
    problem = load_problem(write(tmp_path, {
        "scenario": "web-leads", "strategy": "speed-to-lead",
        "set": {"rep.new_per_day": 40, "population.in_office": 0.3},
        "free": {"population.screening.unknown": {"low": 0.1, "high": 0.9}},
        "market": {"connect_rate_per_dial": 0.1},
    }))  # fmt: skip
    assert problem.space.base["rep"]["new_per_day"] == 40
    assert problem.space.base["population"]["in_office"] == 0.3


@pytest.mark.parametrize(
    ("fixed", "message"),
    [
        ({"rep.new_per_dai": 4}, "set.rep.new_per_dai = 4: no such scenario field; rep has:"),
        ({"rep": 4}, "set.rep = 4: is a group of fields"),
        ({"rep.new_per_day": -4}, "set.rep.new_per_day = -4: must be >= 1"),
    ],
)
def test_bad_set_paths_and_values(tmp_path: Path, fixed: dict[str, object], message: str) -> None:
    path = write(tmp_path, {"scenario": "web-leads", "strategy": "speed-to-lead", "set": fixed,
                            "market": {"connect_rate_per_dial": 0.1}})  # fmt: skip
    with pytest.raises(ScenarioError) as info:
        load_problem(path)
    assert message in str(info.value)


@pytest.mark.parametrize("path", sorted(TARGETS_DIR.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_shipped_targets_file_loads(path: Path) -> None:
    """Each targets file in scenarios/targets/ resolves against its scenario (strategies, free
    parameters at their bounds, targets)."""
    problem = load_problem(path)
    assert problem.targets and problem.space.dims
