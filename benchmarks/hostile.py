"""A hostile user's corpus: bad scenario files, bad sweep files and bad command lines, each run
through ``followup`` as a user would; every one must end in a clean error.

Run on demand; prints the counts (inputs tried, clean errors, tracebacks, hangs, silent
acceptances, unclear messages) and each failure. ``tests/reliability/test_corpus.py`` runs the
same corpus and asserts that every input gives a clean error.

The corpus is generated, not stored: wrong encodings and binary files, control characters,
nesting and alias bombs, oversized and special files (``/dev/zero``, a named pipe, a folder),
duplicate keys, malformed YAML and unsafe tags; every numeric field of the scenario set to
NaN, infinities, absurd sizes or the wrong type; custom strategies shadowing the library;
sweeps with bad values, bases and sizes; out-of-range and empty options of every command.
A clean error is exit code 1 or 2, no traceback, at most a few lines on stderr, each naming
the file (or the sweep's field) or the option. The scenario named ``../../ESCAPED`` must be
run, but its output must stay under ``reports/``.

    python benchmarks/hostile.py              # in this process, with a memory cap
    python benchmarks/hostile.py --subprocess 40   # also 40 cases, spread out, as real processes
"""

from __future__ import annotations

import argparse
import bz2
import codecs
import contextlib
import gzip
import io
import math
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[1]
BASELINE = (ROOT / "scenarios" / "baseline.yaml").read_bytes()
TIMEOUT = 30
"""Seconds before a case counts as a hang."""
MAX_STDERR = 20_000
"""More characters than this on stderr is not a clean error (the issue saw 358 MB)."""
RUN = ["--prospects", "20", "--strategies", "no-follow-up", "--workers", "1"]
SWEEP = ["--workers", "1", "--prospects", "20", "--no-charts"]


@dataclass
class Case:
    """One hostile input: files to create in a fresh folder and the command line to run
    there (``{dir}`` stands for the folder)."""

    name: str
    kind: str
    argv: list[str]
    files: dict[str, bytes] = field(default_factory=dict)
    special: dict[str, str] = field(default_factory=dict)
    """Paths to create as ``fifo``, ``dir`` or ``symlink:TARGET``."""
    contained: bool = False
    """The input is allowed to run, but nothing may be written outside the folder."""


# -- scenario files ----------------------------------------------------------------------------


def _dump(data: Any) -> bytes:
    return yaml.safe_dump(data, sort_keys=False).encode("utf-8")


def _scenario(name: str, body: bytes, **extra: Any) -> Case:
    return Case(
        name,
        "scenario",
        ["run", "{dir}/x.yaml", *RUN, "--out", "{dir}/out"],
        {"x.yaml": body},
        **extra,
    )


def _laughs(levels: int, width: int) -> bytes:
    lines = [f"a0: &a0 [{', '.join(['lol'] * width)}]"]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * width)}]")
    return ("\n".join(lines) + "\n").encode()


def file_cases() -> list[Case]:
    """Bytes that are not a scenario: encodings, binary, control characters, bombs, sizes."""
    text = BASELINE.decode("utf-8")
    rng = np.random.default_rng(np.random.SeedSequence(14))  # the corpus's own stream
    out = [
        _scenario("latin-1", "name: t\ndescription: café\n".encode("latin-1")),
        _scenario("cp1252 quotes", "name: t\ndescription: \u201cx\u201d\n".encode("cp1252")),
        _scenario("utf-16 with bom", text.encode("utf-16")),
        _scenario("utf-16-le no bom", text.encode("utf-16-le")),
        _scenario("utf-16-be no bom", text.encode("utf-16-be")),
        _scenario("utf-32", text.encode("utf-32")),
        _scenario("gzip", gzip.compress(BASELINE)),
        _scenario("bzip2", bz2.compress(BASELINE)),
        _scenario("png header", b"\x89PNG\r\n\x1a\n" + bytes(range(256))),
        _scenario("pdf header", b"%PDF-1.4\n" + bytes(range(256))),
        _scenario("overlong utf-8", b"name: t\ndescription: \xc0\xaf\n"),
        _scenario("encoded surrogate", b"name: t\ndescription: \xed\xa0\x80\n"),
        _scenario("truncated utf-8", b"name: t\ndescription: caf\xc3"),
        _scenario("utf-8 bom then latin-1", codecs.BOM_UTF8 + b"name: caf\xe9\n"),
    ]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("baseline.yaml", BASELINE)
    out.append(_scenario("zip", buffer.getvalue()))
    for i in range(8):
        out.append(_scenario(f"random bytes {i}", rng.bytes(int(rng.integers(1, 4001)))))
    for i in range(6):
        at = int(rng.integers(len(BASELINE)))
        out.append(
            _scenario(
                f"baseline with a bad byte {i}",
                BASELINE[:at] + bytes([int(rng.integers(0x80, 0x100))]) + BASELINE[at:],
            )
        )
    for code in (0x00, 0x01, 0x07, 0x08, 0x0B, 0x0C, 0x1B, 0x7F, 0x80, 0x9F, 0xFFFE):
        out.append(
            _scenario(
                f"control character U+{code:04X}",
                f"name: t{chr(code)}x\n".encode("utf-8", "surrogatepass"),
            )
        )
    at = text.index("urgency:")
    out.append(_scenario("NUL inside the baseline", (text[:at] + "\x00" + text[at:]).encode()))
    for depth in (33, 100, 500, 5000, 200_000):
        body = "description: " + "[" * depth + "1" + "]" * depth + "\n"
        out.append(_scenario(f"flow nesting {depth}", body.encode()))
    for depth in (40, 300):
        body = "description:\n" + "".join(" " * i + "- \n" for i in range(depth))
        out.append(_scenario(f"block nesting {depth}", body.encode()))
    out.append(_scenario("dash nesting", ("description:\n" + "- " * 20_000 + "1\n").encode()))
    for levels, width in ((9, 9), (6, 10), (4, 20), (3, 50), (10, 4), (20, 2)):
        out.append(_scenario(f"aliases {levels}x{width}", _laughs(levels, width)))
    out += [
        _scenario("recursive alias", b"description: &a [1, *a]\n"),
        _scenario("recursive mapping alias", b"population: &p {loads: *p}\n"),
        _scenario("unknown alias", b"name: *nowhere\n"),
        _scenario("over 1 MB of comments", b"name: t\n" + b"# " + b"x" * 1_200_000 + b"\n"),
        _scenario("over 1 MB description", b"name: t\ndescription: " + b"y" * 1_500_000 + b"\n"),
        _scenario("50 MB", b"name: t\ndescription: |\n" + b"  z\n" * 12_500_000),
        _scenario("200k flow items", b"description: [" + b"1, " * 200_000 + b"1]\n"),
        _scenario("empty", b""),
        _scenario("whitespace only", b"   \n\n\t\n"),
        _scenario("comments only", b"# nothing here\n# at all\n"),
        _scenario("document marker only", b"---\n"),
        _scenario("null document", b"null\n"),
        _scenario("tilde document", b"~\n"),
        _scenario("a list", b"- name: t\n"),
        _scenario("a string", b"just some words\n"),
        _scenario("a number", b"42\n"),
        _scenario("true", b"true\n"),
        _scenario("two documents", b"name: a\n---\nname: b\n"),
        _scenario("tab indentation", b"population:\n\tin_office: 0.5\n"),
        _scenario("unclosed bracket", b"strategies: [one-and-done\n"),
        _scenario("key: value: value", b"name: a: b\n"),
        _scenario("python object tag", b"name: !!python/object/apply:os.system ['echo pwned']\n"),
        _scenario("python name tag", b"name: !!python/name:os.system\n"),
        _scenario("custom tag", b"name: !mine t\n"),
        _scenario("binary name", b"name: !!binary AAECAwQ=\n"),
        _scenario("set as name", b"name: !!set {a, b}\n"),
        _scenario("timestamp as name", b"name: 2024-01-01\n"),
        _scenario("huge integer", b"calendar: {horizon_days: " + b"9" * 5000 + b"}\n"),
        _scenario("complex key", b"? [a, b]\n: 1\n"),
        _scenario("merge of a scalar", b"population:\n  <<: 5\n"),
        _scenario(
            "duplicate top-level block",
            b"name: t\npopulation: {in_office: 0.2}\npopulation: {fax_share: 0.1}\n",
        ),
        _scenario("duplicate nested key", b"urgency:\n  mu: 0\n  mu: 1\n"),
        _scenario(
            "duplicate key by value",
            b"population:\n  meetings:\n    hour_profile:\n      9: 1\n      0x9: 2\n",
        ),
        _scenario(
            "duplicate custom strategy",
            b"custom_strategies:\n  a: {phases: []}\n  a: {phases: []}\n",
        ),
    ]
    return out


def special_cases() -> list[Case]:
    """Paths that are not regular files."""
    run = ["run", "{dir}/x.yaml", *RUN, "--out", "{dir}/out"]
    return [
        Case("/dev/zero", "scenario", ["run", "/dev/zero", *RUN, "--out", "{dir}/out"]),
        Case("/dev/urandom", "scenario", ["run", "/dev/urandom", *RUN, "--out", "{dir}/out"]),
        Case("a named pipe", "scenario", run, special={"x.yaml": "fifo"}),
        Case("a folder", "scenario", run, special={"x.yaml": "dir"}),
        Case("a link to /dev/zero", "scenario", run, special={"x.yaml": "symlink:/dev/zero"}),
        Case("a dangling link", "scenario", run, special={"x.yaml": "symlink:/nonexistent/x"}),
        Case("a missing file", "scenario", run),
    ]


HOSTILE = [math.nan, math.inf, -math.inf, 1e300, -1e300, 10**30, "abc", [1, 2], {"a": 1}]


def _leaves(data: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _leaves(value, f"{prefix}.{key}" if prefix else str(key))
    else:
        yield prefix, data


def _set(data: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    out: dict[str, Any] = yaml.safe_load(yaml.safe_dump(data))
    node = out
    *parents, last = path.split(".")
    for part in parents:
        node = node[int(part) if part not in node and part.isdigit() else part]
    node[int(last) if last not in node and last.isdigit() else last] = value
    return out


def value_cases() -> list[Case]:
    """Every numeric field of the scenario set to two of ``HOSTILE`` (in turn), and the
    values the issue found accepted."""
    from sim.model.scenario import Scenario

    base = Scenario().model_dump(mode="json")
    numeric = [
        p for p, v in _leaves(base) if isinstance(v, int | float) and not isinstance(v, bool)
    ]
    out = []
    for i, path in enumerate(numeric):
        for value in (HOSTILE[i % len(HOSTILE)], HOSTILE[(i + 4) % len(HOSTILE)]):
            out.append(_scenario(f"{path} = {value!r}", _dump(_set(base, path, value))))
    issue = [
        ("urgency.mu", math.inf),
        ("urgency.mu", math.nan),
        ("urgency.theta", -math.inf),
        ("urgency.theta", 1e6),
        ("population.initial_recall", {"kind": "constant", "value": -5}),
        ("population.loads.parcel", {"kind": "constant", "value": -1}),
        ("population.loads.email", {"kind": "uniform", "low": -10, "high": 5}),
        ("population.loads.email", {"kind": "lognormal", "median": math.inf}),
        ("population.tolerance", {"kind": "constant", "value": 0}),
        ("population.tolerance", {"kind": "constant", "value": -1}),
        ("population.tolerance", {"kind": "lognormal", "median": 1e300}),
        ("urgency.initial", {"kind": "uniform", "low": 0, "high": math.inf}),
        ("population.meetings.hour_profile", {9: math.inf}),
        ("name", "a\nb"),
        ("name", ""),
    ]
    for path, value in issue:
        out.append(
            _scenario(
                f"issue: {path} = {value!r}",
                _dump({path.split(".")[0]: _set(base, path, value)[path.split(".")[0]]}),
            )
        )
    return out


def strategy_cases() -> list[Case]:
    """Custom strategies shadowing the library or the options' words, and broken cadences."""
    from sim.strategy.library import library_names

    step = {"day": 0, "channel": "email"}
    ok = {"phases": [{"name": "a", "steps": [step]}]}
    out = [
        _scenario(f"custom strategy named {name!r}", _dump({"custom_strategies": {name: ok}}))
        for name in [*library_names(), "all", "scenario", "a,b", " spaced ", ""]
    ]
    broken = [
        {"phases": []},
        {"phases": [{"name": "a", "steps": []}]},
        {"phases": "x"},
        5,
        None,
        {"phases": [{"name": "a", "steps": [{**step, "time": 600}]}]},
        {"phases": [{"name": "a", "steps": [{**step, "day": -1}]}]},
        {"phases": [{"name": "a", "steps": [step], "repeat_every": 5, "cycles": 10**9}]},
        {"max_touches": 0, **ok},
        {"max_touches": math.inf, **ok},
        {"phases": [{"name": "a", "steps": [{**step, "channel": "smoke"}]}]},
        {"phases": [{"name": "a", "steps": [step], "then": "nowhere"}]},
    ]
    for i, spec in enumerate(broken):
        out.append(_scenario(f"broken cadence {i}", _dump({"custom_strategies": {"mine": spec}})))
    return out


# -- sweep files -------------------------------------------------------------------------------


def _sweep(name: str, data: Any, files: dict[str, bytes] | None = None, **extra: Any) -> Case:
    body = data if isinstance(data, bytes) else _dump(data)
    return Case(
        name,
        "sweep",
        ["sweep", "{dir}/s.yaml", *SWEEP, "--out", "{dir}/out"],
        {"s.yaml": body, **(files or {})},
        **extra,
    )


def sweep_cases() -> list[Case]:
    good = {
        "base": "baseline",
        "strategies": ["one-and-done"],
        "parameters": [{"path": "response.p_win", "values": [0.2, 0.3]}],
    }

    def with_(**changes: Any) -> dict[str, Any]:
        return {**good, **changes}

    def param(**p: Any) -> dict[str, Any]:
        return with_(parameters=[{"path": "response.p_win", **p}])

    out = [
        _sweep("values .inf", param(values=[math.inf])),
        _sweep("values .nan", param(values=[0.2, math.nan])),
        _sweep("values a list", param(values=[[1]])),
        _sweep("low .nan", param(low=math.nan, high=0.5, steps=3)),
        _sweep("high .inf", param(low=0.1, high=math.inf, steps=3)),
        _sweep("steps 1", param(low=0.1, high=0.5, steps=1)),
        _sweep("steps a million", param(low=0.1, high=0.5, steps=10**6)),
        _sweep(
            "a grid of 10^20 cells",
            with_(
                parameters=[
                    {"path": p, "low": 0.1, "high": 0.2, "steps": 100}
                    for p in (
                        "response.p_win",
                        "response.w_value",
                        "response.w_recall",
                        "response.w_recip",
                        "response.w_live",
                        "response.w_annoy",
                        "response.w_favored",
                        "response.w_breakup",
                        "response.w_referral",
                        "response.w_escalated",
                    )
                ]
            ),
        ),
        _sweep("overrides mu .nan", with_(overrides={"urgency": {"mu": math.nan}})),
        _sweep("overrides unknown", with_(overrides={"urgency": {"muu": 1}})),
        _sweep("overrides a number", with_(overrides={"population": 5})),
        _sweep("base empty", with_(base="")),
        _sweep("base /dev/zero", with_(base="/dev/zero")),
        _sweep("base a folder", with_(base=".")),
        _sweep("base missing", with_(base="nowhere.yaml")),
        _sweep("base latin-1", with_(base="b.yaml"), {"b.yaml": b"name: caf\xe9\n"}),
        _sweep("base laughs", with_(base="b.yaml"), {"b.yaml": _laughs(9, 9)}),
        _sweep("base bad value", with_(base="b.yaml"), {"b.yaml": b"urgency: {mu: .inf}\n"}),
        _sweep("base empty file", with_(base="b.yaml"), {"b.yaml": b""}),
        _sweep("base a pipe", with_(base="b.yaml"), special={"b.yaml": "fifo"}),
        _sweep("seed -1", with_(seed=-1)),
        _sweep("seed 2**64", with_(seed=2**64)),
        _sweep("prospects 0", with_(prospects=0)),
        _sweep("prospects 10**30", with_(prospects=10**30)),
        _sweep("replications 0", with_(replications=0)),
        _sweep("design unknown", with_(design="random")),
        _sweep("no parameters", with_(parameters=[])),
        _sweep("empty path", param(path="", values=[1])),
        _sweep("unknown path", with_(parameters=[{"path": "urgency.muu", "values": [1]}])),
        _sweep("a group path", with_(parameters=[{"path": "urgency", "values": [1]}])),
        _sweep("no strategies", with_(strategies=[])),
        _sweep("unknown strategy", with_(strategies=["fifth-call"])),
        _sweep(
            "compare the same",
            with_(
                strategies=["one-and-done", "five-to-one"], compare=["one-and-done", "one-and-done"]
            ),
        ),
        _sweep("unknown metric", with_(metric="happiness")),
        _sweep("lhs without samples", param(low=0.1, high=0.5) | {"design": "lhs"}),
        _sweep("sobol samples 3", param(low=0.1, high=0.5) | {"design": "sobol", "samples": 3}),
        _sweep("empty file", b""),
        _sweep("latin-1 file", b"name: caf\xe9\n"),
        _sweep("duplicate key", b"base: baseline\nbase: other\n"),
        _sweep("deep nesting", b"overrides: " + b"{a: " * 100 + b"1" + b"}" * 100 + b"\n"),
        _sweep("a list", b"- 1\n"),
    ]
    return out


# -- command lines -----------------------------------------------------------------------------


def command_cases() -> list[Case]:
    """Out-of-range, empty and contradictory options of every command."""
    run = ["run", "baseline", "--strategies", "no-follow-up", "--workers", "1"]
    out_ = ["--out", "{dir}/out"]
    lines = [
        [*run, "--seed", "-1", *out_],
        [*run, "--seed", str(2**63), *out_],
        [*run, "--seed", "abc", *out_],
        [*run, "--prospects", "0", *out_],
        [*run, "--prospects", "-5", *out_],
        [*run, "--prospects", str(10**30), *out_],
        [*run, "--prospects", "1000000000000", *out_],
        [*run, "--prospects", "1e5", *out_],
        ["run", "baseline", "--prospects", "90000000", "--tables", *out_],  # too big to keep
        [*run, "--workers", "0", *out_],
        [*run, "--workers", "-1", *out_],
        [*run, "--workers", "100000", *out_],
        [*run, "--chunk", "0", *out_],
        [*run, "--chunk", str(10**12), *out_],
        [*run, "--precision", "0", *out_],
        [*run, "--precision", "-1", *out_],
        [*run, "--precision", "nan", *out_],
        [*run, "--precision", "inf", *out_],
        [*run, "--precision", "0.7", *out_],
        [*run, "--precision", "0.01", "--max-prospects", "0", *out_],
        [*run, "--engine", "quantum", *out_],
        [*run, "--format", "xml", *out_],
        [*run, "--engine", "des", "--stream", *out_],
        ["run", "baseline", "--strategies", "", *out_],
        ["run", "baseline", "--strategies", ",", *out_],
        ["run", "baseline", "--strategies", "fifth-call", *out_],
        [*run, "--out", ""],
        [*run, "--out", "   "],
        [*run, "--out", "{dir}"],
        [*run, "--out", "/dev/null"],
        [*run, "--out", "{dir}/a-file"],
        ["run", "", *out_],
        ["run", "no-such-scenario", *out_],
        ["trace", "baseline", "--prospect", "-1"],
        ["trace", "baseline", "--prospect", "1000000000"],
        ["trace", "baseline", "--seed", "-1"],
        ["trace", "baseline", "--days", "0"],
        ["trace", "baseline", "--strategy", ""],
        ["trace", "baseline", "--strategy", "all"],
        ["trace", "baseline", "--strategy", "a,b"],
        ["trace", "baseline", "--strategy", "nope"],
        ["sweep", "persistence", "--workers", "0", *out_],
        ["sweep", "persistence", "--workers", "100000", *out_],
        ["sweep", "persistence", "--batch", "0", *out_],
        ["sweep", "persistence", "--prospects", "0", *out_],
        ["sweep", "persistence", "--prospects", str(10**30), *out_],
        ["sweep", "persistence", "--replications", "0", *out_],
        ["sweep", "persistence", "--replications", str(10**9), *out_],
        ["sweep", "persistence", "--out", ""],
        ["sweep", "", *out_],
        ["sweep", "persistence", "--resume", "--overwrite", *out_],
        ["sweep", "persistence", "--scheduler", "", *out_],
        ["sensitivity", "persistence", "--workers", "0", *out_],
        ["charts", "{dir}/nowhere"],
        ["charts", "{dir}/a-file"],
        ["charts", "{dir}/incomplete"],
        ["charts", ""],
        ["frobnicate"],
        ["run", "--no-such-option"],
    ]
    files = {
        "a-file": b"not a folder\n",
        "incomplete/scenario.yaml": b"name: t\n",
        "incomplete/summary.csv": b"strategy\n",
    }
    return [Case(" ".join(a) or "(nothing)", "command", a, dict(files)) for a in lines]


def path_cases() -> list[Case]:
    """Scenario and sweep names that try to choose a folder outside ``reports/``."""
    out = []
    for name in ("../../ESCAPED-1", "/tmp/ESCAPED-2", "..", "a/../../ESCAPED-3"):
        body = _dump({"name": name})
        out.append(
            Case(
                f"scenario name {name!r}",
                "path",
                ["run", "{dir}/x.yaml", *RUN],
                {"x.yaml": body},
                contained=True,
            )
        )
    sweep = {
        "name": "../../../ESCAPED-4",
        "base": "baseline",
        "strategies": ["one-and-done"],
        "parameters": [{"path": "response.p_win", "values": [0.2]}],
    }
    out.append(
        Case(
            "sweep name '../../../ESCAPED-4'",
            "path",
            ["sweep", "{dir}/s.yaml", *SWEEP],
            {"s.yaml": _dump(sweep)},
            contained=True,
        )
    )
    return out


def corpus() -> list[Case]:
    return [
        *file_cases(),
        *special_cases(),
        *value_cases(),
        *strategy_cases(),
        *sweep_cases(),
        *command_cases(),
        *path_cases(),
    ]


# -- running -----------------------------------------------------------------------------------


class Hang(BaseException):
    """A case ran past ``TIMEOUT``."""


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise Hang


def materialise(case: Case, folder: Path) -> list[str]:
    """Create the case's files in ``folder``; its command line with ``{dir}`` filled in."""
    for name, data in case.files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    for name, kind in case.special.items():
        path = folder / name
        if kind == "fifo":
            os.mkfifo(path)
        elif kind == "dir":
            path.mkdir()
        elif kind.startswith("symlink:"):
            path.symlink_to(kind.removeprefix("symlink:"))
    return [a.replace("{dir}", str(folder)) for a in case.argv]


def verdict(case: Case, code: int | None, stderr: str, crashed: bool, folder: Path) -> str:
    """``clean``, ``traceback``, ``hang``, ``accepted`` or ``unclear`` (a message that names
    neither the file nor an option, or is too long)."""
    if code is None:
        return "hang"
    if crashed or "Traceback" in stderr:
        return "traceback"
    if case.contained:  # it may run, but write only under its folder's reports/
        top = folder.parents[1]
        escaped = [p for p in top.rglob("ESCAPED*") if "reports" not in p.relative_to(top).parts]
        escaped += list(Path(tempfile.gettempdir()).glob("ESCAPED*"))
        if escaped:
            return "accepted"
        if code == 0:
            return "clean"
    if code == 0:
        return "accepted"
    lines = [line for line in stderr.splitlines() if line.strip()]
    if code not in (1, 2) or not lines or len(stderr) > MAX_STDERR:
        return "unclear"
    return "clean"


@contextlib.contextmanager
def _inside(folder: Path) -> Iterator[None]:
    here = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(here)


def run_in_process(case: Case, folder: Path) -> tuple[str, str]:
    """Run ``followup`` in this process (``typer``'s runner); the verdict and stderr."""
    from typer.testing import CliRunner

    from sim.cli import app

    argv = materialise(case, folder)
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(TIMEOUT)
    try:
        with _inside(folder):
            result = CliRunner().invoke(app, argv, catch_exceptions=True)
        crashed = result.exception is not None and not isinstance(result.exception, SystemExit)
        stderr = result.stderr + ("Traceback (in process)" if crashed else "")
        return verdict(case, result.exit_code, stderr, crashed, folder), stderr
    except Hang:
        return "hang", ""
    except MemoryError:
        return "traceback", "MemoryError"
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def run_subprocess(case: Case, folder: Path) -> tuple[str, str]:
    """Run the ``followup`` script as a user would."""
    argv = materialise(case, folder)
    script = Path(sys.executable).parent / "followup"
    try:
        done = subprocess.run(
            [str(script), *argv],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
            errors="replace",
        )
    except subprocess.TimeoutExpired:
        return "hang", ""
    return verdict(case, done.returncode, done.stderr, False, folder), done.stderr


def run_corpus(
    cases: list[Case], root: Path, subprocesses: int = 0, echo: bool = False
) -> tuple[Counter[str], list[tuple[Case, str, str]]]:
    """Every case in its own folder under ``root``; the counts and the failures."""
    counts: Counter[str] = Counter()
    failures = []
    step = max(1, len(cases) // subprocesses) if subprocesses else 0
    for i, case in enumerate(cases):
        folder = root / f"case-{i:04d}"
        folder.mkdir(parents=True)
        outcome, stderr = run_in_process(case, folder)
        if step and i % step == 0 and counts["subprocess runs"] < subprocesses:
            counts["subprocess runs"] += 1
            sub = root / f"sub-{i:04d}"
            sub.mkdir()
            second, stderr2 = run_subprocess(case, sub)
            counts["subprocess " + second] += 1
            if second != "clean":
                failures.append((case, "subprocess " + second, stderr2))
        counts[outcome] += 1
        counts[f"{case.kind}s tried"] += 1
        if outcome != "clean":
            failures.append((case, outcome, stderr))
        if echo and i % 50 == 49:
            print(f"... {i + 1} of {len(cases)}", file=sys.stderr)
    return counts, failures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--subprocess",
        type=int,
        default=0,
        metavar="N",
        help="also run the first N cases as real processes",
    )
    parser.add_argument(
        "--memory-gb",
        type=float,
        default=8.0,
        help="address-space cap of this process, so a bomb fails here",
    )
    args = parser.parse_args()
    cap = int(args.memory_gb * 1e9)
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    cases = corpus()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="hostile-") as tmp:
        counts, failures = run_corpus(cases, Path(tmp) / "cases", args.subprocess, echo=True)
    wall = time.perf_counter() - started
    print(f"hostile corpus: {len(cases)} inputs in {wall:.0f} s")
    for kind in ("scenario", "sweep", "command", "path"):
        print(f"  {kind} inputs tried: {counts[f'{kind}s tried']}")
    for outcome in ("clean", "traceback", "hang", "accepted", "unclear"):
        print(f"  {outcome}: {counts[outcome]}")
    if args.subprocess:
        subs = {k: v for k, v in counts.items() if k.startswith("subprocess")}
        print(f"  as real processes ({args.subprocess}, spread over the corpus): {subs}")
    for case, outcome, stderr in failures:
        print(f"FAIL {outcome}: [{case.kind}] {case.name}: {stderr.strip()[:300]}")


if __name__ == "__main__":
    main()
