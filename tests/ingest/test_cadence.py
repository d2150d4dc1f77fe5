"""The cadence a team ran, reconstructed from its export (``sim.ingest.cadence``): a simulated
cadence written as an export comes back step for step (channel, day, time, voicemails, what
the team did after a reply), in every layout that has steps; a loosely run step shows its
spread; an export without steps numbers the touches; ``cadence.yaml`` and ``scenario.yaml``
load as they are written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from sim.ingest.api import ImportOptions, import_export
from sim.ingest.formats import FORMATS
from sim.io.loader import load_scenario, scenario_from_dict
from sim.strategy.cadence import CadenceSpec, PhaseSpec
from tests.ingest.helpers import (
    STEPS,
    TOUCH_FORMATS,
    TZ,
    as_export,
    export_files,
    followup,
    known_run,
    write,
)

RICH = [
    {"day": 0, "time": "08:30", "channel": "email", "template": "step-1"},
    {"day": 0, "time": "15:00", "channel": "call_cell", "template": "step-2",
     "leave_voicemail": True},
    {"day": 2, "time": "09:00", "channel": "text", "template": "step-3"},
    {"day": 4, "time": "11:30", "channel": "social", "template": "step-4"},
    {"day": 7, "time": "10:00", "channel": "call_desk", "template": "step-5"},
    {"day": 11, "time": "13:15", "channel": "email", "template": "step-6"},
]  # fmt: skip
"""Six channels' worth of steps, two on the first day, a voicemail on the cell phone."""


def phase(steps: list[dict[str, Any]], **transitions: str) -> dict[str, Any]:
    """A phase as the cadence model reads it (defaults filled in), for comparison."""
    return PhaseSpec.model_validate(
        {"name": "sequence", "steps": steps, **transitions}
    ).model_dump()


@pytest.mark.parametrize(
    "transitions",
    [{}, {"on_positive": "continue", "on_no": "continue", "on_not_now": "stop"}],
    ids=["stop-at-a-reply", "go-on-after-a-reply"],
)
def test_a_simulated_cadence_comes_back_whole(tmp_path: Path, transitions: dict[str, str]) -> None:
    """Every step's channel, day after the first touch, time and voicemail, and what the team
    did after a yes, a no and a "not now": the phase the team ran, in a time zone of its own
    (Berlin: a day-light saving change falls inside the export)."""
    run = known_run(2000, seed=3, steps=RICH, scenario="baseline", horizon=20, **transitions)
    files = FORMATS["activities"].write(as_export(run, RICH, "Europe/Berlin"), tmp_path,
                                        "Europe/Berlin")  # fmt: skip
    imp = import_export(files, ImportOptions(format="activities", timezone="Europe/Berlin"))
    got = imp.cadence.spec.phases[0].model_dump()
    assert got == phase(RICH, **transitions)
    assert imp.cadence.transitions == {
        "on_positive": "stop", "on_no": "stop", "on_not_now": "continue", **transitions,
    }  # fmt: skip
    assert imp.cadence.steps[0].prospects == 2000
    assert all(s.channel_share == 1.0 for s in imp.cadence.steps)
    assert all(s.day_iqr[0] == s.day_iqr[1] == s.day for s in imp.cadence.steps[1:])


@pytest.mark.parametrize("fmt", TOUCH_FORMATS)
def test_every_layout_with_steps_gives_the_cadence_back(tmp_path: Path, fmt: str) -> None:
    """The same run in each tool's layout (step numbers, or step ids ranked by their time
    after the first touch in Outreach and Salesforce) gives the cadence back."""
    imp = import_export(export_files(fmt, tmp_path), ImportOptions(format=fmt, timezone=TZ))
    assert imp.cadence.spec.phases[0].model_dump() == phase(STEPS)
    assert [s.step for s in imp.cadence.steps] == [1, 2, 3, 4, 5]


def test_a_loosely_run_step_takes_the_median_day_and_shows_its_spread(tmp_path: Path) -> None:
    """Step 2 two, three, three and six business days after step 1 (a weekend in between for
    some): day 3, the middle half of the spacing beside it; the most used channel wins."""
    rows = ["prospect_id,timestamp,channel,step,outcome"]
    for pid, second, channel in (("A", "2024-03-06", "call_desk"), ("B", "2024-03-07",
                                 "call_desk"), ("C", "2024-03-07", "call_desk"),
                                 ("D", "2024-03-12", "email")):  # fmt: skip
        rows += [f"{pid},2024-03-04T09:00:00,email,1,sent",
                 f"{pid},{second}T14:00:00,{channel},2,no_answer" if channel != "email"
                 else f"{pid},{second}T14:00:00,email,2,sent"]  # fmt: skip
    imp = import_export(write(tmp_path, {"a.csv": "\n".join(rows)}),
                        ImportOptions(format="activities"))  # fmt: skip
    second = imp.cadence.steps[1]
    assert (second.day, second.channel, second.time) == (3, "call_desk", "14:00")
    assert second.day_iqr == (2.75, 3.75)
    assert second.channel_share == 0.75
    assert (
        "step 2: day 3 (days 2.75-3.75 for the middle half) at 14:00, call_desk"
        in (imp.cadence.lines()[1])
    )


def test_without_steps_the_touches_are_numbered(tmp_path: Path) -> None:
    rows = """
prospect_id,timestamp,channel,outcome
A,2024-03-04T09:00:00,email,sent
A,2024-03-05T11:00:00,call_desk,voicemail_left
B,2024-03-04T09:10:00,email,opened
B,2024-03-05T11:20:00,call_desk,no_answer
"""
    imp = import_export(write(tmp_path, {"a.csv": rows}), ImportOptions(format="activities"))
    assert any("names no sequence steps" in n for n in imp.notes)
    assert [(s.step, s.channel, s.day) for s in imp.cadence.steps] == [
        (1, "email", 0), (2, "call_desk", 1),
    ]  # fmt: skip


def test_cadence_yaml_and_scenario_yaml_load_as_written(tmp_path: Path) -> None:
    files = export_files("salesloft", tmp_path / "export")
    out = tmp_path / "import"
    done = followup("import", *files, "--format", "salesloft", "--timezone", TZ, "--out", out,
                    "--scenario", "cold-outbound")  # fmt: skip
    assert done.exit_code == 0, done.output
    pasted = yaml.safe_load((out / "cadence.yaml").read_text(encoding="utf-8"))
    base = load_scenario("cold-outbound").model_dump(mode="json")
    base["custom_strategies"].update(pasted["custom_strategies"])
    pasted_in = scenario_from_dict(base, "cadence.yaml").custom_strategies["known-cadence"]
    assert CadenceSpec.model_validate(pasted_in).phases[0].model_dump() == phase(STEPS)
    written = load_scenario(out / "scenario.yaml")
    assert written.strategies == ["known-cadence"]
    assert written.custom_strategies["known-cadence"] == pasted_in
    assert "step 2: day 0 at 15:00, call_desk, voicemail" in done.output
