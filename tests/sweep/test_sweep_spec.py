"""Sweep files: validation errors as readable lines (exit code 2, no traceback), the designs'
cells, and seeds that come from identities."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from typer.testing import CliRunner

from sim.cli import app
from sim.io.errors import ScenarioError
from sim.run.options import MAX_SEED, RunOptions
from sim.sweep.design import build_design, sweep_points
from sim.sweep.spec import SWEEP_DIR, load_spec, spec_from_dict
from sim.sweep.tasks import batch_size, batches, cell_tasks, replication_seed

SPEC: dict[str, Any] = {
    "base": "baseline",
    "parameters": [
        {"path": "population.loads.email.median", "values": [60, 120, 240]},
        {"path": "population.tolerance.median", "low": 2, "high": 18, "steps": 3, "log": True},
    ],
    "strategies": ["one-and-done", "breakup-after-two"],
    "prospects": 100,
}


def write(tmp_path: Path, data: dict[str, Any], name: str = "spec.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def sweep_errors(path: Path, tmp_path: Path) -> list[str]:
    """Run ``followup sweep`` on a bad file: exit code 2, no traceback; its stderr lines."""
    result = CliRunner().invoke(app, ["sweep", str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()  # nothing ran
    return str(result.stderr).strip().splitlines()


def with_(patch: dict[str, Any]) -> dict[str, Any]:
    return {**SPEC, **patch}


# -- validation --------------------------------------------------------------------------------


def test_unknown_keys_are_named_with_what_is_allowed(tmp_path: Path) -> None:
    params = [{**SPEC["parameters"][0], "colour": "red"}, SPEC["parameters"][1]]
    path = write(tmp_path, with_({"bogus": 1, "parameters": params}))
    lines = sweep_errors(path, tmp_path)
    assert f"{path}: bogus = 1: unknown key; allowed: base," in lines[1]
    assert lines[0].startswith(f"{path}: parameters.0.colour = 'red': unknown key; allowed: ")
    assert "balance" in lines[0] and "values" in lines[0]


def test_a_path_the_scenario_does_not_have(tmp_path: Path) -> None:
    params = [{"path": "population.loads.emial.median", "values": [1, 2]},
              {"path": "population.tolerance", "values": [2, 3]}]  # fmt: skip
    path = write(tmp_path, with_({"parameters": params, "strategies": ["one-and-done", "nope"]}))
    lines = sweep_errors(path, tmp_path)
    assert lines[0] == (
        f"{path}: parameters.0.path = 'population.loads.emial.median': no such scenario field; "
        "population.loads has: email, voicemail, text, social, mail, parcel, fax"
    )
    assert lines[1].startswith(f"{path}: parameters.1.path = 'population.tolerance': is a group")
    assert lines[2].startswith(f"{path}: strategies.1 = 'nope': unknown strategy; known: ")


def test_values_the_scenario_rejects_are_found_before_anything_runs(tmp_path: Path) -> None:
    params = [
        {"path": "population.loads.email.median", "values": [100, -3]},
        {"path": "response.p_win", "low": 0.2, "high": 1.5, "steps": 2},
        {"path": "population.segments.buyer", "values": [0.3, 0.9],
         "balance": "population.segments.non_fit"},
    ]  # fmt: skip
    lines = sweep_errors(write(tmp_path, with_({"parameters": params})), tmp_path)
    text = "\n".join(lines)
    assert "parameters.0.values = -3: population.loads.email.median: must be > 0" in text
    assert "parameters.1 = 1.5: response.p_win: must be <= 1" in text
    assert "parameters.2.values = 0.9: population.segments.non_fit (balance): must be >= 0" in text
    assert len(lines) == 3  # each problem once, whatever the number of cells it appears in


@pytest.mark.parametrize(
    ("patch", "expected"),
    [
        ({"prospects": 0}, "prospects = 0: must be >= 1"),
        ({"design": "cube"}, "design = 'cube': "),
        ({"metric": "happiness"}, "metric 'happiness' is unknown"),
        ({"compare": ["one-and-done", "overkill"]}, "compare names ['overkill'] not in strategies"),
        ({"design": "sobol", "samples": 6}, "samples = 6: the sobol design needs a power of 2"),
        ({"design": "lhs"}, "parameters.0 = 'population.loads.email.median': the lhs design needs"),
        ({"parameters": [{"path": "response.p_win", "low": 0.5, "high": 0.1, "steps": 2}]},
         "low (0.5) must be below high (0.1)"),
        ({"parameters": [{"path": "response.p_win", "low": 0.1, "high": 0.5}]},
         "a range in a grid design needs steps"),
        ({"sensitivity": {"method": "sobol", "samples": 12}}, "must be a power of 2, got 12"),
    ],
)  # fmt: skip
def test_spec_problems(tmp_path: Path, patch: dict[str, Any], expected: str) -> None:
    lines = sweep_errors(write(tmp_path, with_(patch)), tmp_path)
    assert any(expected in line for line in lines), lines


def test_malformed_yaml_and_missing_files(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("parameters: [\n", encoding="utf-8")
    assert "malformed YAML" in sweep_errors(bad, tmp_path)[0]
    assert "no such sweep file" in sweep_errors(tmp_path / "none.yaml", tmp_path)[0]


def test_sensitivity_needs_ranges(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["sensitivity", str(write(tmp_path, SPEC))])
    assert result.exit_code == 2
    assert "parameters.0 = 'population.loads.email.median': sensitivity analysis needs a range" in (
        result.stderr
    )


def test_the_shipped_specs_are_valid() -> None:
    for path in sorted(SWEEP_DIR.glob("*.yaml")):
        spec, _ = load_spec(path)
        assert spec.name == path.stem
        build_design(spec, path)
    assert load_spec("persistence")[1] == SWEEP_DIR / "persistence.yaml"


# -- designs -----------------------------------------------------------------------------------


def spec_of(**patch: Any) -> Any:
    return spec_from_dict(with_(patch), "<test>")


def test_grid_is_the_product_of_the_values_in_order() -> None:
    points = sweep_points(spec_of())
    assert len(points) == 9
    assert [p["population.loads.email.median"] for p in points[:4]] == [60, 60, 60, 120]
    tolerance = sorted({p["population.tolerance.median"] for p in points})
    assert tolerance == pytest.approx([2, 6, 18])  # log-spaced: 2, 2*3, 2*9


def test_list_design_zips_the_values() -> None:
    params = [{"path": "response.p_win", "values": [0.1, 0.2]},
              {"path": "calendar.horizon_days", "values": [20, 40]}]  # fmt: skip
    points = sweep_points(spec_of(design="list", parameters=params))
    assert points == [
        {"response.p_win": 0.1, "calendar.horizon_days": 20},
        {"response.p_win": 0.2, "calendar.horizon_days": 40},
    ]


@pytest.mark.parametrize("design", ["lhs", "sobol"])
def test_sampled_designs_stay_within_bounds_and_round_whole_numbers(design: str) -> None:
    params = [
        {"path": "response.p_win", "low": 0.1, "high": 0.4},
        {"path": "population.loads.email.median", "low": 20, "high": 500, "log": True},
        {"path": "calendar.horizon_days", "low": 10, "high": 30},
    ]
    spec = spec_of(design=design, samples=16, parameters=params)
    cells = build_design(spec, None).cells
    assert len(cells) == 16
    p_win = np.array([c.values["response.p_win"] for c in cells])
    email = np.array([c.values["population.loads.email.median"] for c in cells])
    days = [c.values["calendar.horizon_days"] for c in cells]
    assert np.all((p_win >= 0.1) & (p_win <= 0.4))
    assert np.all((email >= 20) & (email <= 500))
    assert all(isinstance(d, int) and 10 <= d <= 30 for d in days)
    assert [c.scenario.calendar.horizon_days for c in cells] == days
    if design == "lhs":  # one point in each of the 16 strata of every dimension
        strata = np.floor((p_win - 0.1) / 0.3 * 16).astype(int)
        assert sorted(strata) == list(range(16))
        log_strata = np.floor(np.log(email / 20) / math.log(25) * 16).astype(int)
        assert sorted(log_strata) == list(range(16))
    assert sweep_points(spec) == sweep_points(spec)  # seeded: the same file, the same cells
    assert sweep_points(spec) != sweep_points(spec.model_copy(update={"seed": 1}))


def test_balance_keeps_the_shares_summing_to_one() -> None:
    params = [{"path": "population.segments.buyer", "values": [0.1, 0.5],
               "balance": "population.segments.non_fit"}]  # fmt: skip
    cells = build_design(spec_of(parameters=params), None).cells
    segments = [c.scenario.population.segments for c in cells]
    assert [s.buyer for s in segments] == [0.1, 0.5]
    assert [s.non_fit for s in segments] == pytest.approx([0.8, 0.4])


def test_overrides_apply_to_every_cell() -> None:
    spec = spec_of(overrides={"calendar": {"horizon_days": 25}})
    assert {c.scenario.calendar.horizon_days for c in build_design(spec, None).cells} == {25}
    with pytest.raises(ScenarioError) as err:
        build_design(spec_of(overrides={"calendar": {"horizon": 25}}), None)
    assert err.value.problems[0].path == "overrides.calendar.horizon"


def test_the_sensitivity_sample_has_saltellis_size() -> None:
    params = [
        {"path": "response.p_win", "low": 0.1, "high": 0.4},
        {"path": "population.tolerance.median", "low": 2, "high": 20, "log": True},
    ]
    spec = spec_of(parameters=params, sensitivity={"samples": 8})
    design = build_design(spec, None, "sensitivity")
    assert len(design.cells) == 8 * (2 + 2)
    assert design.unit is not None and design.unit.shape == (32, 2)
    tolerance = [c.values["population.tolerance.median"] for c in design.cells]
    assert min(tolerance) >= 2 and max(tolerance) <= 20
    morris = spec_of(parameters=params, sensitivity={"method": "morris", "samples": 5})
    assert len(build_design(morris, None, "sensitivity").cells) == 5 * (2 + 1)


# -- seeds, keys and batches -------------------------------------------------------------------


def test_seeds_come_from_the_spec_seed_and_the_replication_only() -> None:
    spec = spec_of(replications=3)
    tasks = cell_tasks(spec, build_design(spec, None).cells)
    assert len({t.seeds for t in tasks}) == 1  # common random numbers across cells
    assert tasks[0].seeds == tuple(replication_seed(0, r) for r in range(3))
    assert len(set(tasks[0].seeds)) == 3
    assert len({t.key for t in tasks}) == len(tasks)
    independent = spec.model_copy(update={"common_random_numbers": False})
    other = cell_tasks(independent, build_design(independent, None).cells)
    assert len({t.seeds for t in other}) == len(other)
    assert [t.key for t in other] != [t.key for t in tasks]
    assert cell_tasks(spec, build_design(spec, None).cells) == tasks  # keys are stable


def test_every_replication_seed_is_a_valid_run_seed() -> None:
    """Seeds drawn as 64 bits would be rejected by a run half the time (a seed is at most
    2**63 - 1): seed 2's first replication once was."""
    from sim.run.options import MAX_SEED

    seeds = [replication_seed(s, r, t) for s in range(20) for r in range(5) for t in (None, 7)]
    assert all(0 <= x <= MAX_SEED for x in seeds)
    assert max(seeds) > MAX_SEED // 2  # all 63 bits are used


def test_replication_seeds_are_seeds_simulate_takes() -> None:
    """63 bits: a 64-bit draw at or above 2**63 (spec seeds 2, 4 and 5, replication 0) was
    rejected by ``RunOptions``; the seeds below it are unchanged."""
    seeds = [replication_seed(s, r) for s in range(20) for r in range(3)]
    assert all(0 <= x <= MAX_SEED for x in seeds) and len(set(seeds)) == len(seeds)
    RunOptions(seed=replication_seed(2, 0))
    assert replication_seed(0, 0) == 4958601988401784973  # below 2**63: as before


def test_batches_keep_design_order_and_cover_every_cell() -> None:
    spec = spec_of()
    tasks = cell_tasks(spec, build_design(spec, None).cells)
    size = batch_size(tasks, 2, 100, slots=2)
    assert 1 <= size <= math.ceil(len(tasks) / 8)
    groups = batches(tasks, spec, 4)
    assert [len(b.cells) for b in groups] == [4, 4, 1]
    assert [c for b in groups for c in b.cells] == tasks
    assert len({b.name for b in groups}) == 3


def test_an_unreachable_scheduler_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sim.run.executor.CONNECT_TIMEOUT", "1s")
    path = write(tmp_path, with_({"prospects": 10}))
    args = ["sweep", str(path), "--out", str(tmp_path / "out"), "--scheduler", "tcp://127.0.0.1:1"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1
    assert result.stderr.startswith("cannot reach the Dask scheduler tcp://127.0.0.1:1: ")
    assert "Traceback" not in result.output
