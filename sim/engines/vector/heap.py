"""Keep freed memory in the process heap while chunks run (glibc only; elsewhere a no-op).

A chunk makes thousands of temporary arrays of about its size (512 KiB at 65,536 prospects).
By default glibc serves blocks that large with fresh ``mmap`` pages and, when the top of the
heap is free, hands it back to the kernel; the next chunk then pays a page fault per 4 KiB
touched again. On the baseline this was a fifth of a fresh process's first million-prospect
run (``benchmarks/bench_vector.py``). Raising the mmap and trim thresholds keeps the pages
in the heap, to be reused chunk after chunk; at most 512 MiB of free memory at the top of
the heap stays with the process between runs.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
from functools import lru_cache

M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 32 * 2**20
"""Blocks below 32 MiB come from the heap (glibc's own ceiling for its adaptive threshold)."""
TRIM_THRESHOLD = 512 * 2**20
"""Free memory at the top of the heap is returned to the kernel above 512 MiB."""


@lru_cache(maxsize=1)
def _libc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.mallopt  # noqa: B018  (glibc and musl export it; others may not)
    except (OSError, AttributeError):
        return None
    return libc


@lru_cache(maxsize=1)
def keep_freed_memory() -> bool:
    """Set the thresholds once per process; True when the C library took them."""
    libc = _libc()
    if libc is None:
        return False
    ok = libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1
    return bool(ok and libc.mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD) == 1)
