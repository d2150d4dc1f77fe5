"""Pydantic's validation errors as the project's problems: one line each, naming the field's
path (as the user wrote it), the bad value and what is allowed."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

from sim.io.errors import Problem

_MESSAGES = {
    "greater_than": "must be > {gt}",
    "greater_than_equal": "must be >= {ge}",
    "less_than": "must be < {lt}",
    "less_than_equal": "must be <= {le}",
}


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


def problems_from(error: ValidationError, model: type[BaseModel]) -> list[Problem]:
    """Turn pydantic's errors into one readable problem each."""
    problems = []
    for err in error.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if p not in ("lognormal", "uniform", "constant"))
        path = ".".join(str(p) for p in loc)
        kind = err["type"]
        ctx = err.get("ctx", {}) or {}
        if kind == "extra_forbidden":
            allowed = _allowed_keys(model, loc[:-1])
            msg = "unknown key" + (f"; allowed: {', '.join(allowed)}" if allowed else "")
        elif kind in _MESSAGES:
            msg = _MESSAGES[kind].format(
                **{k: f"{v:g}" if isinstance(v, float) else v for k, v in ctx.items()}
            )
        elif kind == "missing":
            msg = "required, missing"
        elif kind == "union_tag_invalid" or kind == "union_tag_not_found":
            msg = "needs kind: lognormal, uniform or constant"
        else:
            msg = str(err["msg"])
            for prefix in ("Value error, ", "Assertion failed, "):
                msg = msg.removeprefix(prefix)
            msg = msg[:1].lower() + msg[1:]
        if not path:  # a rule across fields: the message names the fields itself
            problems.append(Problem(path="", value=None, message=msg))
            continue
        value = None if kind == "missing" else err.get("input")
        problems.append(Problem(path=path, value=value, message=msg))
    return problems
