"""What the import's tests share: hand-written files, the command line run in this process, and
simulated teams with a known cadence written as exports (``sim.ingest.synthetic``)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from typer.testing import CliRunner, Result

from sim.cli import app
from sim.ingest.formats import FORMATS
from sim.ingest.formats.base import Synthetic
from sim.ingest.synthetic import synthetic_export
from sim.io.loader import load_scenario, scenario_from_dict
from sim.results.result import RunResult
from sim.run.simulate import simulate

ROOT = Path(__file__).resolve().parents[2]
TZ = "America/New_York"
SEQUENCE = "Known cadence"
STEPS = [
    {"day": 0, "time": "08:30", "channel": "email", "template": "step-1"},
    {"day": 0, "time": "15:00", "channel": "call_desk", "template": "step-2",
     "leave_voicemail": True},
    {"day": 2, "time": "09:05", "channel": "email", "template": "step-3"},
    {"day": 6, "time": "11:30", "channel": "call_desk", "template": "step-4"},
    {"day": 9, "time": "16:45", "channel": "email", "template": "step-5"},
]  # fmt: skip
"""A cadence every tool's layout can hold (emails and desk calls), times off the default."""
TOUCH_FORMATS = ("activities", "outreach", "salesloft", "hubspot", "salesforce")
"""The formats with a touch log (``prospects`` has one row per prospect)."""


def write(folder: Path, files: dict[str, str]) -> list[Path]:
    """Hand-written files (stripped, one trailing newline) into ``folder``."""
    out = []
    for name, body in files.items():
        path = folder / name
        path.write_text(body.strip() + "\n", encoding="utf-8")
        out.append(path)
    return out


def followup(*args: str | Path) -> Result:
    """``followup ARGS`` in this process; an exception that escapes the command fails the
    test (the command line must turn every bad input into a clean error)."""
    return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)


def error_lines(result: Result, code: int = 2) -> list[str]:
    """The lines a failed command printed to stderr, after checking its exit code, that it
    printed nothing to stdout and no traceback."""
    assert result.exit_code == code, (result.exit_code, result.output)
    assert "Traceback" not in result.output, result.output
    assert result.stdout == "", result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines, "no error message"
    return lines


def known_run(
    prospects: int, seed: int, steps: list[dict[str, Any]] | None = None,
    scenario: str = "cold-outbound", horizon: int = 15, **phase: str,
) -> RunResult:  # fmt: skip
    """``scenario`` with one strategy, ``known``: one phase of ``steps`` (default ``STEPS``) and
    the ``phase`` options (``on_positive``...), simulated with the touch log."""
    data = load_scenario(scenario).model_dump(mode="json")
    data["calendar"]["horizon_days"] = horizon
    data["custom_strategies"]["known"] = {
        "description": "A known cadence (tests/ingest).",
        "phases": [{"name": "sequence", "steps": steps or STEPS, **phase}],
    }
    return simulate(scenario_from_dict(data, "<known>"), ["known"], prospects=prospects,
                    seed=seed, touch_log=True)  # fmt: skip


def as_export(run: RunResult, steps: list[dict[str, Any]] | None = None, tz: str = TZ) -> Synthetic:
    """A run as its team's tool would have recorded it."""
    templates = [str(s["template"]) for s in steps or STEPS]
    return synthetic_export(run.prospects, run.touches, sequence=SEQUENCE, steps=templates,
                            tz=tz)  # fmt: skip


@cache
def _cached_run(prospects: int, seed: int) -> RunResult:
    return known_run(prospects, seed)


def export_files(fmt: str, folder: Path, prospects: int = 1500, seed: int = 3) -> list[Path]:
    """The known cadence's run (cached by size and seed) written in ``fmt``'s layout."""
    folder.mkdir(parents=True, exist_ok=True)
    return FORMATS[fmt].write(as_export(_cached_run(prospects, seed)), folder, TZ)


def cached_run(prospects: int = 1500, seed: int = 3) -> RunResult:
    return _cached_run(prospects, seed)
