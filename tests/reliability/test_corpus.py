"""The hostile corpus of ``benchmarks/hostile.py`` (about 650 bad scenario files, sweep files
and command lines, generated) through the command line: every input a clean error, none a
traceback, a hang or a silent acceptance, and no output outside ``reports/``."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.hostile import Case, corpus, run_corpus, verdict


def test_the_corpus_covers_every_class_of_the_issue() -> None:
    cases = corpus()
    kinds = {c.kind for c in cases}
    assert kinds == {"scenario", "sweep", "command", "path"}
    assert len(cases) > 600
    names = " ".join(c.name for c in cases)
    for needed in ("latin-1", "utf-16", "gzip", "random bytes", "flow nesting", "/dev/zero",
                   "named pipe", "aliases 9x9", "50 MB", "duplicate top-level block",
                   "urgency.mu = inf", "population.tolerance", "custom strategy named",
                   "control character U+0000", "base empty", "values .inf", "--seed -1",
                   "--out ", "--strategies ", "ESCAPED"):  # fmt: skip
        assert needed in names, needed


def test_the_verdict_tells_the_failures_apart(tmp_path: Path) -> None:
    case = Case("x", "scenario", [])
    assert verdict(case, None, "", False, tmp_path) == "hang"
    assert verdict(case, 1, "Traceback (most recent call last):", False, tmp_path) == "traceback"
    assert verdict(case, 0, "", False, tmp_path) == "accepted"
    assert verdict(case, 2, "x.yaml: urgency.mu = inf: must be finite", False, tmp_path) == "clean"
    assert verdict(case, 2, "e" * 50_000, False, tmp_path) == "unclear"


@pytest.mark.slow
def test_every_hostile_input_is_a_clean_error(tmp_path: Path) -> None:
    cases = corpus()
    counts, failures = run_corpus(cases, tmp_path / "cases")
    report = [
        f"{outcome}: [{c.kind}] {c.name}: {err.strip()[:200]}" for c, outcome, err in failures
    ]
    assert failures == [], "\n".join(report)
    assert counts["clean"] == len(cases)
