"""The command line a trainer meets: chart options that list their choices and catch typos,
`followup charts` with slide options, a sweep's dry run, and cadence errors reported all at
once with the fix for an unquoted time."""

from __future__ import annotations

from pathlib import Path

import matplotlib.image
import pytest

from sim.cli.chart_options import CHART_LIST, SlideSize
from sim.viz.options import CHART_NAMES, SIZES
from tests.helpers import ROOT, followup


def test_help_lists_the_choices() -> None:
    assert ", ".join(CHART_NAMES) == CHART_LIST
    assert [s.value for s in SlideSize] == list(SIZES)
    r = followup("charts", "--help")
    assert r.returncode == 0
    for word in ("16:9", "4:3", "--compare", "--highlight", "--only", "touch_value"):
        assert word in r.stdout, word


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cli") / "run"
    r = followup(
        "run", "baseline", "--strategies", "one-and-done,persistent-until-no,overkill",
        "--prospects", "1500", "--seed", "2", "--out", str(out), "--charts", "ranking",
        "--compare", "persistent-until-no,one-and-done",
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    return out


def test_run_draws_only_the_chosen_charts(saved: Path) -> None:
    assert sorted(p.name for p in (saved / "charts").glob("*.png")) == ["ranking.png"]
    assert (saved / "funnel.csv").is_file() and (saved / "report.html").is_file()


def test_charts_redraws_one_chart_at_slide_size_and_keeps_the_others(saved: Path) -> None:
    r = followup("charts", str(saved), "--charts", "pest_frontier", "--size", "4:3",
                 "--highlight", "overkill", "--week-strategy", "overkill")  # fmt: skip
    assert r.returncode == 0, r.stderr
    names = sorted(p.name for p in (saved / "charts").glob("*.png"))
    assert names == ["pest_frontier.png", "ranking.png"]
    height, width = matplotlib.image.imread(saved / "charts" / "pest_frontier.png").shape[:2]
    assert (width, height) == (1500, 1125)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--highlight", "overkil"], "--highlight: unknown strategy 'overkil' (did you mean"),
        (["--compare", "overkill"], "--compare: give two different strategies"),
        (["--charts", "pest-frontier"], "did you mean 'pest_frontier'"),
        (["--size", "21:9"], "21:9"),
        (["--week-strategy", "one-and-don"], "did you mean 'one-and-done'"),
    ],
)
def test_bad_chart_options_fail_with_one_clear_line(
    saved: Path, args: list[str], words: str
) -> None:
    r = followup("charts", str(saved), *args)
    assert r.returncode == 2, r.stderr
    assert words in r.stderr and "Traceback" not in r.stderr


def test_run_checks_chart_options_before_simulating(tmp_path: Path) -> None:
    r = followup("run", "baseline", "--strategies", "one-and-done", "--prospects", "100",
                 "--only", "five-to-one", "--out", str(tmp_path / "x"))  # fmt: skip
    assert r.returncode == 2
    assert "--only: unknown strategy 'five-to-one'" in r.stderr
    assert not (tmp_path / "x" / "summary.csv").exists()


def test_a_misspelt_strategy_gets_a_suggestion_not_the_whole_list() -> None:
    r = followup("run", "baseline", "--strategies", "breakup-afer-two", "--prospects", "10")
    assert r.returncode == 2
    assert "did you mean 'breakup-after-two'" in r.stderr and "known:" not in r.stderr


def test_sweep_dry_run_prints_cells_tasks_and_time(tmp_path: Path) -> None:
    r = followup("sweep", "persistence", "--dry-run", "--workers", "2", "--out",
                 str(tmp_path / "sweep"))  # fmt: skip
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert "25 cells" in lines[0] and "dry run" in lines[0]
    assert "tasks" in lines[1] and lines[2].startswith("estimated time: about")
    assert lines[-1] == "nothing was run (--dry-run)"
    assert not (tmp_path / "sweep").exists()


CADENCE = """
name: broken
custom_strategies:
  mine:
    phases:
      - name: first
        steps:
          - {day: 0, time: 9:00, channel: call_desk}
          - {day: 2, time: "10:00", channel: emial}
          - {day: 1, channel: email}
        then: nowhere
strategies: [mine]
"""


def test_cadence_errors_come_all_at_once_with_the_fix_for_an_unquoted_time(
    tmp_path: Path,
) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(CADENCE, encoding="utf-8")
    r = followup("run", str(path), "--prospects", "10", cwd=ROOT)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    text = "\n".join(lines)
    assert "steps.0.time = 540" in text and 'must be quoted: "09:00"' in text
    assert "time.str" not in text and "time.list" not in text
    assert "steps.1.channel = 'emial'" in text and "did you mean 'email'" in text
    assert "phases.0.steps = [0, 2, 1]: steps must be in order" in text
    assert "phases.0.then = 'nowhere'" in text
    assert len(lines) == 4
    assert all("{" not in line for line in lines)  # no phase printed as a dict
