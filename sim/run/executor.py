"""Where tasks run: this process, local worker processes, or a Dask cluster, behind one
``concurrent.futures.Executor`` interface.

- local processes: ``sim.run.pool.worker_pool(workers)``, whose workers die with this process
  (and at once on Ctrl-C or an error); one worker runs the tasks in this process;
- a Dask cluster: ``distributed.Client(address).get_executor()``, the same interface; the
  workers must be able to import ``sim`` (the same package version).

``ordered`` runs tasks with a bounded number in flight and yields their results in task
order, so a long run holds only a few results at a time and merges them in an order that does
not depend on which worker finished first. Runs, sweeps, calibrations and searches share it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

from sim.run.pool import worker_pool

CONNECT_TIMEOUT = "20s"
IN_FLIGHT_PER_SLOT = 2
"""Tasks submitted ahead per worker: enough to keep every worker busy, few enough that an
interrupted run loses little and results wait little in memory."""

T = TypeVar("T")
R = TypeVar("R")


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


def ordered(run: Runner, fn: Callable[[T], R], tasks: Iterable[T]) -> Iterator[R]:
    """``fn`` over ``tasks`` on ``run``, results in task order, at most
    ``IN_FLIGHT_PER_SLOT`` tasks per slot submitted ahead; the tasks still pending are
    cancelled when the caller stops early (an error, Ctrl-C)."""
    if run.executor is None:
        yield from map(fn, tasks)
        return
    queue: deque[Future[R]] = deque()
    limit = max(1, IN_FLIGHT_PER_SLOT * run.slots)
    todo = iter(tasks)
    try:
        for task in todo:
            queue.append(run.executor.submit(fn, task))
            if len(queue) >= limit:
                yield queue.popleft().result()
        while queue:
            yield queue.popleft().result()
    finally:
        for future in queue:
            future.cancel()


__all__ = ["CONNECT_TIMEOUT", "Runner", "SchedulerError", "dask_slots", "ordered", "runner"]
