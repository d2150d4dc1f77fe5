"""How a run was made (``manifest.json``): versions, git commit, platform, seed and entropy,
the scenario's hash, the engine, the sizes and the wall time."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import platform
import subprocess
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import numpy as np
from numpy.random import SeedSequence

from sim.model.scenario import Scenario
from sim.results.result import RunResult

PACKAGE_ROOT = Path(__file__).resolve().parent.parent
"""The ``sim`` package folder (its parent is the checkout, when run from one)."""


def package_version() -> str:
    """The installed followup-sim version."""
    try:
        return version("followup-sim")
    except PackageNotFoundError:
        return "unknown"


def library_versions(*names: str) -> dict[str, str]:
    """Installed versions of ``names`` (``missing`` when not installed), without importing them."""
    out = {}
    for name in names:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "missing"
    return out


def git_commit(where: Path | None = None) -> str | None:
    """The commit of the source tree this package runs from, with ``+dirty`` when it has
    uncommitted changes; None outside a git checkout of this project or without git."""
    folder = (where or PACKAGE_ROOT).resolve()
    try:
        top = _git(folder, "rev-parse", "--show-toplevel")
        if top is None or Path(top).resolve() != folder.parent:
            return None
        commit = _git(folder, "rev-parse", "HEAD")
        dirty = _git(folder, "status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.SubprocessError):
        return None
    if commit is None:
        return None
    return commit + ("+dirty" if dirty else "")


def _git(folder: Path, *args: str) -> str | None:
    done = subprocess.run(
        ["git", "-C", str(folder), *args], capture_output=True, text=True, timeout=10, check=False
    )
    return done.stdout.strip() if done.returncode == 0 else None


def scenario_hash(scenario: Scenario) -> str:
    """SHA-256 (hex) of the scenario's canonical JSON dump: every parameter, keys sorted, no
    whitespace, UTF-8. Two runs with the same hash ran the same market."""
    data = scenario.model_dump(mode="json")
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def manifest(result: RunResult, **extra: object) -> dict[str, object]:
    """How the run was made: package version and git commit, Python, NumPy and other
    versions, platform, seed and seed entropy (the entropy of the root
    ``numpy.random.SeedSequence`` every random stream is spawned from, ``sim.model.streams``),
    scenario name and hash (``scenario_hash``), engine, sizes (prospects per strategy,
    strategies, horizon in business days, chunk and workers of the vector engine) and the
    simulation's wall time; ``extra`` entries are appended."""
    wall = float(result.wall_time)
    entropy = SeedSequence(result.seed).entropy
    info: dict[str, object] = {
        "package": "followup-sim",
        "version": package_version(),
        "git_commit": git_commit(),
        "python": platform.python_version(),
        **library_versions("numpy", "pandas", "scipy", "matplotlib"),
        "platform": platform.platform(),
        "scenario": result.scenario.name,
        "scenario_hash": scenario_hash(result.scenario),
        "seed": result.seed,
        "seed_entropy": int(entropy) if isinstance(entropy, int | np.integer) else str(entropy),
        "engine": result.engine,
        "prospects_per_strategy": result.n_prospects,
        "strategies": len(result.strategies),
        "sizes": {
            "prospects": result.n_prospects,
            "strategies": len(result.strategies),
            "horizon": result.scenario.horizon,
            "chunk": result.chunk,
            "workers": result.workers,
        },
        "streamed": result.streamed,
        "tables": not result.streamed,
        "scheduler": result.scheduler,
        "wall_time_s": round(wall, 3) if math.isfinite(wall) else None,
        "report_created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    info.update(extra)
    return info


__all__ = ["git_commit", "library_versions", "manifest", "package_version", "scenario_hash"]
