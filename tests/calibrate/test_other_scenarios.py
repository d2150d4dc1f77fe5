"""Targets observed on another scenario than the file's (a target's ``scenario``): one fit keeps
facts of several lists. The free parameters are set on every scenario, each target is computed
on its own, and a file that names a scenario badly fails with one line per problem."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from sim.calibrate.evaluate import make_job, refs, run_job
from sim.calibrate.problem import load_problem
from sim.calibrate.space import apply_values
from sim.calibrate.statistics import CATALOGUE
from sim.io.errors import ScenarioError
from sim.io.loader import load_scenario, scenario_from_dict
from sim.run import simulate

VELOCIFY = {"statistic": "first_contact_share", "scenario": "web-leads", "strategy": "five-to-one",
            "attempt": 7, "bound": "at_least", "value": 0.9}  # fmt: skip


def write(folder: Path, data: dict[str, object]) -> Path:
    path = folder / "t.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def two_lists(folder: Path) -> Path:
    return write(folder, {
        "scenario": "cold-outbound", "strategy": "opener-plus-1",
        "free": {"habituation": {"low": 0.0, "high": 1.0}},
        "targets": [{"statistic": "replied_share", "value": 0.05, "band": [0.03, 0.07]}, VELOCIFY],
    })  # fmt: skip


def test_a_target_on_another_scenario_is_resolved_there(tmp_path: Path) -> None:
    problem = load_problem(two_lists(tmp_path))
    assert [o.name for o in problem.others] == ["web-leads"]
    assert problem.others[0].base["name"] == "web-leads"
    assert [t.part for t in problem.targets] == [0, 1]
    assert problem.strategies == ["opener-plus-1"]
    assert problem.strategies_on(1) == ["five-to-one"]
    assert problem.targets[1].label == "first_contact_share[attempt=7] on web-leads"
    # the free parameters are set on every scenario
    (data, names), = problem.other_parts({"habituation": 0.2})  # fmt: skip
    assert data["salience"]["habituation"] == data["response"]["w_habituation"] == 0.2
    assert data["name"] == "web-leads" and names == ("five-to-one",)


def test_an_evaluation_computes_each_target_on_its_own_scenario(tmp_path: Path) -> None:
    """Planted: the job's values are the statistics of direct runs of each scenario with the
    free values set (same prospects, same seed)."""
    problem = load_problem(two_lists(tmp_path))
    values = {"habituation": 0.4}
    job = make_job(problem.space.scenario_data(values), problem.strategies, refs(problem.targets),
                   600, 5, problem.other_parts(values))  # fmt: skip
    outcome = run_job(job)
    assert outcome.error is None
    expected = []
    for target, data in zip(problem.targets,
                            (problem.space.scenario_data(values),
                             apply_values(load_scenario("web-leads").model_dump(mode="json"),
                                          values)), strict=True):  # fmt: skip
        result = simulate(scenario_from_dict(data, "<test>"), [target.strategy], prospects=600,
                          seed=5, touch_log=True)  # fmt: skip
        expected.append(CATALOGUE[target.statistic](result.prospects, result.touches, target.args))
    assert outcome.values == pytest.approx([e.value for e in expected])
    assert outcome.ns == tuple(e.n for e in expected)
    # the other scenario is part of the job's identity; a job of one scenario is keyed as before
    alone = make_job(job.scenario, job.strategies, job.targets[:1], 600, 5)
    assert alone.key != job.key and alone.others == ()
    assert make_job(job.scenario, job.strategies, job.targets[:1], 600, 5, ()).key == alone.key


@pytest.mark.parametrize(
    ("target", "where", "message"),
    [
        ({**VELOCIFY, "scenario": "nowhere"}, "targets.1.scenario",
         "no such scenario file or name in scenarios/"),
        ({k: v for k, v in VELOCIFY.items() if k != "strategy"}, "targets.1.strategy",
         "a target on another scenario names its own strategy"),
        ({**VELOCIFY, "strategy": "opener-plus-1"}, "targets.1.strategy", "unknown strategy"),
    ],
)  # fmt: skip
def test_a_bad_other_scenario_is_a_clear_error(
    tmp_path: Path, target: dict[str, object], where: str, message: str
) -> None:
    path = write(tmp_path, {
        "scenario": "cold-outbound", "strategy": "opener-plus-1",
        "free": {"habituation": {"low": 0.0, "high": 1.0}},
        "targets": [{"statistic": "replied_share", "value": 0.05, "band": [0.03, 0.07]}, target],
    })  # fmt: skip
    with pytest.raises(ScenarioError) as info:
        load_problem(path)
    (line,) = [x for x in info.value.lines() if where in x]
    assert message in line and line.startswith(str(path))
