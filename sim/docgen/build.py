"""Every generated page at once: build them (``pages``), name those out of date (``stale``),
write them (``write``), and the command line (``main``)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from sim.docgen.config import COMMAND, DOCS
from sim.docgen.regions import REGIONS, with_region
from sim.docgen.strategy_pages import strategy_index, strategy_page
from sim.strategy.library import library_specs

STRATEGY_DIR = Path("strategies")


def pages(docs: Path = DOCS) -> dict[Path, str]:
    """Every generated file under ``docs`` and its content (whole pages, and hand-written pages
    with their generated regions filled in)."""
    specs = library_specs()
    out = {docs / STRATEGY_DIR / "index.md": strategy_index(specs)}
    for name, spec in specs.items():
        out[docs / STRATEGY_DIR / f"{name}.md"] = strategy_page(name, spec)
    for region in REGIONS:
        path = docs / region.page
        if path not in out:
            if not path.is_file():
                raise FileNotFoundError(f"{path} is missing")
            out[path] = path.read_text(encoding="utf-8")
        out[path] = with_region(out[path], region.name, region.render(docs), str(path))
    return out


def leftovers(docs: Path, expected: dict[Path, str]) -> list[Path]:
    """Pages in docs/strategies/ that the library no longer has."""
    folder = docs / STRATEGY_DIR
    return sorted(p for p in folder.glob("*.md") if p not in expected) if folder.is_dir() else []


def stale(docs: Path = DOCS) -> list[str]:
    """What is out of date, one line per file."""
    expected = pages(docs)
    problems = []
    for path, text in expected.items():
        if not path.is_file():
            problems.append(f"{path}: missing")
        elif path.read_text(encoding="utf-8") != text:
            problems.append(f"{path}: out of date")
    problems += [f"{p}: no such strategy in the library" for p in leftovers(docs, expected)]
    return problems


def write(docs: Path = DOCS) -> list[Path]:
    """Write every generated page that changed; remove pages of strategies that are gone."""
    expected = pages(docs)
    written = []
    for path, text in expected.items():
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            written.append(path)
    for path in leftovers(docs, expected):
        path.unlink()
        written.append(path)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog=COMMAND,
        description="Generate the strategy pages and the scenario field reference in docs/.",
    )
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if a page is out of date"
    )
    parser.add_argument(
        "--docs", type=Path, default=DOCS, help="the docs folder (default: %(default)s)"
    )
    args = parser.parse_args(argv)
    if args.check:
        problems = stale(args.docs)
        for line in problems:
            print(line, file=sys.stderr)
        if problems:
            print(
                f"The generated documentation is out of date: run `{COMMAND}` "
                "(or `.venv/bin/python -m sim.docgen`) and commit the changes.",
                file=sys.stderr,
            )
            return 1
        print(f"{len(pages(args.docs))} generated pages are up to date")
        return 0
    changed = write(args.docs)
    for path in changed:
        print(f"wrote {path}")
    print(f"{len(changed)} page(s) changed")
    return 0
