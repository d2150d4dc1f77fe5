"""Where a sweep's tasks run: any ``concurrent.futures.Executor``.

- local processes (the default): ``sim.run.pool.worker_pool(workers)``, whose workers die
  with this process (and at once on Ctrl-C or an error); one worker runs the tasks in this
  process, one after the other;
- a Dask cluster: ``distributed.Client(address).get_executor()``, the same interface; the
  workers must be able to import ``sim`` (the same package version: it is part of every
  cell's key).

At most ``IN_FLIGHT_PER_SLOT`` tasks per worker are submitted at a time, so an interrupted
sweep loses at most those; results come back to this process, which writes each task's shard
as soon as it arrives (the workers need no shared file system). A progress bar on stderr
counts cells and estimates the time left.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Never

import pandas as pd
from tqdm import tqdm

from sim.run.pool import worker_pool
from sim.sweep.tasks import Batch, run_batch

IN_FLIGHT_PER_SLOT = 2
CONNECT_TIMEOUT = "20s"


class SchedulerError(RuntimeError):
    """The Dask scheduler cannot be reached."""


@dataclass(frozen=True)
class Runner:
    """An executor (``None``: run in this process) and how many tasks it runs at once."""

    executor: Executor | None
    slots: int
    description: str


def dask_slots(client: object) -> int:
    """Threads over the cluster's workers (at least 1)."""
    info = client.scheduler_info()  # type: ignore[attr-defined]
    workers = info.get("workers", {})
    return max(1, sum(int(w.get("nthreads", 1)) for w in workers.values()))


@contextmanager
def runner(workers: int = 1, scheduler: str | None = None) -> Iterator[Runner]:
    """The executor for ``workers`` local processes, or for the Dask scheduler at
    ``scheduler`` (``tcp://host:port``)."""
    if scheduler is not None:
        from distributed import Client

        try:
            client = Client(scheduler, timeout=CONNECT_TIMEOUT)
        except (OSError, ValueError) as exc:
            raise SchedulerError(f"cannot reach the Dask scheduler {scheduler}: {exc}") from None
        try:
            slots = dask_slots(client)
            executor = client.get_executor(pure=False)
            yield Runner(executor, slots, f"dask {scheduler} ({slots} worker threads)")
            executor.shutdown(wait=False)
        finally:
            client.close()
        return
    if workers <= 1:
        yield Runner(None, 1, "1 local process")
        return
    with worker_pool(workers) as pool:
        yield Runner(pool, workers, f"{workers} local processes")


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


__all__ = ["Runner", "SchedulerError", "dask_slots", "progress_bar", "run_batches", "runner"]
