"""What every command shares: failing cleanly, reading the scenario and strategy options,
naming the output folder, and stopping cleanly on Ctrl-C.

Bad input prints one line per problem to stderr and exits with code 2, without a traceback.
Ctrl-C prints one line (what was kept) and exits with code 130. This module and the command
modules import only what ``--help`` needs; the simulator is imported inside the commands, so
``followup --help`` stays fast.
"""

from __future__ import annotations

import os
import re
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from sim.io.errors import OptionError, ScenarioError

if TYPE_CHECKING:
    from sim.model.scenario import Scenario

SchedulerOpt = Annotated[
    str | None,
    typer.Option(help="Run on the Dask cluster of this scheduler (tcp://HOST:PORT) instead."),
]
"""``--scheduler``, the same for every command that can run on a Dask cluster."""

WorkersOpt = Annotated[
    int | None,
    typer.Option(
        help="Local worker processes running the tasks side by side.",
        show_default="2 with 2 CPUs or more, else 1",
    ),
]
"""``--workers``, the same for every command that runs tasks on local processes."""

DEFAULT_SCENARIO = "scenarios/baseline.yaml"
INTERRUPTED = 130
"""The exit code after Ctrl-C (128 + SIGINT), as shells give it."""


class OutputFormat(StrEnum):
    table = "table"
    json = "json"


ScenarioArg = Annotated[
    str | None,
    typer.Argument(
        help="Scenario file, or the name of one in scenarios/.",
        show_default=DEFAULT_SCENARIO,
    ),
]


def os_error_text(exc: OSError) -> str:
    """What went wrong, in the system's words: "No space left on device" (pyarrow's errors
    wrap the system's message in their own)."""
    if exc.errno:
        return os.strerror(exc.errno)
    return exc.strerror or str(exc)


def fail(message: str, code: int = 2) -> NoReturn:
    """Print one line to stderr and exit."""
    typer.echo(message, err=True)
    raise typer.Exit(code)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn a ``ScenarioError`` into its lines on stderr, and an ``OptionError`` into one line
    naming the command-line option, with exit code 2."""
    try:
        yield
    except ScenarioError as exc:
        for line in exc.lines():
            typer.echo(line, err=True)
        raise typer.Exit(2) from None
    except OptionError as exc:
        fail(f"{exc.flag}: {exc.message}")


def _is_the_program() -> bool:
    """This process is the ``followup`` command (its script or ``python -m sim.cli``), not a
    Python session or a test calling a command's function."""
    script = os.path.basename(sys.argv[0]).removesuffix(".exe")
    return script == "followup" or sys.argv[0].endswith(os.path.join("sim", "cli", "__main__.py"))


@contextmanager
def interruptible(note: str) -> Iterator[None]:
    """Ctrl-C inside the block raises ``KeyboardInterrupt`` (so that ``finally`` blocks clean
    up and worker pools are stopped), then prints ``note`` (what was kept) and exits 130."""
    main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, signal.default_int_handler) if main else None
    try:
        yield
    except KeyboardInterrupt:
        typer.echo(f"\n{note}", err=True)
        if main and _is_the_program():
            # the cleanup is done (``finally`` blocks ran on the way here): leave now, not
            # after the interpreter has joined every thread a library left behind
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(INTERRUPTED)
        raise typer.Exit(INTERRUPTED) from None
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)


def safe_folder_name(name: str) -> str:
    """A scenario's (or sweep's) name as one folder name: letters, digits, ``.``, ``_`` and
    ``-`` kept, anything else (``/``, ``..``, spaces) a ``-``, at most 100 characters; so a
    name cannot choose a folder outside ``reports/``."""
    safe = re.sub(r"-{2,}", "-", re.sub(r"[^\w.-]+|\.{2,}", "-", name))
    safe = safe.strip("-.")[:100].strip("-.")
    return safe or "unnamed"


def output_folder(out: str | None, name: str, under: Path = Path("reports")) -> Path:
    """The ``--out`` folder, or ``under`` / the name made safe (``safe_folder_name``)."""
    if out is None:
        return under / safe_folder_name(name)
    if not out.strip():
        raise OptionError("out", f"is empty; give a folder (default: {under}/<name>)")
    return Path(out)


def resumable_folder(out: str | None, name: str, under: Path) -> Path:
    """The ``--out`` folder of a job that keeps its finished work there (a sweep, a
    calibration, a search): ``output_folder``, and not a file."""
    folder = output_folder(out, name, under)
    if folder.exists() and not folder.is_dir():
        raise OptionError("out", f"{folder} is a file, not a folder")
    return folder


@contextmanager
def resumable_work(folder: Path, kept: str, doing: str = "write into") -> Iterator[None]:
    """The block of such a job: Ctrl-C, a lost Dask scheduler, a full disk or a dead worker is
    one line that says what is kept (``kept``: "the finished cells") and exits."""
    from concurrent.futures.process import BrokenProcessPool

    from sim.sweep.execute import SchedulerError

    note = f"{kept} are kept in {folder} (--resume continues)"
    with interruptible(f"interrupted; {note}"):
        try:
            yield
        except SchedulerError as exc:
            fail(str(exc), code=1)
        except OSError as exc:
            fail(f"cannot {doing} {folder}: {os_error_text(exc)}", code=1)
        except BrokenProcessPool:
            fail(f"a worker process died (out of memory?); {note}", code=1)


def scenario_from_arg(scenario: str | None) -> Scenario:
    """Load a scenario by path or name; without one, ``scenarios/baseline.yaml`` if it is in
    the working directory, else the project's ``baseline`` scenario."""
    from sim.io.loader import load_scenario

    if scenario is not None and not scenario.strip():
        fail("scenario: an empty name; give a scenario file or the name of one in scenarios/")
    if scenario is None:
        scenario = DEFAULT_SCENARIO if Path(DEFAULT_SCENARIO).exists() else "baseline"
    return load_scenario(scenario)


def known_strategies(scenario: Scenario) -> list[str]:
    from sim.strategy.library import library_names

    lib = library_names()
    return [*lib, *(n for n in scenario.custom_strategies if n not in lib)]


def strategy_list(option: str | None, scenario: Scenario, flag: str = "--strategies") -> list[str]:
    """The ``--strategies`` option as names: ``all`` (the default; kept for ``simulate`` to
    expand into the library plus the scenario's own) or ``scenario`` (the scenario's
    ``strategies`` list) may stand among the names."""
    names = [n.strip() for n in ("all" if option is None else option).split(",") if n.strip()]
    if not names:
        fail(
            f"{flag}: no strategy names given"
            + (" (default: all)" if flag == "--strategies" else "")
        )
    if "scenario" in names:
        if not scenario.strategies:
            fail("--strategies scenario: the scenario lists no strategies")
        at = names.index("scenario")
        names[at : at + 1] = list(scenario.strategies)
        names = list(dict.fromkeys(n for n in names if n != "scenario"))
    known = known_strategies(scenario)
    unknown = [n for n in names if n not in known and n != "all"]
    if unknown:
        from sim.io.errors import unknown_names

        fail(f"{flag}: {unknown_names('strategy', unknown, known)}")
    return names


def one_strategy(option: str | None, scenario: Scenario) -> str:
    """The ``--strategy`` option of ``trace``: one known name (default: the scenario's first)."""
    from sim.strategy.library import expand

    if option is None:
        if not scenario.strategies:
            fail("the scenario lists no strategies; give one with --strategy")
        return expand(scenario.strategies[:1], scenario)[0]
    if option == "all" or "," in option:
        fail("--strategy: give exactly one strategy name")
    return strategy_list(option, scenario, "--strategy")[0]


def default_workers() -> int:
    """Worker processes when ``--workers`` is not given: 2 on a machine with 2 CPUs or more."""
    return 2 if (os.cpu_count() or 1) >= 2 else 1


__all__ = [
    "DEFAULT_SCENARIO",
    "INTERRUPTED",
    "OutputFormat",
    "ScenarioArg",
    "default_workers",
    "fail",
    "interruptible",
    "one_strategy",
    "os_error_text",
    "output_folder",
    "safe_folder_name",
    "scenario_from_arg",
    "strategy_list",
    "user_errors",
]
