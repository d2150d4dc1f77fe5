"""Where a sweep's tasks run: any ``concurrent.futures.Executor`` (``sim.run.executor``:
local processes, this process, or a Dask cluster whose workers can import ``sim``, the same
package version: it is part of every cell's key).

At most ``IN_FLIGHT_PER_SLOT`` tasks per worker are submitted at a time, so an interrupted
sweep loses at most those; results come back to this process, which writes each task's shard
as soon as it arrives (the workers need no shared file system). A progress bar on stderr
counts cells and estimates the time left.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, wait
from typing import Never

import pandas as pd
from tqdm import tqdm

from sim.run.executor import (
    CONNECT_TIMEOUT,
    IN_FLIGHT_PER_SLOT,
    Runner,
    SchedulerError,
    dask_slots,
    runner,
)
from sim.sweep.tasks import Batch, run_batch


def run_batches(
    batches: list[Batch], run: Runner, on_done: Callable[[Batch, pd.DataFrame], None]
) -> None:
    """Run every batch; call ``on_done`` (in this process) as each one finishes."""
    if run.executor is None:
        for batch in batches:
            on_done(batch, run_batch(batch))
        return
    pending = list(reversed(batches))
    running: dict[Future[pd.DataFrame], Batch] = {}
    limit = max(1, IN_FLIGHT_PER_SLOT * run.slots)
    try:
        while pending or running:
            while pending and len(running) < limit:
                batch = pending.pop()
                running[run.executor.submit(run_batch, batch)] = batch
            finished, _ = wait(list(running), return_when=FIRST_COMPLETED)
            for future in finished:
                batch = running.pop(future)
                on_done(batch, future.result())
    finally:
        for future in running:
            future.cancel()


def progress_bar(total: int, done: int, enabled: bool) -> tqdm[Never]:
    """Cells done out of ``total`` with the rate and the time left, on stderr."""
    return tqdm(
        total=total, initial=done, desc="sweep", unit="cell", file=sys.stderr,
        disable=not enabled, smoothing=0.1, dynamic_ncols=True,
    )  # fmt: skip


__all__ = [
    "CONNECT_TIMEOUT",
    "Runner",
    "SchedulerError",
    "dask_slots",
    "progress_bar",
    "run_batches",
    "runner",
]
