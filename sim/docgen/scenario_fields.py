"""The reference of every field of the scenario file (``docs/guide/scenario-file.md``), from
the pydantic models of ``sim/scenario.py``: every field's path, type, default, bounds and
description, block by block, with a link to the section of ``docs/model.md`` that explains
the block."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pydantic import BaseModel

from sim.docgen.config import DOCS
from sim.docgen.fields import block_doc, bounds, field_doc, model_of, type_name
from sim.docgen.markdown import code, slug, table, yaml_inline
from sim.model.distributions import Constant, Lognormal, Uniform
from sim.model.scenario import Scenario

DISTRIBUTIONS: tuple[type[BaseModel], ...] = (Lognormal, Uniform, Constant)


@cache
def model_sections(model_page: Path) -> dict[str, str]:
    """docs/model.md's numbered headings: section number -> anchor."""
    if not model_page.is_file():
        return {}
    anchors = {}
    for line in model_page.read_text(encoding="utf-8").splitlines():
        match = re.match(r"#+\s+(\d+(?:\.\d+)*)\.?\s", line)
        if match:
            anchors[match.group(1)] = slug(line.lstrip("#"))
    return anchors


MODEL_SECTION = {
    "Scenario": "1",
    "Calendar": "2",
    "Population": "3",
    "Segments": "3",
    "FavoredChannel": "3",
    "Away": "3",
    "Loads": "4.9",
    "Urgency": "4.1",
    "Competitors": "4.3",
    "Meetings": "4.4",
    "Interruptions": "4.5",
    "Screening": "4.6",
    "Decay": "4.8",
    "Salience": "4.9",
    "Inboxes": "4.9",
    "InboxHabits": "4.9",
    "Fear": "4.11",
    "Response": "4.11",
    "SegmentWeights": "4.11",
    "Channels": "5",
    "ChannelSpec": "5",
    "Tracking": "6",
}
"""The section of docs/model.md that explains each block."""


def model_link(cls: type, docs: Path) -> str:
    number_ = MODEL_SECTION.get(cls.__name__)
    anchor = model_sections(docs / "model.md").get(number_ or "")
    if not anchor:
        return ""
    return f"The model: [section {number_}](../model.md#{anchor})."


@dataclass
class Block:
    """A parameter block at ``path`` (empty for the top level) and its default value."""

    path: str
    cls: type[BaseModel]
    default: BaseModel


def blocks(root: BaseModel) -> Iterator[Block]:
    """Every parameter block under ``root``, depth first in declaration order."""

    def walk(path: str, value: BaseModel) -> Iterator[Block]:
        cls = type(value)
        yield Block(path, cls, value)
        groups = grouped_fields(cls)
        for name, info in cls.model_fields.items():
            sub = getattr(value, name)
            if model_of(info) is not None and isinstance(sub, BaseModel) and name not in groups:
                yield from walk(f"{path}.{name}" if path else name, sub)

    yield from walk("", root)


def grouped_fields(cls: type[BaseModel]) -> dict[str, type[BaseModel]]:
    """Fields holding blocks of a type that two or more fields of ``cls`` share (the inboxes,
    the channels, the weights by segment): documented as one table."""
    by_type: dict[type[BaseModel], list[str]] = {}
    for name, info in cls.model_fields.items():
        sub = model_of(info)
        if sub is not None:
            by_type.setdefault(sub, []).append(name)
    return {n: t for t, names in by_type.items() if len(names) >= 2 for n in names}


FIELD_HEADER = ("field", "type", "default", "allowed", "meaning")


def heading(path: str) -> str:
    return f"`{path}`" if path else "Top level"


def field_rows(block: Block, names: Sequence[str]) -> list[list[str]]:
    rows = []
    for name in names:
        info = block.cls.model_fields[name]
        path = f"{block.path}.{name}" if block.path else name
        doc = field_doc(block.cls, name, info)
        sub = model_of(info)
        if sub is not None:
            anchor = slug(heading(path))
            rows.append([code(path), "block", "", "", f"{doc} See [{path}](#{anchor})".strip()])
            continue
        default = yaml_inline(getattr(block.default, name))
        if info.is_required():
            default += " (required in this block)"
        rows.append([code(path), type_name(info.annotation), code(default), bounds(info), doc])
    return rows


def group_lines(block: Block, names: list[str], kind: type[BaseModel]) -> list[str]:
    """One table of the fields the blocks of ``names`` share, one of their defaults."""
    paths = [f"{block.path}.{n}" if block.path else n for n in names]
    lines = [
        "Each of "
        + ", ".join(code(p) for p in paths)
        + " is a block with the fields below. "
        + (block_doc(kind) + " " if block_doc(kind) else ""),
        "",
    ]
    rows = []
    for name, info in kind.model_fields.items():
        required = "yes" if info.is_required() else "no"
        doc = field_doc(kind, name, info)
        rows.append([code(name), type_name(info.annotation), bounds(info), required, doc])
    lines += table(("field", "type", "allowed", "required in the block", "meaning"), rows)
    lines += ["", "Defaults:", ""]
    fields = list(kind.model_fields)
    values = [
        [code(p), *(code(yaml_inline(getattr(getattr(block.default, n), f))) for f in fields)]
        for p, n in zip(paths, names, strict=True)
    ]
    lines += table(("block", *fields), values)
    return lines


def block_lines(block: Block, docs: Path) -> list[str]:
    title = heading(block.path)
    lines = [f"### {title}", ""]
    about = " ".join(t for t in (block_doc(block.cls), model_link(block.cls, docs)) if t)
    if about:
        lines += [about, ""]
    groups = grouped_fields(block.cls)
    own = [n for n in block.cls.model_fields if n not in groups]
    if own:
        lines += table(FIELD_HEADER, field_rows(block, own))
        lines.append("")
    kinds: dict[type[BaseModel], list[str]] = {}
    for name, kind in groups.items():
        kinds.setdefault(kind, []).append(name)
    for kind, names in kinds.items():
        lines += group_lines(block, names, kind)
        lines.append("")
    return lines


def distribution_lines() -> list[str]:
    lines = [
        "### Distributions",
        "",
        "A field of type *distribution* varies across prospects; write it as a mapping with "
        "`kind` and the fields of that kind. A field that is not given takes the default "
        "below, not the scenario's default.",
        "",
    ]
    rows = []
    for cls in DISTRIBUTIONS:
        kind = cls.model_fields["kind"].default
        for name, info in cls.model_fields.items():
            if name == "kind":
                continue
            default = "required" if info.is_required() else code(yaml_inline(info.default))
            doc = field_doc(cls, name, info)
            rows.append([code(kind), code(name), default, bounds(info), doc])
    lines += table(("kind", "field", "default", "allowed", "meaning"), rows)
    examples = [yaml_inline({"kind": "lognormal", "median": 120, "sigma": 0.5}),
                yaml_inline({"kind": "uniform", "low": 450, "high": 570}),
                yaml_inline({"kind": "constant", "value": 1.5})]  # fmt: skip
    lines += ["", "For example " + ", ".join(code(e) for e in examples) + "."]
    return lines


def field_reference(root: BaseModel | None = None, docs: Path = DOCS) -> str:
    """The reference of every field of a scenario (``root``: the defaults, ``Scenario()``)."""
    root = root if root is not None else Scenario()
    lines: list[str] = []
    for block in blocks(root):
        lines += block_lines(block, docs)
    lines += distribution_lines()
    return "\n".join(lines).rstrip() + "\n"


def leaf_paths(root: BaseModel) -> list[str]:
    """The dotted path of every field that holds a value (not a block), for tests."""
    out = []

    def walk(path: str, value: BaseModel) -> None:
        for name, info in type(value).model_fields.items():
            full = f"{path}.{name}" if path else name
            sub = getattr(value, name)
            if model_of(info) is not None and isinstance(sub, BaseModel):
                walk(full, sub)
            else:
                out.append(full)

    walk("", root)
    return out
