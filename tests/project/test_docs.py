"""The documentation: generated pages are current, links resolve, and every example runs.

Examples are the fenced blocks of the user guide (``docs/guide/*.md``) and of the generated
strategy pages (``docs/strategies/*.md``), run page by page in a scratch folder that holds a
copy of ``scenarios/``:

- ``python``: executed in order, in one namespace per page;
- ``yaml``: a scenario file, validated with ``sim.io.loader.scenario_from_dict``;
- ``sh``: every line is a ``followup`` command, run through the command-line app
  (``typer.testing.CliRunner``, in the scratch folder), and must exit with code 0;
- ``console``: ``$ followup ...`` lines are run the same way; the lines shown under a command
  must appear in its output;
- ``text``: sample output, not run.

HTML comments just above a block adjust it: ``<!-- not-run: reason -->`` (the only way to
leave a block out), ``<!-- file: NAME -->`` (a YAML block is also written to NAME, for later
commands), ``<!-- invalid: reason -->`` (the YAML block must be rejected) and
``<!-- exit-code: N -->`` (the commands must exit with N).
"""

from __future__ import annotations

import contextlib
import io
import re
import shlex
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest
import yaml
from pydantic import Field
from typer.testing import CliRunner

from sim import docgen
from sim.cli import app
from sim.docgen.markdown import slug
from sim.docgen.scenario_fields import field_reference, leaf_paths
from sim.io.errors import ScenarioError
from sim.io.loader import scenario_from_dict
from sim.model.outcomes import PROSPECT_COLUMNS, TOUCH_COLUMNS
from sim.model.scenario import Params, Scenario
from sim.results.summary import METRICS, SUMMARY_COLUMNS
from sim.results.tables import BY_ATTEMPT_COLUMNS, COMPARISON_COLUMNS, TOUCH_STATS_COLUMNS
from sim.run.write import RUN_FILES

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
GUIDE = sorted((DOCS / "guide").glob("*.md"))
RUN_PAGES = [*GUIDE, DOCS / "sweeps.md"]
"""Pages whose examples run: the guide and the sweeps page."""
STRATEGY_PAGES = sorted((DOCS / "strategies").glob("*.md"))
LANGUAGES = {"python", "yaml", "sh", "console", "text"}
MARKERS = {"not-run", "file", "invalid", "exit-code"}
MARKER = re.compile(r"<!--\s*([a-z][a-z-]*)\s*:\s*(.*?)\s*-->")
PENDING_LINKS = {DOCS / "sweeps.md"}
"""Pages other work is writing; a link to one is checked once it exists."""


# -- reading a page ----------------------------------------------------------------------------


@dataclass
class Block:
    page: Path
    line: int
    lang: str
    text: str
    markers: dict[str, str] = field(default_factory=dict)

    @property
    def where(self) -> str:
        page = self.page.relative_to(ROOT) if self.page.is_relative_to(ROOT) else self.page
        return f"{page}:{self.line}"


def read_blocks(page: Path) -> list[Block]:
    """The fenced blocks of a page with the markers written just above each; raises on an
    unknown marker, a marker not followed by a block, or a block without a known language."""
    lines = page.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    pending: dict[str, str] = {}
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        marker = MARKER.fullmatch(line)
        if marker:
            key, value = marker.groups()
            if key not in MARKERS:
                raise ValueError(f"{page}:{i + 1}: unknown marker {key!r}; known: {MARKERS}")
            pending[key] = value
            i += 1
            continue
        if line.startswith("```"):
            lang = line[3:].strip()
            if lang not in LANGUAGES:
                raise ValueError(f"{page}:{i + 1}: block language {lang!r} not in {LANGUAGES}")
            start, body = i + 1, []
            i += 1
            while i < len(lines) and lines[i].strip() != "```":
                body.append(lines[i])
                i += 1
            blocks.append(Block(page, start, lang, "\n".join(body) + "\n", pending))
            pending = {}
        elif pending:
            raise ValueError(f"{page}:{i + 1}: markers {pending} are not followed by a block")
        i += 1
    return blocks


# -- running a block ---------------------------------------------------------------------------


@dataclass
class Outcome:
    returncode: int
    output: str


def run_followup(args: list[str]) -> Outcome:
    """``followup ARGS`` in the current folder; the output is stdout and stderr together."""
    result = CliRunner().invoke(app, args)
    output = result.output
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        output += f"\n{type(result.exception).__name__}: {result.exception}"
    return Outcome(result.exit_code, output)


def command_args(line: str, block: Block) -> list[str]:
    words = shlex.split(line, comments=True)
    if words and words[0] != "followup":
        pytest.fail(
            f"{block.where}: {line!r} is not a followup command; mark the block "
            "<!-- not-run: reason --> if it should not run"
        )
    return words[1:]


def check_exit(done: Outcome, line: str, block: Block) -> None:
    expected = int(block.markers.get("exit-code", "0"))
    assert done.returncode == expected, (
        f"{block.where}: `{line}` exited with {done.returncode}, not {expected}\n{done.output}"
    )


def run_sh(block: Block) -> None:
    for line in block.text.splitlines():
        args = command_args(line, block)
        if args or line.strip().startswith("followup"):
            check_exit(run_followup(args), line, block)


def run_console(block: Block) -> None:
    commands: list[tuple[str, list[str]]] = []
    for line in block.text.splitlines():
        if line.startswith("$ "):
            commands.append((line[2:], []))
        elif commands:
            commands[-1][1].append(line)
        elif line.strip():
            pytest.fail(f"{block.where}: output before the first '$ ' command")
    assert commands, f"{block.where}: a console block without a '$ ' command"
    for line, expected in commands:
        done = run_followup(command_args(line, block))
        check_exit(done, line, block)
        for text in expected:
            assert text.strip() in done.output, (
                f"{block.where}: `{line}` did not print {text.strip()!r}; it printed:\n"
                f"{done.output}"
            )


def check_yaml(block: Block, cwd: Path) -> None:
    data = yaml.safe_load(block.text)
    name = block.markers.get("file")
    if name:
        (cwd / name).write_text(block.text, encoding="utf-8")
    if "invalid" in block.markers:
        with pytest.raises(ScenarioError):
            scenario_from_dict(data, block.where)
    else:
        scenario_from_dict(data, block.where)


def run_page(page: Path, cwd: Path) -> list[str]:
    """Every block of ``page`` in order; returns the blocks left out, with their reasons."""
    namespace: dict[str, object] = {"__name__": "__docs__"}
    skipped = []
    for block in read_blocks(page):
        if "not-run" in block.markers:
            assert block.markers["not-run"], f"{block.where}: not-run needs a reason"
            skipped.append(f"{block.where}: {block.markers['not-run']}")
            continue
        if block.lang == "python":
            code = compile(block.text, block.where, "exec")
            with contextlib.redirect_stdout(io.StringIO()):
                exec(code, namespace)
        elif block.lang == "yaml":
            check_yaml(block, cwd)
        elif block.lang == "sh":
            run_sh(block)
        elif block.lang == "console":
            run_console(block)
    return skipped


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder with the shipped scenarios and examples, as the repository's folder
    has them."""
    shutil.copytree(ROOT / "scenarios", tmp_path / "scenarios")
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    return tmp_path


@pytest.mark.parametrize("page", RUN_PAGES, ids=lambda p: p.name)
def test_guide_examples_run(page: Path, scratch: Path) -> None:
    run_page(page, scratch)


def test_strategy_pages_examples(scratch: Path) -> None:
    """Each page's scenario (a copy of the strategy, to edit) is valid; the run command, the
    same on every page, is the only block left out."""
    for page in STRATEGY_PAGES:
        skipped = run_page(page, scratch)
        assert len(skipped) <= 1, skipped


# -- generated pages ---------------------------------------------------------------------------


def test_generated_pages_are_current(capsys: pytest.CaptureFixture[str]) -> None:
    status = docgen.main(["--check"])
    err = capsys.readouterr().err
    assert status == 0, err


def test_every_library_strategy_has_a_page() -> None:
    from sim.strategy.library import library_names

    names = {p.stem for p in STRATEGY_PAGES} - {"index"}
    assert names == set(library_names())
    index = (DOCS / "strategies" / "index.md").read_text(encoding="utf-8")
    for name in library_names():
        assert f"]({name}.md)" in index


def test_the_reference_names_every_field() -> None:
    reference = field_reference(Scenario(), DOCS)
    for path in leaf_paths(Scenario()):
        parent, _, leaf = path.rpartition(".")
        full = f"`{path}`" in reference
        grouped = f"`{parent}`" in reference and f"`{leaf}`" in reference
        assert full or grouped, f"{path} is missing from the scenario field reference"


class Knobs(Params):
    """A block the generator has never seen."""

    knob: float = Field(default=2.5, ge=0, le=5)
    """Turns the new mechanism up."""
    switch: bool = False


class Wider(Scenario):
    knobs: Knobs = Knobs()


def test_the_reference_picks_up_new_blocks() -> None:
    reference = field_reference(Wider(), DOCS)
    assert "### `knobs`" in reference
    assert "A block the generator has never seen." in reference
    row = next(line for line in reference.splitlines() if line.startswith("| `knobs.knob`"))
    assert "`2.5`" in row and ">= 0, <= 5" in row and "Turns the new mechanism up." in row
    assert "| `knobs.switch` | true or false | `false` |" in reference


def test_check_names_the_command_when_stale(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    shutil.copytree(DOCS / "guide", docs / "guide")
    shutil.copy(DOCS / "model.md", docs / "model.md")
    assert docgen.main(["--docs", str(docs)]) == 0
    assert docgen.main(["--check", "--docs", str(docs)]) == 0
    page = docs / "strategies" / "overkill.md"
    page.write_text(page.read_text(encoding="utf-8") + "edited\n", encoding="utf-8")
    (docs / "strategies" / "retired-strategy.md").write_text("# gone\n", encoding="utf-8")
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        assert docgen.main(["--check", "--docs", str(docs)]) == 1
    assert "overkill.md: out of date" in err.getvalue()
    assert "retired-strategy.md: no such strategy" in err.getvalue()
    assert "python -m sim.docgen" in err.getvalue()


# -- hand-written pages that must keep up with the code ----------------------------------------


def test_outputs_page_names_every_metric_column_and_file() -> None:
    text = (DOCS / "guide" / "outputs.md").read_text(encoding="utf-8")
    from sim.viz.render import CHART_NAMES

    names = {
        *METRICS,
        *SUMMARY_COLUMNS,
        *COMPARISON_COLUMNS,
        *TOUCH_STATS_COLUMNS,
        *BY_ATTEMPT_COLUMNS,
        *PROSPECT_COLUMNS,
        *TOUCH_COLUMNS,
        *RUN_FILES,
        *(f"{c}.png" for c in CHART_NAMES),
    }
    missing = sorted(n for n in names if f"`{n}`" not in text)
    assert not missing, f"docs/guide/outputs.md does not describe {missing}"


LINK = re.compile(r"\]\(([^)\s]+)\)")


def anchors(page: Path) -> set[str]:
    text = page.read_text(encoding="utf-8")
    text = re.sub(r"```.*?```", "", text, flags=re.S)
    return {slug(m) for m in re.findall(r"^#+\s+(.*)$", text, flags=re.M)}


def page_text(page: Path) -> str:
    """A Markdown page, or the Markdown cells of a notebook."""
    if page.suffix == ".ipynb":
        nb = nbformat.read(page, as_version=4)
        return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    return page.read_text(encoding="utf-8")


def test_links_resolve() -> None:
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    pages = [*GUIDE, *STRATEGY_PAGES, ROOT / "README.md", *notebooks]
    broken = []
    for page in pages:
        for target in LINK.findall(page_text(page)):
            if re.match(r"[a-z]+:", target):
                continue
            file, _, anchor = target.partition("#")
            path = (page.parent / file).resolve() if file else page
            if path in PENDING_LINKS and not path.exists():
                continue
            if not path.exists():
                broken.append(f"{page.relative_to(ROOT)}: {target}")
            elif anchor and path.suffix == ".md" and anchor not in anchors(path):
                broken.append(f"{page.relative_to(ROOT)}: {target} (no such heading)")
    assert not broken, "broken links:\n" + "\n".join(broken)


def test_pages_parse() -> None:
    """Markers and block languages of every page are well formed (``read_blocks`` raises)."""
    for page in [*RUN_PAGES, *STRATEGY_PAGES]:
        assert read_blocks(page) or page.name in {"index.md"}


def test_the_runner_fails_on_a_broken_example(tmp_path: Path, scratch: Path) -> None:
    """A failing example fails the page; only an explicit, explained marker skips a block."""
    page = tmp_path / "page.md"
    page.write_text("```python\nassert 1 + 1 == 3\n```\n", encoding="utf-8")
    with pytest.raises(AssertionError):
        run_page(page, scratch)
    page.write_text("<!-- not-run: sketch -->\n```python\nassert False\n```\n", encoding="utf-8")
    assert run_page(page, scratch) == [f"{page}:2: sketch"]
    page.write_text("<!-- skip: no -->\n```python\npass\n```\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown marker"):
        read_blocks(page)
    page.write_text("```bash\nls\n```\n", encoding="utf-8")
    with pytest.raises(ValueError, match="block language"):
        read_blocks(page)
    page.write_text("```sh\nmake run\n```\n", encoding="utf-8")
    with pytest.raises(pytest.fail.Exception, match="not a followup command"):
        run_page(page, scratch)
    page.write_text("```sh\nfollowup run --prospects 0\n```\n", encoding="utf-8")
    with pytest.raises(AssertionError, match="exited with 2"):
        run_page(page, scratch)
    page.write_text("```yaml\npopulation: {in_office: 2}\n```\n", encoding="utf-8")
    with pytest.raises(ScenarioError):
        run_page(page, scratch)
