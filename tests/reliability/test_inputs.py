"""Bad scenario and sweep files: each one a clean ``ScenarioError`` naming the file, the field
(or line and column) and what is allowed, quickly, and never a value accepted that the model
cannot use. The whole hostile corpus runs in ``test_corpus.py``."""

from __future__ import annotations

import codecs
import gzip
import math
import os
import signal
import threading
import time
import typing
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import Any

import annotated_types
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from sim.io.errors import MAX_PROBLEMS, Problem, ScenarioError, short_repr
from sim.io.loader import SCENARIO_DIR, load_scenario, scenario_from_dict
from sim.io.yamlfile import MAX_BYTES, MAX_DEPTH, MAX_NODES
from sim.model.distributions import Within
from sim.model.scenario import Scenario
from sim.strategy.cadence import CadenceSpec
from sim.strategy.library import library_names
from sim.sweep.design import build_design
from sim.sweep.spec import SweepSpec, load_spec, spec_from_dict

BASELINE = (SCENARIO_DIR / "baseline.yaml").read_bytes()


@pytest.fixture(autouse=True)
def no_hang() -> Iterator[None]:
    """A test that blocks (a named pipe, /dev/zero) fails after 20 s instead of hanging."""

    def stop(signum: int, frame: FrameType | None) -> None:
        raise TimeoutError("hung")

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(20)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _error(path: Path) -> list[str]:
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    lines = err.value.lines()
    assert lines and all(line.startswith(f"{path}: ") for line in lines), lines
    return lines


def _file(tmp_path: Path, data: bytes, name: str = "x.yaml") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# -- reading -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"name: t\ndescription: caf\xe9\n", "line 2, column 17: byte 0xe9 (offset 24)"),
        (b"name: t\x00\n", "line 1, column 8: the control character U+0000"),
        (b"name: \x1b[31mred\n", "line 1, column 7: the control character U+001B"),
        (gzip.compress(BASELINE), "gzip-compressed data, not UTF-8"),
        ("name: t\n".encode("utf-16"), "UTF-16 text, not UTF-8"),
        (b"name: t\ndescription: \xed\xa0\x80\n", "line 2, column 14: byte 0xed"),
    ],
)  # fmt: skip
def test_bytes_that_are_not_utf8_text_are_told_where(
    tmp_path: Path, data: bytes, expected: str
) -> None:
    (line,) = _error(_file(tmp_path, data))
    assert expected in line


def test_a_utf8_byte_order_mark_is_allowed(tmp_path: Path) -> None:
    scenario = load_scenario(_file(tmp_path, codecs.BOM_UTF8 + b"name: bom\n"))
    assert scenario.name == "bom"


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 500, 100_000])
def test_deep_nesting_is_refused_with_its_position(tmp_path: Path, depth: int) -> None:
    text = "description: " + "[" * depth + "1" + "]" * depth + "\n"
    (line,) = _error(_file(tmp_path, text.encode()))
    assert "line 1, column" in line and ("nested more than" in line or "nesting depth" in line)


def test_block_nesting_is_refused_too(tmp_path: Path) -> None:
    text = "description:\n" + "".join(" " * i + "- \n" for i in range(MAX_DEPTH + 5))
    (line,) = _error(_file(tmp_path, text.encode()))
    assert f"nested more than {MAX_DEPTH} levels deep" in line


def _laughs(levels: int, width: int) -> bytes:
    lines = [f"a0: &a0 [{', '.join(['lol'] * width)}]"]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * width)}]")
    return ("\n".join(lines) + "\n").encode()


def test_billion_laughs_stop_at_the_first_anchor_over_the_budget(tmp_path: Path) -> None:
    started = time.perf_counter()
    (line,) = _error(_file(tmp_path, _laughs(9, 9)))
    assert time.perf_counter() - started < 2
    # 9**6 = 531,441 values in a5, the first anchor over 100,000 (a4 has 59,049)
    assert "line 6, column" in line and f"more than {MAX_NODES:,} values" in line


def test_a_few_aliases_are_fine(tmp_path: Path) -> None:
    body = b"name: a\npopulation:\n  loads:\n    parcel: &c {kind: constant, value: 1}\n" + (
        b"    fax: *c\n"
    )
    assert load_scenario(_file(tmp_path, body)).population.loads.fax.mean == 1


def test_an_alias_to_an_enclosing_collection_is_refused(tmp_path: Path) -> None:
    (line,) = _error(_file(tmp_path, b"description: &a [1, *a]\n"))
    assert "the alias *a refers to a collection that contains it" in line


@pytest.mark.parametrize(
    ("text", "where"),
    [
        (b"name: t\npopulation: {in_office: 0.2}\npopulation: {fax_share: 0.1}\n", "line 3"),
        (b"urgency:\n  mu: 0\n  mu: 1\n", "line 3, column 3"),
        (b"population:\n  meetings:\n    hour_profile: {9: 1, 0x9: 2}\n", "line 3"),
    ],
)
def test_a_key_given_twice_is_an_error(tmp_path: Path, text: bytes, where: str) -> None:
    (line,) = _error(_file(tmp_path, text))
    assert where in line and "is given twice in this mapping" in line


def test_merge_keys_still_work_and_may_be_overridden(tmp_path: Path) -> None:
    body = (
        b"channels:\n  call_desk: &c {rep_minutes: 3, annoyance: 1.0, recall: 0.3}\n"
        b"  call_cell: {<<: *c, annoyance: 1.3}\n"
    )
    cell = load_scenario(_file(tmp_path, body)).channels.call_cell
    assert (cell.rep_minutes, cell.annoyance) == (3, 1.3)


@pytest.mark.parametrize("data", [b"", b"\n\n", b"# only a comment\n", b"---\n", b"null\n", b"~\n"])
def test_an_empty_file_says_what_a_scenario_needs(tmp_path: Path, data: bytes) -> None:
    (line,) = _error(_file(tmp_path, data))
    assert "the file is empty" in line and "name:" in line


def test_a_file_over_the_size_limit_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    with path.open("wb") as f:
        f.write(b"name: t\n")
        f.truncate(50_000_000)  # sparse: 50 MB that cost nothing to make
    started = time.perf_counter()
    (line,) = _error(path)
    assert time.perf_counter() - started < 1
    assert "50,000,000 bytes" in line and f"{MAX_BYTES:,}" in line


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_a_device_is_refused(device: str) -> None:
    if not Path(device).exists():
        pytest.skip(f"no {device} here")
    with pytest.raises(ScenarioError) as err:
        load_scenario(device)
    assert "a character device, not a regular file" in err.value.lines()[0]


def test_a_named_pipe_is_refused_without_blocking(tmp_path: Path) -> None:
    path = tmp_path / "pipe.yaml"
    os.mkfifo(path)
    (line,) = _error(path)
    assert "a named pipe, not a regular file" in line


def test_a_folder_and_a_link_to_a_device_are_refused(tmp_path: Path) -> None:
    folder = tmp_path / "dir.yaml"
    folder.mkdir()
    assert "a directory, not a regular file" in _error(folder)[0]
    link = tmp_path / "zero.yaml"
    link.symlink_to("/dev/zero")
    assert "a character device" in _error(link)[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (b"name: !!python/object/apply:os.system ['true']\n", "line 1, column 7: could not"),
        (b"name: a\n---\nname: b\n", "line 2, column 1: malformed YAML"),
        (b"calendar: {horizon_days: " + b"9" * 5000 + b"}\n", "a whole number too long to read"),
        (b"- a\n- b\n", "(top level) = ['a', 'b']: must be a mapping of scenario fields"),
    ],
)
def test_unsafe_or_odd_yaml_is_a_clean_error(tmp_path: Path, text: bytes, expected: str) -> None:
    (line,) = _error(_file(tmp_path, text))
    assert expected in line


# -- values ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("patch", "path"),
    [
        ({"urgency": {"mu": math.inf}}, "urgency.mu"),
        ({"urgency": {"mu": math.nan}}, "urgency.mu"),
        ({"urgency": {"mu": 500}}, "urgency.mu"),
        ({"urgency": {"theta": -math.inf}}, "urgency.theta"),
        ({"urgency": {"initial": {"kind": "constant", "value": 999}}}, "urgency.initial"),
        ({"population": {"initial_recall": {"kind": "constant", "value": -1}}},
         "population.initial_recall"),
        ({"population": {"initial_recall": {"kind": "constant", "value": math.nan}}},
         "population.initial_recall.value"),
        ({"population": {"loads": {"parcel": {"kind": "constant", "value": -0.5}}}},
         "population.loads.parcel"),
        ({"population": {"loads": {"email": {"kind": "uniform", "low": -5, "high": 5}}}},
         "population.loads.email"),
        ({"population": {"loads": {"email": {"kind": "lognormal", "median": math.inf}}}},
         "population.loads.email.median"),
        ({"population": {"tolerance": {"kind": "constant", "value": 0}}}, "population.tolerance"),
        ({"population": {"tolerance": {"kind": "constant", "value": -2}}},
         "population.tolerance"),
        ({"population": {"tolerance": {"kind": "lognormal", "median": 1e300}}},
         "population.tolerance.median"),
        ({"population": {"meetings": {"hour_profile": {9: math.inf}}}},
         "population.meetings.hour_profile.9"),
        ({"name": "two\nlines"}, "name"),
        ({"name": ""}, "name"),
    ],
)  # fmt: skip
def test_values_the_model_cannot_use_are_refused(patch: dict[str, Any], path: str) -> None:
    with pytest.raises(ScenarioError) as err:
        scenario_from_dict(patch, "s.yaml")
    (line,) = err.value.lines()
    assert line.startswith(f"s.yaml: {path} = "), line


def _numeric_fields(model: type[BaseModel], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for name, info in model.model_fields.items():
        inner = [info.annotation, *typing.get_args(info.annotation)]
        models = [m for m in inner if isinstance(m, type) and issubclass(m, BaseModel)]
        distributions = [m for m in models if "kind" in m.model_fields]
        if models and not distributions:
            for m in models:
                yield from _numeric_fields(m, f"{prefix}{name}.")
        elif distributions or any(t in (int, float) for t in inner):
            yield f"{prefix}{name}", info


def test_every_number_of_the_scenario_has_a_documented_range() -> None:
    """Both bounds on every number (a distribution: ``Within`` on the field); the field
    reference prints them in its *allowed* column."""
    unbounded = []
    for path, info in _numeric_fields(Scenario):
        metadata = info.metadata
        low = any(isinstance(m, annotated_types.Ge | annotated_types.Gt) for m in metadata)
        high = any(isinstance(m, annotated_types.Le | annotated_types.Lt) for m in metadata)
        within = any(isinstance(m, Within) for m in metadata) or "Within" in str(info.annotation)
        profiles = ("population.meetings.hour_profile", "leads.arrival_hours")  # hour_profile()
        if not (low and high) and not within and path not in profiles:
            unbounded.append(path)
    assert unbounded == []


def test_every_number_of_a_cadence_has_both_bounds() -> None:
    for path, info in _numeric_fields(CadenceSpec):
        kinds = {type(m) for m in info.metadata}
        assert kinds & {annotated_types.Ge, annotated_types.Gt}, path
        assert kinds & {annotated_types.Le, annotated_types.Lt}, path


def test_the_defaults_and_the_shipped_scenarios_still_validate() -> None:
    Scenario()
    for path in sorted(SCENARIO_DIR.glob("*.yaml")):
        load_scenario(path)
    for path in sorted((SCENARIO_DIR / "sweeps").glob("*.yaml")):
        load_spec(path)


@pytest.mark.parametrize("name", [*library_names()[:3], "all", "scenario", "a,b"])
def test_a_custom_strategy_cannot_take_a_reserved_name(name: str) -> None:
    spec = {"phases": [{"name": "a", "steps": [{"day": 0, "channel": "email"}]}]}
    with pytest.raises(ScenarioError) as err:
        scenario_from_dict({"custom_strategies": {name: spec}}, "s.yaml")
    (line,) = err.value.lines()
    assert line.startswith(f"s.yaml: custom_strategies.{name} = {name!r}: ")


# -- messages ----------------------------------------------------------------------------------

TYPES = {"str", "int", "float", "bool", "none", "lognormal", "uniform", "constant"}
INTERNAL = ("function-", "lax-or-strict", "constrained", "json-or-python")


def _internal_names(line: str) -> list[str]:
    """Parts of a problem's path that are pydantic's names, not the user's (or empty)."""
    path = line.split(": ", 1)[1].split(" = ", 1)[0]
    parts = path.split(".")
    return [
        p
        for p in parts
        if p in TYPES or p.startswith(INTERNAL) or "[" in p or not p or p[0].isupper()
    ]


@pytest.mark.parametrize(
    ("patch", "expected"),
    [
        ({"custom_strategies": {"m": {"phases": [{"name": "a", "steps": [
            {"day": 0, "channel": "email", "time": 5}]}]}}},
         "custom_strategies.m.phases.0.steps.0.time = 5: a time of day must be quoted"),
        ({"custom_strategies": {"m": {"phases": [{"name": "a", "steps": [
            {"day": 0, "channel": "email", "time": [1.5]}]}]}}},
         "custom_strategies.m.phases.0.steps.0.time.0 = 1.5: must be text"),
        ({"custom_strategies": {"m": {"phases": [
            {"name": "a", "steps": [{"day": 0, "channel": "email"}]},
            {"name": "a", "steps": [{"day": 0, "channel": "email"}]}]}}},
         "custom_strategies.m.phases = ['a', 'a']: phase names must be unique"),
        ({"calendar": {"evening_start": 1140}},
         'calendar.evening_start = 1140: a time of day must be quoted: "19:00"'),
    ],
)  # fmt: skip
def test_messages_use_the_users_paths(patch: dict[str, Any], expected: str) -> None:
    with pytest.raises(ScenarioError) as err:
        scenario_from_dict(patch, "s.yaml")
    (line,) = err.value.lines()
    assert line.startswith(f"s.yaml: {expected}"), line
    assert _internal_names(line) == []


def test_sweep_values_are_finite_and_named_by_the_users_path() -> None:
    data = {"strategies": ["one-and-done"], "parameters": [{"path": "response.p_win",
            "values": [0.2, math.inf, [1]]}]}  # fmt: skip
    with pytest.raises(ScenarioError) as err:
        spec_from_dict(data, "s.yaml")
    assert err.value.lines() == [
        "s.yaml: parameters.0.values.1 = inf: must be a finite number, true/false or text",
        "s.yaml: parameters.0.values.2 = [1]: must be a number, true/false or text",
    ]


def test_a_huge_value_is_shown_short_and_problems_are_capped() -> None:
    assert len(short_repr("x" * 10_000_000)) < 120
    assert "digits" in short_repr(10**5000)
    error = ScenarioError("f", [Problem(f"p{i}", i, "bad") for i in range(1000)])
    lines = error.lines()
    assert (
        len(lines) == MAX_PROBLEMS + 1
        and lines[-1] == f"f: ... and {1000 - MAX_PROBLEMS} more problems"
    )


# -- sweeps ------------------------------------------------------------------------------------


def _spec(tmp_path: Path, **changes: Any) -> tuple[SweepSpec, Path]:
    data = {"strategies": ["one-and-done"],
            "parameters": [{"path": "response.p_win", "values": [0.2]}], **changes}  # fmt: skip
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(data))
    return load_spec(path)


@pytest.mark.parametrize(
    ("base", "files", "expected"),
    [
        ("nowhere.yaml", {}, "base = 'nowhere.yaml': no such scenario file"),
        ("/dev/zero", {}, "base = '/dev/zero': cannot read: a character device"),
        (".", {}, "base = '.': cannot read: a directory"),
        ("b.yaml", {"b.yaml": b"name: caf\xe9\n"}, "base = 'b.yaml': line 1, column 10: byte 0xe9"),
        ("b.yaml", {"b.yaml": b"urgency: {mu: .nan}\n"}, "base = 'b.yaml': urgency.mu = nan: "),
        ("b.yaml", {"b.yaml": b""}, "base = 'b.yaml': the file is empty"),
    ],
)  # fmt: skip
def test_a_sweeps_base_problems_name_the_sweep_file_and_field(
    tmp_path: Path, base: str, files: dict[str, bytes], expected: str
) -> None:
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    spec, file = _spec(tmp_path, base=base)
    with pytest.raises(ScenarioError) as err:
        build_design(spec, file)
    (line,) = err.value.lines()
    assert line.startswith(f"{file}: {expected}"), line


def test_an_empty_base_and_a_nan_override_are_errors_of_the_sweep_file(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError) as err:
        _spec(tmp_path, base="")
    assert err.value.lines()[0].endswith("base = '': must have at least 1 character(s)")
    spec, file = _spec(tmp_path, overrides={"urgency": {"mu": math.nan}})
    with pytest.raises(ScenarioError) as err:
        build_design(spec, file)
    assert err.value.lines() == [
        f"{file}: overrides.urgency.mu = nan: must be a finite number (not .nan or .inf)"
    ]


def test_a_sweep_of_too_many_cells_is_refused_before_making_them(tmp_path: Path) -> None:
    params = [{"path": f"response.{w}", "low": 0.1, "high": 0.2, "steps": 100}
              for w in ("w_value", "w_recall", "w_recip", "w_live", "w_annoy")]  # fmt: skip
    spec, file = _spec(tmp_path, parameters=params)
    started = time.perf_counter()
    with pytest.raises(ScenarioError) as err:
        build_design(spec, file)
    assert time.perf_counter() - started < 5
    assert "10,000,000,000 cells" in err.value.lines()[0]


# -- fuzz --------------------------------------------------------------------------------------


@st.composite
def mangled_files(draw: st.DrawFn) -> bytes:
    """The baseline with bytes inserted, deleted or replaced; or bytes from scratch; or a
    nesting or alias bomb of a drawn shape."""
    kind = draw(st.sampled_from(["insert", "cut", "replace", "bytes", "nest", "laughs"]))
    if kind == "bytes":
        return draw(st.binary(max_size=3000))
    if kind == "nest":
        depth = draw(st.integers(MAX_DEPTH - 2, 3000))
        opener, closer = draw(st.sampled_from([("[", "]"), ("{a: ", "}")]))
        return ("description: " + opener * depth + "1" + closer * depth + "\n").encode()
    if kind == "laughs":
        return _laughs(draw(st.integers(2, 12)), draw(st.integers(2, 30)))
    at = draw(st.integers(0, len(BASELINE)))
    if kind == "cut":
        return BASELINE[:at] + BASELINE[at + draw(st.integers(1, 200)) :]
    junk = draw(st.binary(min_size=1, max_size=8))
    skip = len(junk) if kind == "replace" else 0
    return BASELINE[:at] + junk + BASELINE[at + skip :]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mangled_files())
def test_any_bytes_give_a_scenario_or_one_clean_error_quickly(data: bytes) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.yaml"
        path.write_bytes(data)
        started = time.perf_counter()
        try:
            load_scenario(path)
        except ScenarioError as exc:
            lines = exc.lines()
            assert lines and len(lines) <= MAX_PROBLEMS + 1
            assert all(line.startswith(f"{path}: ") and len(line) < 2000 for line in lines)
            assert all(_internal_names(line) == [] for line in lines if " = " in line), lines
        assert time.perf_counter() - started < 5


HOSTILE = st.sampled_from([math.nan, math.inf, -math.inf, 1e300, -1e300, 10**30, 10**5000])


def _numeric_leaves(data: Any, prefix: str = "") -> Iterator[str]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _numeric_leaves(value, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(data, int | float) and not isinstance(data, bool):
        yield prefix


_NUMERIC = sorted(_numeric_leaves(Scenario().model_dump(mode="json")))


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(_NUMERIC), HOSTILE)
def test_no_number_accepts_nan_infinity_or_absurd_sizes(path: str, value: Any) -> None:
    data: dict[str, Any] = Scenario().model_dump(mode="json")
    node = data
    keys = path.split(".")
    for key in keys[:-1]:
        node = node[key if key in node else int(key)]
    node[keys[-1] if keys[-1] in node else int(keys[-1])] = value
    with pytest.raises(ScenarioError) as err:
        scenario_from_dict(data, "f.yaml")
    blocks = [".".join(keys[:i]) for i in range(1, len(keys) + 1)]
    assert any(f"f.yaml: {b} = " in line for b in blocks for line in err.value.lines())
