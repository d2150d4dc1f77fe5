"""Vocabularies: what a tool's dispositions, statuses and outcomes mean in the tidy log.

Every tool spells its outcomes its own way, and teams customise them ("Left VM", "Gatekeeper",
"Meeting Set"). A ``Vocabulary`` is one column's values and what each maps to: one of the
tidy log's outcomes (``OUTCOMES``), a channel, a direction, or ``skip`` (leave the row out:
a task not done yet, an out-of-office auto-reply that is no reply). Each format has a default
mapping per vocabulary; ``--map NAME=VALUE:TARGET`` overrides or adds a value (``NAME`` is the
vocabulary, named by the column it reads, or ``outcome`` for the format's main one). Values
are matched ignoring case, spaces, hyphens and underscores ("Left Voicemail" =
"left_voicemail"). A value with no mapping is an error naming the file, the row, the column,
the value and the ``--map`` that would fix it. The mapping used (the values seen and their
targets) is written into ``targets.yaml``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from sim.ingest.source import DataError, Table, categorical
from sim.io.errors import OptionError, Problem, did_you_mean
from sim.model.channels import Channel

OUTCOMES = (
    "no_answer",
    "busy",
    "voicemail_left",
    "connected",
    "sent",
    "bounced",
    "opened",
    "replied_positive",
    "replied_negative",
    "not_now",
    "opted_out",
    "meeting_booked",
)
"""A touch's outcome in the tidy log: how far it got (calls: no_answer, busy,
voicemail_left, connected; messages: sent, bounced, opened) or what the prospect said."""
SKIP = "skip"
OUTCOME_TARGETS = (*OUTCOMES, SKIP)
CHANNEL_TARGETS = (*(c.name for c in Channel), SKIP)
DIRECTIONS = ("outbound", "inbound")
MAIN = "outcome"
"""The ``--map`` name of a format's main vocabulary."""


def normalize(value: object) -> str:
    """A value as matched: lower case, runs of spaces, hyphens and underscores as one space."""
    return re.sub(r"[\s_\-]+", " ", str(value).strip().lower())


@dataclass(frozen=True)
class Vocabulary:
    """One column's values and what each means."""

    name: str
    """The ``--map`` name: the column it reads, as the tool's export names it."""
    what: str
    targets: tuple[str, ...]
    defaults: dict[str, str]
    blank: str | None = None
    """What a missing value means; None: a missing value is an error."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "defaults", {normalize(k): v for k, v in self.defaults.items()})
        bad = sorted(set(self.defaults.values()) - set(self.targets))
        if bad:
            raise ValueError(f"vocabulary {self.name}: default targets {bad} not allowed")


@dataclass
class Mapping:
    """The vocabularies of a format with the ``--map`` overrides, and what was used."""

    vocabularies: dict[str, Vocabulary]
    overrides: dict[str, dict[str, str]] = field(default_factory=dict)
    used: dict[str, dict[str, str]] = field(default_factory=dict)
    """Per vocabulary, each value seen (as written) and its target."""

    def table(self, name: str) -> dict[str, str]:
        v = self.vocabularies[name]
        return {**v.defaults, **self.overrides.get(name, {})}

    def apply(
        self, table: Table, column: str, name: str, rows: NDArray[np.bool_] | None = None
    ) -> pd.Categorical:
        """The targets of ``table``'s ``column`` (read under vocabulary ``name``), as a
        categorical over the vocabulary's targets; rows outside ``rows`` are missing. A value
        with no mapping, or a missing value where the vocabulary allows none, is an error."""
        v = self.vocabularies[name]
        n = len(table.frame)
        keep = np.ones(n, dtype=bool) if rows is None else rows
        raw = table.frame[column] if column in table.frame else pd.Series([None] * n, dtype=object)
        cats = categorical(raw)
        lookup = self.table(name)
        targets = list(v.targets)
        code_of = np.array(
            [targets.index(lookup[k]) if (k := normalize(c)) in lookup else -1
             for c in cats.categories],
            dtype=np.int64,
        )  # fmt: skip
        codes = cats.codes.astype(np.int64)
        out = np.where(codes >= 0, code_of[np.maximum(codes, 0)] if len(code_of) else -1, -2)
        blank: int = targets.index(v.blank) if v.blank is not None else -2
        out = np.where(out == -2, blank, out)
        problems: list[Problem] = []
        unknown = keep & (out == -1)
        if unknown.any():
            seen: dict[str, int] = {}
            for i in np.flatnonzero(unknown).tolist():
                seen.setdefault(str(cats[i]), i)
                if len(seen) > 8:
                    break
            for value, first in seen.items():
                fix = f"--map {name}={value}:TARGET"
                problems += table.problems(column, np.array([first]), (
                    f"no mapping for this value in {v.what}; add one with {fix}, TARGET one of: "
                    f"{', '.join(v.targets)}"
                ))  # fmt: skip
        missing = keep & (out == -2)
        if missing.any():
            problems += table.problems(column, np.flatnonzero(missing), f"{v.what} is missing")
        if problems:
            raise DataError(table.source, problems)
        out = np.where(keep, out, -1)
        used = self.used.setdefault(name, {})
        present = np.unique(codes[keep & (codes >= 0)])
        for c in present:
            used[str(cats.categories[c])] = targets[int(code_of[c])]
        return pd.Categorical.from_codes(out, categories=pd.Index(targets, dtype=object))


def parse_maps(options: Sequence[str], vocabularies: Sequence[Vocabulary]) -> Mapping:
    """``--map NAME=VALUE:TARGET`` options over a format's vocabularies (the first is the main
    one, also named ``outcome``). A bad option is an ``OptionError`` naming it."""
    known = {v.name: v for v in vocabularies}
    overrides: dict[str, dict[str, str]] = {}
    for option in options:
        name, eq, rest = option.partition("=")
        value, colon, target = rest.rpartition(":")
        if not eq or not colon or not name.strip() or not value.strip() or not target.strip():
            raise OptionError("map", f"{option!r} is not NAME=VALUE:TARGET (e.g. "
                                     f"{vocabularies[0].name}=Left VM:voicemail_left)")  # fmt: skip
        name, value, target = name.strip(), value.strip(), target.strip()
        if name == MAIN and MAIN not in known:
            name = vocabularies[0].name
        match = next((k for k in known if k.lower() == name.lower()), None)
        if match is None:
            names = [*known, *([MAIN] if MAIN not in known else [])]
            raise OptionError("map", f"{option!r}: this format has no vocabulary {name!r}"
                                     f"{did_you_mean(name, names)}; it has: "
                                     f"{', '.join(names)}")  # fmt: skip
        v = known[match]
        if target not in v.targets:
            raise OptionError("map", f"{option!r}: {target!r} is not a target of {v.name}"
                                     f"{did_you_mean(target, v.targets)}; allowed: "
                                     f"{', '.join(v.targets)}")  # fmt: skip
        overrides.setdefault(match, {})[normalize(value)] = target
    return Mapping(known, overrides)


__all__ = [
    "CHANNEL_TARGETS",
    "DIRECTIONS",
    "MAIN",
    "OUTCOMES",
    "OUTCOME_TARGETS",
    "SKIP",
    "Mapping",
    "Vocabulary",
    "normalize",
    "parse_maps",
]
