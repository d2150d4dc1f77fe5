"""One exception type for bad user input, carrying one line per problem."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a user's file: where, what was there, what is allowed."""

    path: str
    value: object
    message: str

    def format(self, source: str) -> str:
        where = f"{source}: " if source else ""
        if self.path:
            return f"{where}{self.path} = {self.value!r}: {self.message}"
        return f"{where}{self.message}"


class ScenarioError(ValueError):
    """A scenario (or strategy, or sweep) file that cannot be used, with every problem in it."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = problems
        super().__init__("\n".join(self.lines()))

    def lines(self) -> list[str]:
        return [p.format(self.source) for p in self.problems]


class OptionError(ValueError):
    """A bad value for a run option (``sim.run.RunOptions``), naming the option."""

    def __init__(self, option: str, message: str) -> None:
        self.option = option
        self.message = message
        super().__init__(f"{option}: {message}")

    @property
    def flag(self) -> str:
        """The command-line spelling of the option."""
        return "--" + self.option.replace("_", "-")


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the known names closest to a misspelt one
    (``difflib.get_close_matches``), or an empty string when none is close."""
    close = difflib.get_close_matches(name, list(known), n=2, cutoff=0.6)
    if not close:
        return ""
    return f" (did you mean {' or '.join(repr(c) for c in close)}?)"


def unknown_names(kind: str, unknown: Iterable[str], known: Iterable[str]) -> str:
    """One line for names that are not known, each with its closest known names; the whole
    list of known ones only when some name is close to none (``kind``: what they name, e.g.
    "strategy")."""
    known = list(known)
    unknown = list(unknown)
    plural = "" if len(unknown) == 1 else ("ies" if kind.endswith("y") else "s")
    stem = kind[:-1] if plural == "ies" else kind
    hints = [did_you_mean(n, known) for n in unknown]
    named = ", ".join(f"{n!r}{h}" for n, h in zip(unknown, hints, strict=True))
    tail = "" if all(hints) else f"; known: {', '.join(known)}"
    return f"unknown {stem}{plural} {named}{tail}"
