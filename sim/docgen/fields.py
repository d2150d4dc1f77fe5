"""What the code says about a field: the docstrings under class attributes, a class's own
docstring, a field's description, its type in the words of a scenario file and its bounds."""

from __future__ import annotations

import ast
import inspect
import textwrap
import types
import typing
from functools import cache
from typing import Any

import annotated_types
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from sim.docgen.fallback import FALLBACK
from sim.docgen.markdown import number, one_line, yaml_inline

LIBRARY_MODULES = frozenset({"builtins", "abc", "enum", "typing", "pydantic"})
"""Base classes whose source is not read for attribute docstrings."""


@cache
def attribute_docs(cls: type) -> dict[str, str]:
    """The docstrings written under class attributes (``x: int = 1`` then ``\"\"\"...\"\"\"``),
    for ``cls`` and the classes it inherits from, read from the source."""
    docs: dict[str, str] = {}
    for klass in reversed(cls.__mro__):
        if klass.__module__.split(".")[0] in LIBRARY_MODULES:
            continue
        try:
            source = textwrap.dedent(inspect.getsource(klass))
        except (OSError, TypeError):
            continue
        node = ast.parse(source).body[0]
        if not isinstance(node, ast.ClassDef):
            continue
        for prev, this in zip(node.body, node.body[1:], strict=False):
            if not (isinstance(this, ast.Expr) and isinstance(this.value, ast.Constant)):
                continue
            doc = this.value.value
            if not isinstance(doc, str):
                continue
            target: ast.expr | None = None
            if isinstance(prev, ast.AnnAssign):
                target = prev.target
            elif isinstance(prev, ast.Assign) and len(prev.targets) == 1:
                target = prev.targets[0]
            if isinstance(target, ast.Name):
                docs[target.id] = one_line(doc)
    return docs


def class_doc(cls: type) -> str:
    """The class's own docstring (not an inherited one), on one line."""
    doc = cls.__dict__.get("__doc__")
    return one_line(doc) if isinstance(doc, str) else ""


def field_doc(cls: type, name: str, info: FieldInfo) -> str:
    """A field's description: the docstring under it, else ``FALLBACK``, else its
    ``Field(description=...)``."""
    return (
        attribute_docs(cls).get(name)
        or FALLBACK.get(f"{cls.__name__}.{name}")
        or one_line(info.description or "")
    )


def block_doc(cls: type) -> str:
    return class_doc(cls) or FALLBACK.get(cls.__name__, "")


def is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def is_distribution(tp: Any) -> bool:
    return is_model(tp) and "kind" in tp.model_fields


def type_name(tp: Any) -> str:
    """A field's type in the words of a scenario file."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is typing.Annotated:
        return type_name(args[0])
    if origin in (types.UnionType, typing.Union):
        members = [a for a in args if a is not type(None)]
        flat = [typing.get_args(m)[0] if typing.get_origin(m) is typing.Annotated else m
                for m in members]  # fmt: skip
        inner = [a for m in flat for a in (typing.get_args(m) or (m,))]
        if inner and all(is_distribution(a) for a in inner):
            text = "distribution"
        else:
            text = " or ".join(type_name(m) for m in members)
        return text + (" or null" if len(members) < len(args) else "")
    if origin is list:
        return f"list of {type_name(args[0])}" if args else "list"
    if origin is dict:
        return f"mapping of {type_name(args[0])} to {type_name(args[1])}" if args else "mapping"
    if origin is typing.Literal:
        return " or ".join(yaml_inline(a) for a in args)
    if is_distribution(tp):
        return f"distribution ({tp.model_fields['kind'].default} only)"
    if is_model(tp):
        return "block"
    names = {bool: "true or false", int: "integer", float: "number", str: "text", Any: "any"}
    return names.get(tp, getattr(tp, "__name__", str(tp)))


def bounds(info: FieldInfo) -> str:
    """The numeric bounds and length limits of a field, as the error messages state them."""
    out = []
    for m in info.metadata:
        if isinstance(m, annotated_types.Gt):
            out.append(f"> {number(m.gt)}")  # type: ignore[arg-type]
        elif isinstance(m, annotated_types.Ge):
            out.append(f">= {number(m.ge)}")  # type: ignore[arg-type]
        elif isinstance(m, annotated_types.Lt):
            out.append(f"< {number(m.lt)}")  # type: ignore[arg-type]
        elif isinstance(m, annotated_types.Le):
            out.append(f"<= {number(m.le)}")  # type: ignore[arg-type]
        elif isinstance(m, annotated_types.MinLen):
            out.append(f"at least {m.min_length}")
        elif isinstance(m, annotated_types.MaxLen):
            out.append(f"at most {m.max_length}")
        elif isinstance(getattr(m, "allowed", None), str):  # a distribution's ``Within``
            out.append(m.allowed)
    if info.description and "HH:MM" in info.description:
        out.append('"HH:MM", quoted')
    return ", ".join(out)


def model_of(info: FieldInfo) -> type[BaseModel] | None:
    """The block type of a field whose value is a parameter block (not a distribution)."""
    tp = info.annotation
    if isinstance(tp, type) and issubclass(tp, BaseModel) and not is_distribution(tp):
        return tp
    return None
