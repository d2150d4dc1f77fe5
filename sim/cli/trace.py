"""``followup trace``: one prospect's story under one strategy, day by day (the DES)."""

from __future__ import annotations

import re
import textwrap
from typing import TYPE_CHECKING, Annotated

import typer

from sim.cli.common import ScenarioArg, fail, one_strategy, scenario_from_arg, user_errors
from sim.model.clock import format_time, label

if TYPE_CHECKING:
    from sim.results.week import TraceEvent

STORY_WRAP = textwrap.TextWrapper(width=100, subsequent_indent=" " * 9, break_on_hyphens=False)


def story_lines(events: list[TraceEvent], days: int | None) -> list[str]:
    """Events grouped by business day under a heading; at most ``days`` days."""
    lines: list[str] = []
    shown: list[int] = []
    for event in events:
        day, minute, text = event.day, event.minute, event.text
        if not shown or day != shown[-1]:
            if days is not None and len(shown) == days:
                rest = len({e.day for e in events if e.day > shown[-1]})
                lines.append(f"... {rest} more day{'s' if rest != 1 else ''} (see --days)")
                break
            shown.append(day)
            lines.append(label(day))
        stamp = format_time(minute) if minute is not None else " " * 5
        lines.append(STORY_WRAP.fill(f"  {stamp}  {text}"))
    return lines


def trace(
    scenario: ScenarioArg = None,
    strategy: Annotated[
        str | None, typer.Option(help="Strategy to follow.", show_default="the scenario's first")
    ] = None,
    prospect: Annotated[int, typer.Option(help="Index of the prospect to follow.")] = 0,
    seed: Annotated[int, typer.Option(help="Random seed (0 to 2**63 - 1).")] = 0,
    days: Annotated[
        int | None, typer.Option(help="Print at most this many business days.", show_default="all")
    ] = None,
) -> None:
    """Tell one prospect's story under one strategy, day by day (discrete-event engine)."""
    from sim.engines.des.engine import run_des
    from sim.run.options import MAX_PROSPECTS, MAX_SEED
    from sim.strategy.library import get_strategy

    with user_errors():
        for option, value, low, high in (
            ("prospect", prospect, 0, MAX_PROSPECTS - 1),
            ("seed", seed, 0, MAX_SEED),
            ("days", days, 1, 100_000),
        ):
            if value is not None and not low <= value <= high:
                fail(f"--{option}: must be between {low:,} and {high:,}, got {value:,}")
        scen = scenario_from_arg(scenario)
        name = one_strategy(strategy, scen)
        # prospects are independent (their draws are keyed by their id), so only this one is run
        story = run_des(scen, get_strategy(name, scen), 1, seed, first_id=prospect, trace=[0])
    events = story.traces.get(prospect, [])
    typer.echo(f"scenario {scen.name} | strategy {name} | prospect {prospect} | seed {seed}")
    if not events:
        typer.echo("(nothing recorded)")
        return
    for line in story_lines(events, days):
        typer.echo(line)


def first_sentence(text: str) -> str:
    text = " ".join(text.split())
    match = re.match(r"(.+?[.!?])(\s|$)", text)
    return match.group(1) if match else text


__all__ = ["first_sentence", "story_lines", "trace"]
