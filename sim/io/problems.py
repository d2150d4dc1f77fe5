"""Pydantic's validation errors as the project's problems: one line each, naming the field's
path (as the user wrote it), the bad value and what is allowed.

Pydantic puts its own names into an error's location: the member of a union that was tried
(``time.str``, ``values.0.float``) or the kind of a distribution. They are not the user's
field path, so they are dropped, and the errors of the members of one union become one
problem: the members' own complaint when the value had a member's type but broke its rules,
else the list of the types the value may have.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ValidationError

from sim.io.errors import Problem

_MESSAGES = {
    "greater_than": "must be > {gt}",
    "greater_than_equal": "must be >= {ge}",
    "less_than": "must be < {lt}",
    "less_than_equal": "must be <= {le}",
    "finite_number": "must be a finite number (not .nan or .inf)",
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "int_parsing_size": "is far too large",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "string_type": "must be text",
    "list_type": "must be a list",
    "dict_type": "must be a mapping",
    "model_type": "must be a mapping",
    "model_attributes_type": "must be a mapping",
    "tuple_type": "must be a list",
    "none_required": "must be null",
    "too_short": "must have at least {min_length} item(s)",
    "too_long": "must have at most {max_length} item(s)",
    "string_too_short": "must have at least {min_length} character(s)",
    "string_too_long": "must have at most {max_length} characters",
}

_TYPE_ONLY = {
    "finite_number": "a finite number",
    "float_type": "a number",
    "float_parsing": "a number",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "bool_type": "true/false",
    "bool_parsing": "true/false",
    "string_type": "text",
    "list_type": "a list",
    "tuple_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "none_required": "null",
}
"""Errors that only say the value has another type, and the type in the user's words."""

_TAG = re.compile(
    r"^(str|int|float|bool|none|bytes|lognormal|uniform|constant"
    r"|[a-z-]+\[.*\]|constrained-[a-z]+|lax-or-strict|json-or-python|[A-Z]\w*)$"
)
"""Pydantic's names for a union's members (and the distributions' kinds) in a location."""


def _allowed_keys(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str] | None:
    """The field names allowed at ``loc`` (the parent of an unknown key), if it is a model."""
    current: Any = model
    for part in loc:
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        field = current.model_fields.get(str(part))
        if field is None:
            return None
        current = field.annotation
    if isinstance(current, type) and issubclass(current, BaseModel):
        return sorted(current.model_fields)
    return None


def _user_path(loc: tuple[Any, ...]) -> tuple[tuple[Any, ...], str | None]:
    """The location without pydantic's own names; and, when the value went through a union,
    the (user's) path of the union itself."""
    kept: list[Any] = []
    union: str | None = None
    for part in loc:
        if isinstance(part, str) and _TAG.match(part):
            if union is None and part not in ("lognormal", "uniform", "constant"):
                union = ".".join(str(p) for p in kept)
            continue
        kept.append(part)
    return tuple(kept), union


def _number(x: float) -> str:
    return str(int(x)) if x.is_integer() and abs(x) < 1e15 else f"{x:g}"


def _message(err: Any) -> str:
    kind = err["type"]
    ctx = err.get("ctx", {}) or {}
    if kind in _MESSAGES:
        values = {k: _number(v) if isinstance(v, float) else v for k, v in ctx.items()}
        try:
            return _MESSAGES[kind].format(**values)
        except (KeyError, IndexError):
            pass
    if kind == "missing":
        return "required, missing"
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        return "needs kind: lognormal, uniform or constant"
    if kind == "literal_error" and "expected" in ctx:
        return f"must be {ctx['expected']}"
    msg = str(err["msg"])
    for prefix in ("Value error, ", "Assertion failed, "):
        msg = msg.removeprefix(prefix)
    return msg[:1].lower() + msg[1:]


def _one_of(types: list[str]) -> str:
    types = list(dict.fromkeys(types))
    for general, special in (("a finite number", "a number"), ("a number", "a whole number")):
        if general in types and special in types:
            types.remove(special)
    if len(types) == 1:
        return f"must be {types[0]}"
    return f"must be {', '.join(types[:-1])} or {types[-1]}"


def _union_problems(path: str, errs: list[tuple[str, Any]]) -> list[Problem]:
    """One union's errors as the user's problems: a member that matched the value's shape
    and failed deeper (a list with a bad item) or failed a rule says what is wrong; when
    every member only wanted another type, one problem lists the types allowed."""
    deeper = [(p, e) for p, e in errs if p != path]
    rules = [(p, e) for p, e in errs if e["type"] not in _TYPE_ONLY]
    chosen = deeper or rules
    if not chosen:
        types = [_TYPE_ONLY[e["type"]] for _, e in errs]
        return [Problem(path, errs[0][1].get("input"), _one_of(types))]
    out: list[Problem] = []
    for p, e in chosen:
        problem = Problem(p, e.get("input"), _message(e))
        if problem not in out:
            out.append(problem)
    return out


def problems_from(error: ValidationError, model: type[BaseModel]) -> list[Problem]:
    """Turn pydantic's errors into one readable problem each (one per union)."""
    problems: list[Problem] = []
    unions: dict[str, list[tuple[str, Any]]] = {}
    order: list[tuple[str, Any]] = []
    for err in error.errors(include_url=False):
        loc, union = _user_path(tuple(err["loc"]))
        path = ".".join(str(p) for p in loc)
        if union is not None:
            if union not in unions:
                order.append(("union", union))
                unions[union] = []
            unions[union].append((path, err))
        else:
            order.append(("one", (path, loc, err)))
    for what, item in order:
        if what == "union":
            problems += [p for p in _union_problems(item, unions[item]) if p not in problems]
            continue
        path, loc, err = item
        if loc and loc[-1] == "[key]":  # a mapping's key, not its value, is wrong
            path = ".".join(str(p) for p in loc[:-1])
            problems.append(Problem(path, err.get("input"), "a key here " + _message(err)))
            continue
        if err["type"] == "extra_forbidden":
            allowed = _allowed_keys(model, loc[:-1])
            msg = "unknown key" + (f"; allowed: {', '.join(allowed)}" if allowed else "")
        else:
            msg = _message(err)
        if not path:  # a rule across fields: the message names the fields itself
            problems.append(Problem(path="", value=None, message=msg))
            continue
        value = None if err["type"] == "missing" else err.get("input")
        problems.append(Problem(path=path, value=value, message=msg))
    return problems
