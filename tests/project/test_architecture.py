"""The layout's rules, checked on the source: no import cycles, imports inside functions only
where they keep a heavy dependency off the start-up path, modules of a readable size, and a
``followup --help`` that imports none of the heavy libraries."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SIM = ROOT / "sim"

HEAVY_OPTIONAL = (
    "SALib",
    "distributed",
    "dask",
    "matplotlib.pyplot",
    "optuna",
    "emcee",
    "pyabc",
    "panel",
    "bokeh",
)
"""Optional or slow-to-import libraries that any module may import inside a function."""
START_UP_PATH = ("sim.cli",)
"""Packages on ``followup``'s start-up path: their commands import the simulator when they run."""
MAX_LINES = 500
REASON = "over 500 lines"
"""A module longer than ``MAX_LINES`` says why in its docstring, with these words."""


def modules() -> dict[str, Path]:
    out = {}
    for path in SIM.rglob("*.py"):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _targets(
    module: str, node: ast.Import | ast.ImportFrom, is_package: bool, known: set[str]
) -> list[str]:
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    base = node.module or ""
    if node.level:
        parts = module.split(".") if is_package else module.split(".")[:-1]
        parts = parts[: len(parts) - (node.level - 1)]
        base = ".".join([*parts, *([node.module] if node.module else [])])
    return [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names]


def _visit(
    node: ast.AST,
    module: str,
    is_package: bool,
    known: set[str],
    in_function: bool,
    top: set[str],
    inner: list[tuple[str, int, str]],
) -> None:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
            continue
        if isinstance(child, ast.Import | ast.ImportFrom):
            for target in _targets(module, child, is_package, known):
                if in_function:
                    inner.append((module, child.lineno, target))
                elif target in known and target != module:
                    top.add(target)
        else:
            function = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            _visit(child, module, is_package, known, function, top, inner)


def imports() -> tuple[dict[str, set[str]], list[tuple[str, int, str]]]:
    """Module-level edges between sim modules (``if TYPE_CHECKING`` blocks left out), and every
    import inside a function as (module, line, imported name)."""
    known = set(modules())
    edges: dict[str, set[str]] = {}
    inner: list[tuple[str, int, str]] = []
    for module, path in modules().items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top: set[str] = set()
        _visit(tree, module, path.name == "__init__.py", known, False, top, inner)
        edges[module] = top
    return edges, inner


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []

    def strong(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(edges):
        if v not in index:
            strong(v)
    return found


def test_no_import_cycles() -> None:
    edges, _ = imports()
    assert cycles(edges) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_imports_inside_functions_only_keep_heavy_libraries_off_the_start_up_path() -> None:
    _, inner = imports()
    bad = [
        (module, line, target)
        for module, line, target in inner
        if not module.startswith(START_UP_PATH)
        and module != "sim"
        and not target.startswith(HEAVY_OPTIONAL)
    ]
    assert bad == []


def test_modules_are_short_or_say_why() -> None:
    long = []
    for module, path in modules().items():
        text = path.read_text(encoding="utf-8")
        doc = ast.get_docstring(ast.parse(text)) or ""
        if len(text.splitlines()) > MAX_LINES and REASON not in doc:
            long.append((module, len(text.splitlines())))
    assert long == []


def test_help_imports_no_heavy_library() -> None:
    code = (
        "import sys, sim.cli.app; "
        "print(','.join(m for m in ('numpy', 'pandas', 'scipy', 'matplotlib', 'simpy', 'pyarrow',"
        " 'pydantic', 'yaml', 'dask', 'distributed') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert done.stdout.strip() == ""


GLOBAL_RANDOM = re.compile(
    r"^\s*(import random\b|from random import)|np\.random\.(?!default_rng\(|Generator\b|"
    r"SeedSequence\b|PCG64\b|Philox\b|BitGenerator\b)[a-z_]+\(",
    re.M,
)
"""The global random state: ``random``, or a ``np.random`` function that draws from it."""


def test_no_code_draws_from_the_global_random_state() -> None:
    """Every draw comes from a stream keyed by what it decides (``sim.model.streams``) or, in a
    tool, from its own seeded generator: never ``random`` or ``np.random.rand``-style calls,
    whose results would depend on what ran before."""
    assert GLOBAL_RANDOM.search("x = np.random." + "rand(3)")
    assert GLOBAL_RANDOM.search("import random")
    assert not GLOBAL_RANDOM.search("np.random.default_rng(np.random.SeedSequence(1))")
    folders = ("sim", "tests", "benchmarks", "scenarios", "examples")
    found = [
        f"{path.relative_to(ROOT)}: {m.group(0).strip()}"
        for folder in folders
        for path in (ROOT / folder).rglob("*.py")
        for m in GLOBAL_RANDOM.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == []
