"""One exception type for bad user input, carrying one line per problem.

A problem's value is shown in at most ``MAX_VALUE_CHARS`` characters and an error lists at
most ``MAX_PROBLEMS`` problems (then a count of the rest), so a hostile file cannot make the
error itself enormous.
"""

from __future__ import annotations

import difflib
import reprlib
from collections.abc import Iterable
from dataclasses import dataclass

MAX_VALUE_CHARS = 80
"""A bad value is shown in at most this many characters (its start, then ``...``)."""
MAX_PROBLEMS = 30
"""An error shows at most this many problems, then how many more there are."""


class _ShortRepr(reprlib.Repr):
    """``reprlib`` for bad values: long strings cut in the middle, huge numbers by size."""

    def repr_int(self, x: int, level: int) -> str:
        if x.bit_length() > 128:  # a repr of thousands of digits is refused by Python itself
            return f"<a whole number of about {int(x.bit_length() * 0.30103)} digits>"
        return repr(x)


_REPR = _ShortRepr()
_REPR.maxstring = _REPR.maxother = MAX_VALUE_CHARS
_REPR.maxlevel = 3
_REPR.maxlist = _REPR.maxtuple = _REPR.maxdict = _REPR.maxset = 6


def short_repr(value: object) -> str:
    """``repr(value)`` when it is short, else shortened to about ``MAX_VALUE_CHARS`` characters
    (never building the whole text of a huge value)."""
    text = _REPR.repr(value)
    if "..." not in text and "<a whole number" not in text and len(text) <= MAX_VALUE_CHARS:
        return repr(value)  # small: exactly as Python writes it, mapping keys in their order
    return text[: MAX_VALUE_CHARS + 20]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a user's file: where, what was there, what is allowed."""

    path: str
    value: object
    message: str

    def format(self, source: str) -> str:
        where = f"{source}: " if source else ""
        if self.path:
            return f"{where}{self.path} = {short_repr(self.value)}: {self.message}"
        return f"{where}{self.message}"


class ScenarioError(ValueError):
    """A scenario (or strategy, or sweep) file that cannot be used, with every problem in it."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = problems
        super().__init__("\n".join(self.lines()))

    def lines(self) -> list[str]:
        shown = [p.format(self.source) for p in self.problems[:MAX_PROBLEMS]]
        rest = len(self.problems) - MAX_PROBLEMS
        if rest > 0:
            where = f"{self.source}: " if self.source else ""
            shown.append(f"{where}... and {rest} more problem{'s' if rest != 1 else ''}")
        return shown


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
