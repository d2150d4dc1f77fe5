"""One exception type for bad user input, carrying one line per problem."""

from __future__ import annotations

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
