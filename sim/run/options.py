"""How to run: one frozen value object instead of a dozen keyword arguments.

``RunOptions`` validates itself on creation (each field's range, and combinations an engine
cannot do), so ``simulate`` and the command line share one set of rules. ``replace`` gives a
changed copy: ``RunOptions(prospects=5000).replace(seed=3)``.
"""

from __future__ import annotations

import dataclasses
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.engines.registry import DEFAULT_CHUNK, get_engine
from sim.io.errors import OptionError

if TYPE_CHECKING:
    from sim.engines.base import Engine

MAX_SEED = 2**63 - 1
MAX_PROSPECTS = 100_000_000
"""The largest run one machine is asked to do (a cluster run goes through sweeps or chunks)."""
MAX_WORKERS = 256
SCHEDULER = re.compile(r"(tcp|tls|inproc|ws|wss|ucx)://[^\s/:]+(:\d{1,5})?/?")
"""A Dask scheduler address."""
BYTES_PER_PROSPECT = 1_500
"""Memory a run holds per prospect and strategy (the outcome table and the touch log), as
measured with the vector engine on the baseline scenario (1.3 to 1.4 kB)."""
BYTES_PER_PROCESS = 300_000_000
"""Memory of one process before it simulates anything (Python, NumPy, pandas, the model)."""


@dataclass(frozen=True)
class RunOptions:
    """Everything about a run but the scenario and the strategies.

    ``prospects`` per strategy (the same prospects for each); ``engine`` a name
    (``sim.engines.registry``) or an engine object; ``workers`` processes running the
    (chunk, strategy) tasks side by side; ``chunk`` prospects per chunk (vector engine);
    ``touch_log`` keep the touch log; ``stream`` keep only mergeable statistics (vector
    engine); ``touch_dir`` write the outcome table and touch log there in parquet parts, one
    per chunk and strategy (memory stays flat with tables too);
    ``trace`` prospects whose story is recorded (discrete-event engine); ``precision`` grow
    the run until every meeting-rate 95% CI half-width is below it (a share), up to
    ``max_prospects``; ``week`` also trace a week in the life of one prospect (for the
    charts) under ``week_strategy`` (default the first strategy); ``progress`` show bars;
    ``scheduler`` run the (chunk, strategy) tasks on the Dask scheduler at this address
    (``tcp://host:port``) instead of ``workers`` local processes, with the same results.
    """

    prospects: int = 2000
    seed: int = 0
    engine: str | Engine = "vector"
    workers: int = 1
    chunk: int | None = None
    touch_log: bool = True
    stream: bool = False
    touch_dir: Path | None = None
    trace: tuple[int, ...] = ()
    precision: float | None = None
    max_prospects: int = 2_000_000
    week: bool = False
    week_strategy: str | None = None
    progress: bool = False
    scheduler: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "trace", tuple(int(i) for i in self.trace))
        for name, value, low, high in (
            ("prospects", self.prospects, 1, MAX_PROSPECTS),
            ("seed", self.seed, 0, MAX_SEED),
            ("workers", self.workers, 1, MAX_WORKERS),
            ("max_prospects", self.max_prospects, 1, MAX_PROSPECTS),
        ):
            _check_int(name, value, low, high)
        if self.chunk is not None:
            _check_int("chunk", self.chunk, 1, 10_000_000)
        if self.scheduler is not None and not SCHEDULER.fullmatch(self.scheduler):
            raise OptionError(
                "scheduler", f"must be a Dask address tcp://HOST:PORT, got {self.scheduler!r}"
            )
        try:
            engine = get_engine(self.engine)
        except ValueError as exc:
            raise OptionError("engine", str(exc)) from None
        if self.stream and not engine.streams:
            raise OptionError(
                "stream", f"engine {engine.name!r} cannot stream; use the vector engine"
            )
        if self.trace and not engine.traces:
            raise OptionError(
                "trace", f"engine {engine.name!r} tells no stories; use the des engine"
            )
        for i in self.trace:
            if not 0 <= i < self.prospects:
                raise OptionError("trace", f"prospect {i} is not among the {self.prospects:,} run")
        if self.precision is not None:
            if not 0 < self.precision < 0.5:
                raise OptionError("precision", f"must be between 0 and 0.5, got {self.precision}")
            if self.max_prospects < self.prospects:
                raise OptionError(
                    "max_prospects",
                    f"{self.max_prospects:,} is below prospects ({self.prospects:,})",
                )

    @property
    def engine_name(self) -> str:
        return get_engine(self.engine).name

    def replace(self, **changes: Any) -> RunOptions:
        """A copy with ``changes`` (field names of this class; anything else is an error)."""
        unknown = set(changes) - {f.name for f in dataclasses.fields(self)}
        if unknown:
            raise TypeError(f"unknown run option(s): {', '.join(sorted(unknown))}")
        return dataclasses.replace(self, **changes)


def memory_needed(options: RunOptions, strategies: int) -> int:
    """About how many bytes a run of ``options`` over ``strategies`` strategies holds at its
    peak: every prospect's outcomes and touches, or (streamed) one chunk per worker."""
    processes = 1 + (options.workers if options.workers > 1 else 0)
    if options.stream:
        chunk = options.chunk or get_engine(options.engine).default_chunk or DEFAULT_CHUNK
        held = min(chunk, options.prospects) * max(1, min(options.workers, strategies))
    else:
        held = options.prospects * max(1, strategies)
    return held * BYTES_PER_PROSPECT + processes * BYTES_PER_PROCESS


def physical_memory() -> int | None:
    """Bytes of memory of this machine, when the system says."""
    try:
        return int(os.sysconf("SC_PHYS_PAGES")) * int(os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):
        return None


def check_memory(options: RunOptions, strategies: int, memory: int | None = None) -> None:
    """An ``OptionError`` on ``prospects`` when the run cannot fit in this machine's memory
    (``memory`` bytes; default what the system says), with the estimate and what to do."""
    memory = physical_memory() if memory is None else memory
    needed = memory_needed(options, strategies)
    if memory is None or needed <= memory:
        return
    hint = "fewer prospects or strategies" + ("" if options.stream else ", or --no-tables")
    raise OptionError(
        "prospects",
        f"{options.prospects:,} prospects x {strategies} strategies need about "
        f"{_gb(needed)} of memory and this machine has {_gb(memory)}; use {hint}",
    )


def _gb(n: int) -> str:
    return f"{n / 1e9:,.1f} GB"


def _check_int(name: str, value: object, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise OptionError(name, f"must be a whole number, got {value!r}")
    if not low <= value <= high:
        raise OptionError(name, f"must be between {low:,} and {high:,}, got {value:,}")


__all__ = [
    "MAX_PROSPECTS",
    "MAX_SEED",
    "MAX_WORKERS",
    "RunOptions",
    "check_memory",
    "memory_needed",
    "physical_memory",
]
