"""Whole searches at toy sizes, through the command line: every file, the same pick for 1 and
2 workers and on a Dask cluster, an interrupted search resumed, the pick run by ``followup
run`` from ``scenario.yaml`` and given back as ``--baseline``, a search over a posterior,
the Pareto search, and bad options that fail with one clear line and exit code 2."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from sim.cli import app
from sim.io.loader import load_scenario
from sim.optimize.confirm import COMPARISON_COLUMNS, CONSTRAINT_COLUMNS
from sim.optimize.outputs import PARETO_COLUMNS, TRIAL_COLUMNS
from sim.optimize.problem import PICK
from sim.strategy.cadence import CadenceSpec
from tests.helpers import followup as followup_process
from tests.sweep import test_sweep_dask

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow
dask_cluster = test_sweep_dask.scheduler
"""A Dask scheduler with two workers on 127.0.0.1 (the sweep tests' fixture)."""

SIZES = ["--trials", "16", "--prospects", "4096", "--confirm-prospects", "4096"]


def followup(*args: str) -> str:
    done = CliRunner().invoke(app, list(args))
    assert done.exit_code == 0, (done.output, done.exception)
    return done.output


@pytest.fixture(scope="module")
def toy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``cold-outbound`` over 20 business days."""
    folder = tmp_path_factory.mktemp("toy")
    scenario = yaml.safe_load((ROOT / "scenarios" / "cold-outbound.yaml").read_text("utf-8"))
    scenario.setdefault("calendar", {})["horizon_days"] = 20  # rep-capacity sets only a few
    (folder / "short.yaml").write_text(yaml.safe_dump(scenario), encoding="utf-8")
    return folder


def search(toy: Path, name: str, *extra: str) -> tuple[Path, str]:
    out = toy / name
    text = followup("optimize", str(toy / "short.yaml"), *SIZES, "--out", str(out), *extra)
    return out, text


@pytest.fixture(scope="module")
def one(toy: Path) -> tuple[Path, str]:
    return search(toy, "one", "--workers", "1")


@pytest.fixture(scope="module")
def two(toy: Path) -> tuple[Path, str]:
    return search(toy, "two", "--workers", "2")


def test_every_file_and_the_terminal(one: tuple[Path, str]) -> None:
    out, text = one
    for name in ("scenario.yaml", "best.yaml", "trials.parquet", "pareto.csv", "library.csv",
                 "confirmation.csv", "confirmation_summary.csv", "constraints.csv",
                 "report.html", "manifest.json", "charts/front.png", "charts/timeline.png",
                 "charts/progress.png"):  # fmt: skip
        assert (out / name).is_file(), name
    trials = pd.read_parquet(out / "trials.parquet")
    assert list(trials.columns) == TRIAL_COLUMNS
    assert len(trials) == 16 and trials["pick"].sum() == 1
    assert trials["prospects"].max() == 4096 and trials["prospects"].min() == 1024
    pick = trials[trials["pick"]].iloc[0]
    assert pick["finalist"] and pick["meets_constraints"]
    front = pd.read_csv(out / "pareto.csv")
    assert list(front.columns) == PARETO_COLUMNS and len(front) >= 1
    assert (front["opt_out_rate"] <= 0.02).all()
    comparisons = pd.read_csv(out / "confirmation.csv")
    assert list(comparisons.columns) == COMPARISON_COLUMNS
    goal = comparisons[comparisons["metric"] == "meeting_rate"]
    assert len(goal) == 5 and set(goal["strategy_a"]) == {PICK}
    constraints = pd.read_csv(out / "constraints.csv")
    assert list(constraints.columns) == CONSTRAINT_COLUMNS
    assert "violated" not in set(constraints["status"])
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert manifest["trials"] == 16 and manifest["sizes"] == [1024, 4096]
    assert manifest["pick_trial"] == int(pick["trial"])
    assert manifest["confirmation"]["prospects"] == 4096
    assert "confirmation on 4,096 fresh prospects" in text and "pick (trial" in text
    assert "Verdict" in (out / "report.html").read_text("utf-8")


def test_scenario_yaml_runs_the_pick(one: tuple[Path, str], tmp_path: Path) -> None:
    out, _ = one
    scenario = load_scenario(out / "scenario.yaml")
    best = CadenceSpec.model_validate(yaml.safe_load((out / "best.yaml").read_text("utf-8")))
    assert CadenceSpec.model_validate(scenario.custom_strategies[PICK]) == best
    text = followup("run", str(out / "scenario.yaml"), "--strategies",
                    f"{PICK},knowledge-broker", "--prospects", "500", "--workers", "1",
                    "--out", str(tmp_path / "run"))  # fmt: skip
    assert PICK in text


def test_the_same_pick_for_one_and_two_workers(
    one: tuple[Path, str], two: tuple[Path, str]
) -> None:
    for name in ("best.yaml", "pareto.csv", "confirmation.csv", "constraints.csv"):
        assert (one[0] / name).read_text("utf-8") == (two[0] / name).read_text("utf-8"), name
    pd.testing.assert_frame_equal(
        pd.read_parquet(one[0] / "trials.parquet"), pd.read_parquet(two[0] / "trials.parquet")
    )


def test_the_same_pick_on_a_dask_cluster(
    one: tuple[Path, str], toy: Path, dask_cluster: str
) -> None:
    out, text = search(toy, "dask", "--scheduler", dask_cluster)
    assert "dask" in text
    assert (out / "best.yaml").read_text("utf-8") == (one[0] / "best.yaml").read_text("utf-8")


def test_an_interrupted_search_resumes(one: tuple[Path, str], toy: Path) -> None:
    out = toy / "resumed"
    shutil.copytree(one[0] / "evaluations", out / "evaluations")
    files = sorted((out / "evaluations").glob("*.json"))
    for path in files[::2]:  # the batches an interruption lost
        path.unlink()
    (out / "evaluations" / ".0123.json.tmp").write_text("half a batch", encoding="utf-8")
    done = followup_process("optimize", str(toy / "short.yaml"), *SIZES, "--out", str(out),
                            "--workers", "1")  # fmt: skip
    assert done.returncode == 2 and "--resume" in done.stderr and "Traceback" not in done.stderr
    _, text = search(toy, "resumed", "--workers", "1", "--resume")
    assert (out / "best.yaml").read_text("utf-8") == (one[0] / "best.yaml").read_text("utf-8")
    replayed = int(text.split(" evaluations run, ")[1].split(" replayed")[0])
    assert replayed > 0
    _, again = search(toy, "resumed", "--workers", "1", "--resume")
    assert " 0 evaluations run" in again


def test_the_pick_as_the_baseline(one: tuple[Path, str], toy: Path) -> None:
    out, text = search(toy, "baseline", "--workers", "1", "--baseline", str(one[0] / "best.yaml"),
                       "--seed", "3")  # fmt: skip
    summary = pd.read_csv(out / "confirmation_summary.csv")
    assert set(summary.loc[summary["role"] == "baseline", "strategy"]) == {"best"}
    assert "(baseline)" in text


def test_a_search_over_a_posterior(toy: Path) -> None:
    posterior = toy / "posterior.parquet"
    pd.DataFrame({"population.screening.unknown": [0.3, 0.5, 0.7],
                  "weight": [1 / 3] * 3}).to_parquet(posterior)  # fmt: skip
    out, text = search(toy, "posterior", "--workers", "2", "--posterior", str(posterior),
                       "--draws", "2", "--trials", "8")  # fmt: skip
    assert "over 2 posterior draws" in text
    assert "of the 2 posterior draws" in text  # how often the pick beats the runner-up
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert manifest["draws"] == 2 and manifest["confirmation"]["beats_runner_up"] is not None


def test_the_pareto_search(toy: Path) -> None:
    out, _ = search(toy, "pareto", "--workers", "2", "--pareto", "--objective",
                       "meetings_per_rep_hour", "--max-rep-minutes", "20")  # fmt: skip
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert manifest["sampler"].startswith("NSGA-II")
    assert manifest["goal_metric"] == "meetings_per_rep_hour"
    constraints = pd.read_csv(out / "constraints.csv")
    assert "violated" not in set(constraints["status"])
    assert "rep_minutes_per_prospect" in set(constraints["constraint"])


def test_no_cadence_meets_the_constraints(toy: Path, one: tuple[Path, str]) -> None:
    """A cap no cadence can meet (every touch costs a minute or more): the search says so,
    exits with 1, and leaves no pick behind (not even an earlier search's)."""
    out = toy / "impossible"
    shutil.copytree(one[0], out)
    args = ["optimize", str(toy / "short.yaml"), "--trials", "8", "--prospects", "1024",
            "--max-rep-minutes", "0.5", "--workers", "1", "--out", str(out),
            "--overwrite"]  # fmt: skip
    done = CliRunner().invoke(app, args)
    assert done.exit_code == 1, done.output
    assert "no cadence of the search met the constraints" in done.stdout
    assert (out / "trials.parquet").is_file() and (out / "report.html").is_file()
    for name in ("scenario.yaml", "best.yaml", "confirmation.csv", "charts/timeline.png"):
        assert not (out / name).exists(), name
    trials = pd.read_parquet(out / "trials.parquet")
    assert len(trials) == 8 and not trials["meets_constraints"].any()


@pytest.mark.parametrize(
    ("name", "patch"),
    [
        ("baseline", {}),
        ("web-leads", {"leads": {"arrival_hours": {9: 1.0, 13: 1.0}, "attention_pickup": 1.0}}),
        ("rep-capacity", {}),
    ],
)
def test_the_reference_scenarios(tmp_path: Path, name: str, patch: dict[str, object]) -> None:
    """A small search on each reference scenario (20 business days) ends with a pick that
    meets the constraints in its confirmation; with web leads the first touch's minutes after
    the inquiry are searched."""
    scenario = yaml.safe_load((ROOT / "scenarios" / f"{name}.yaml").read_text("utf-8"))
    scenario.setdefault("calendar", {})["horizon_days"] = 20  # rep-capacity sets only a few
    scenario.update(patch)
    (tmp_path / "s.yaml").write_text(yaml.safe_dump(scenario), encoding="utf-8")
    out = tmp_path / "out"
    followup("optimize", str(tmp_path / "s.yaml"), "--trials", "8", "--prospects", "1024",
             "--confirm-prospects", "2048", "--workers", "2", "--out", str(out))  # fmt: skip
    constraints = pd.read_csv(out / "constraints.csv")
    assert "violated" not in set(constraints["status"])
    params = [json.loads(p) for p in pd.read_parquet(out / "trials.parquet")["params"]]
    assert all(("first_after" in p) == bool(patch) for p in params)
    assert load_scenario(out / "scenario.yaml").custom_strategies[PICK]


def test_the_benchmark_runs(toy: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_optimize.py"), "--scenario",
         str(toy / "short.yaml"), "--ladder", "8,16", "--prospects", "4096",
         "--confirm-prospects", "4096", "--workers", "2"],
        capture_output=True, text=True, cwd=ROOT, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith(f"{toy / 'short.yaml'}: goal meetings")
    assert lines[1].lstrip().startswith("8 trials") and " min " in lines[1]
    assert lines[-1].startswith(("first pick that beats", "no search of up to 16 trials"))


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("bad")
    (folder / "bad.yaml").write_text("phases: [{name: a, steps: []}]\n", encoding="utf-8")
    (folder / "holds").mkdir()
    (folder / "holds" / "evaluations").mkdir()
    (folder / "holds" / "evaluations" / "x.json").write_text("[]", encoding="utf-8")
    yield folder


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--max-opt-out", "1.5"], "--max-opt-out: a share of prospects"),
        (["--max-opt-out", "lots"], "--max-opt-out: a number (or none), got 'lots'"),
        (["--max-rep-minutes", "-3"], "--max-rep-minutes: minutes per prospect"),
        (["--channels", "email,emial"], "--channels: unknown channel 'emial' (did you mean"),
        (["--channels", ","], "--channels: give at least one channel"),
        (["--max-touches", "0"], "--max-touches: must be between 1 and 500, got 0"),
        (["--trials", "0"], "--trials: must be a whole number from 1"),
        (["--prospects", "100"], "--prospects: must be a whole number from 256"),
        (["--baseline", "chanel-mix"], "--baseline: unknown strategy 'chanel-mix' (did you mean"),
        (["--baseline", "{scratch}/bad.yaml"], "bad.yaml: phases.0.steps = []"),
        (["--baseline", "{scratch}/none.yaml"], "none.yaml: no such cadence file"),
        (["--workers", "2", "--scheduler", "tcp://127.0.0.1:1"], "exclude each other"),
        (["--resume", "--overwrite"], "--resume and --overwrite exclude each other"),
        (["--draws", "3"], "--draws needs --posterior"),
        (["--posterior", "{scratch}/none.parquet"], "none.parquet: no such posterior file"),
        (["--seed", "-1"], "--seed must be between 0 and 2**63 - 1"),
        (["--out", "{scratch}/holds"], "holds the evaluations of an earlier search"),
    ],
)
def test_bad_options_fail_with_one_line(scratch: Path, args: list[str], words: str) -> None:
    args = [a.replace("{scratch}", str(scratch)) for a in args]
    out = [] if "--out" in args else ["--out", str(scratch / "out")]
    done = CliRunner().invoke(app, ["optimize", "cold-outbound", *args, *out])
    assert done.exit_code == 2, (done.stderr, done.exception)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0], done.stderr
    assert done.stdout == ""


def test_a_bad_option_from_the_shell(scratch: Path) -> None:
    """The same as a user sees it: exit code 2, one line on stderr, no traceback."""
    done = followup_process("optimize", "cold-outbound", "--channels", "fax,smoke-signals")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.strip() == (
        "--channels: unknown channel 'smoke-signals'; known: call_desk, call_cell, email, text, "
        "social, letter, fedex, fax, gift, page, referral, escalation"
    )
