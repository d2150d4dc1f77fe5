"""Evaluations on disk, so that an interrupted calibration continues where it stopped.

``evaluations/<name>.json`` holds one batch of evaluations (``Outcome``: the key, each
target's value, standard error and count, an error for a parameter set whose scenario does not
validate, the seconds it took), written to a temporary name and renamed into place
(``sim.io.atomic``): a batch is either all there or not at all. On start the store reads every
batch file it can (temporary files of a killed run are removed, unreadable files ignored) and
answers by key; a calibration run again with the same file and seed asks for the same keys in
the same order, finds them, and goes on from the first one missing.
"""

from __future__ import annotations

import hashlib
import json
import math
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.io.atomic import write_text_atomic

FOLDER = "evaluations"


@dataclass(frozen=True)
class Outcome:
    """One evaluation's statistics, in the order of the problem's targets."""

    key: str
    values: tuple[float, ...]
    ses: tuple[float, ...]
    ns: tuple[int, ...]
    error: str | None
    seconds: float

    def to_json(self) -> dict[str, Any]:
        def num(x: float) -> float | None:
            return x if math.isfinite(x) else None

        return {
            "key": self.key,
            "values": [num(v) for v in self.values],
            "ses": [num(v) for v in self.ses],
            "ns": list(self.ns),
            "error": self.error,
            "seconds": round(self.seconds, 4),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Outcome:
        def num(x: float | None) -> float:
            return math.nan if x is None else float(x)

        return cls(
            str(data["key"]),
            tuple(num(v) for v in data["values"]),
            tuple(num(v) for v in data["ses"]),
            tuple(int(n) for n in data["ns"]),
            data.get("error"),
            float(data.get("seconds", 0.0)),
        )


class Store:
    """Evaluations by key, kept in ``out/evaluations/``."""

    def __init__(self, out: Path) -> None:
        self.folder = out / FOLDER
        self.cache: dict[str, Outcome] = {}

    def exists(self) -> bool:
        return self.folder.is_dir() and any(self.folder.glob("*.json"))

    def clear(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
        self.cache.clear()

    def load(self) -> int:
        """Read every complete batch file; returns the number of evaluations found."""
        if not self.folder.is_dir():
            return 0
        for tmp in self.folder.glob(".*.tmp"):
            tmp.unlink(missing_ok=True)
        for path in sorted(self.folder.glob("*.json")):
            try:
                batch = json.loads(path.read_text(encoding="utf-8"))
                for entry in batch:
                    outcome = Outcome.from_json(entry)
                    self.cache.setdefault(outcome.key, outcome)
            except (OSError, ValueError, KeyError, TypeError):
                continue
        return len(self.cache)

    def get(self, key: str) -> Outcome | None:
        return self.cache.get(key)

    def put(self, outcomes: list[Outcome]) -> None:
        """Store a batch: one file, written atomically."""
        if not outcomes:
            return
        name = hashlib.sha256("\n".join(o.key for o in outcomes).encode("utf-8")).hexdigest()
        text = json.dumps([o.to_json() for o in outcomes], allow_nan=False)
        write_text_atomic(self.folder / f"{name[:24]}.json", text + "\n")
        for o in outcomes:
            self.cache[o.key] = o


__all__ = ["FOLDER", "Outcome", "Store"]
