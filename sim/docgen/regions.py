"""The generated regions of hand-written pages: the lines between
``<!-- BEGIN GENERATED: <region> ...`` and ``<!-- END GENERATED: <region> -->``, and the
list of every region (``REGIONS``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sim.docgen.config import COMMAND
from sim.docgen.reference import (
    cadence_reference,
    catalogue_markdown,
    python_reference,
    table_columns,
)
from sim.docgen.scenario_fields import field_reference


def begin_line(region: str) -> str:
    return f"<!-- BEGIN GENERATED: {region} ({COMMAND}; do not edit by hand) -->"


def end_line(region: str) -> str:
    return f"<!-- END GENERATED: {region} -->"


def with_region(page: str, region: str, text: str, where: str = "the page") -> str:
    """``page`` with the lines between the markers of ``region`` replaced by ``text``."""
    start = page.find(f"<!-- BEGIN GENERATED: {region}")
    end = page.find(end_line(region))
    if start < 0 or end < start:
        raise ValueError(f"{where} needs the lines '{begin_line(region)}' and '{end_line(region)}'")
    return page[:start] + begin_line(region) + "\n\n" + text.rstrip() + "\n\n" + page[end:]


@dataclass(frozen=True)
class Region:
    """A generated region of a hand-written page (``page`` relative to the docs folder)."""

    page: Path
    name: str
    render: Callable[[Path], str]


REGIONS = (
    Region(Path("guide/scenario-file.md"), "scenario fields", lambda d: field_reference(docs=d)),
    Region(Path("guide/strategies.md"), "cadence fields", lambda d: cadence_reference()),
    Region(Path("guide/strategies.md"), "python strategies", lambda d: python_reference()),
    Region(Path("guide/outputs.md"), "table columns", lambda d: table_columns()),
    Region(Path("guide/calibration.md"), "statistics", lambda d: catalogue_markdown()),
)
"""Every generated region, by page."""
