"""The fixed-seed baseline snapshot: small runs of every engine and reference scenario give
exactly the figures and tables recorded in ``tests/baselines/snapshot.json`` (refreshed by
``python tests/baselines/refresh.py`` when a change is meant to change results)."""

from __future__ import annotations

import json

from tests.baselines.refresh import SNAPSHOT, compute


def test_results_are_the_recorded_baseline_bit_for_bit() -> None:
    recorded = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    now = compute()
    assert now.keys() == recorded.keys()
    for case, got in now.items():
        want = recorded[case]
        assert got["figures"] == want["figures"], case
        assert got["prospects_sha256"] == want["prospects_sha256"], case
        assert got["touches_sha256"] == want["touches_sha256"], case
