"""What a format adapter is: its files, its vocabularies, a reader into the tidy log and a
writer of a simulated run in the tool's own layout (the planted truth, the example export)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sim.ingest.log import Export
from sim.ingest.vocab import Mapping, Vocabulary


@dataclass(frozen=True)
class Synthetic:
    """A simulated run as an export would record it (``sim.ingest.synthetic``): the tidy log
    (``sim.ingest.log.LOG_COLUMNS`` but ``file`` and ``row``), the enrolments
    (``prospect_id, sequence, arrived_at``) and, for the ``prospects`` format, one row per
    prospect (``prospect_id, attempts, outcome, channel, first_contact_attempt, arrived_at``)."""

    log: pd.DataFrame
    enrolments: pd.DataFrame
    outcomes: pd.DataFrame


Reader = Callable[[list[Path], Mapping, str], Export]
"""Files, the mapping (defaults and ``--map``), the team's time zone -> the export."""
Writer = Callable[[Synthetic, Path, str], list[Path]]
"""A synthetic run, a folder, the time zone to write times in -> the files written."""


@dataclass(frozen=True)
class Adapter:
    name: str
    summary: str
    """One line: the tool, and the files it takes."""
    vocabularies: tuple[Vocabulary, ...]
    """The first is the main one (``--map outcome=...``)."""
    read: Reader
    write: Writer


__all__ = ["Adapter", "Reader", "Synthetic", "Writer"]
