"""Worker processes that die with the process that started them.

``worker_pool(n)`` is a ``ProcessPoolExecutor`` whose workers

- ignore Ctrl-C (SIGINT goes to the whole process group from a terminal): the parent alone
  handles it, so no worker prints a ``KeyboardInterrupt`` traceback;
- exit as soon as their parent is gone: on Linux the kernel kills them (``PR_SET_PDEATHSIG``)
  the moment the parent dies, even by SIGKILL; everywhere a thread also watches the parent
  and exits within a second, so no orphan goes on computing (and writing) for minutes.

When the block of ``with worker_pool(n)`` ends with an exception (Ctrl-C, a full disk, an
error in a task), the workers are killed at once instead of finishing the tasks already
queued (and the pool's manager thread is released, so that the process can exit: see
``kill_workers``); when it ends normally the pool shuts down as usual.

``PR_SET_PDEATHSIG`` fires when the *thread* that started a worker ends; ``ProcessPoolExecutor``
starts its workers from the thread that submits, which in this project is always the main
thread of the parent, so it fires when the parent ends.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.process import BaseProcess

PR_SET_PDEATHSIG = 1
WATCH_EVERY = 0.5
"""Seconds between a worker's checks that its parent is alive (where the kernel cannot tell)."""


def die_with_parent(parent: int) -> None:
    """In a worker: ignore SIGINT, and end as soon as process ``parent`` is gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the request was in place
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(WATCH_EVERY)
        os._exit(1)

    threading.Thread(target=watch, name="watch-parent", daemon=True).start()


def _processes(pool: ProcessPoolExecutor) -> list[BaseProcess]:
    found = getattr(pool, "_processes", None) or {}
    return list(found.values())


def kill_workers(pool: ProcessPoolExecutor, timeout: float = 5.0) -> None:
    """Stop the pool now: queued tasks cancelled, running workers killed and reaped."""
    workers = _processes(pool)
    pool.shutdown(wait=False, cancel_futures=True)
    for process in workers:
        with contextlib.suppress(OSError, ValueError, AttributeError):
            process.kill()
    deadline = time.monotonic() + timeout
    for process in workers:
        with contextlib.suppress(OSError, ValueError, AssertionError):
            process.join(max(0.0, deadline - time.monotonic()))
    # A worker killed while sending its result leaves half a message in the result pipe: the
    # pool's manager thread then waits for the rest forever, and the interpreter, which joins
    # that thread at exit, never exits. With the workers gone, closing this process's end of
    # the pipe for writing gives the thread an end of file: it finds the pool broken and ends.
    queue = getattr(pool, "_result_queue", None)
    with contextlib.suppress(OSError, AttributeError):
        queue._writer.close()  # type: ignore[union-attr]


@contextlib.contextmanager
def worker_pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    """A process pool of ``workers`` that die with this process (see the module's doc)."""
    pool = ProcessPoolExecutor(
        max_workers=workers, initializer=die_with_parent, initargs=(os.getpid(),)
    )
    try:
        yield pool
        pool.shutdown(wait=True)  # Ctrl-C while waiting for the last tasks: killed below
    except BaseException:
        kill_workers(pool)
        raise


__all__ = ["die_with_parent", "kill_workers", "worker_pool"]
