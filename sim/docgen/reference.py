"""The references the guide's generated regions hold besides the scenario fields: the fields
of a cadence (strategy, phase, step), the Python strategy interface (``Strategy``,
``Observations``, ``TouchPlan``, ``Opt``) and the columns of the printed table."""

from __future__ import annotations

import dataclasses
import inspect

from pydantic import BaseModel

from sim.calibrate.statistics import CATALOGUE
from sim.docgen.fallback import FALLBACK
from sim.docgen.fields import attribute_docs, bounds, class_doc, field_doc, type_name
from sim.docgen.markdown import code, one_line, table, yaml_inline
from sim.model.channels import Channel
from sim.results.summary import PERCENT, TABLE_COLUMNS
from sim.strategy.base import Observations, Opt, Strategy, TouchPlan
from sim.strategy.cadence import CadenceSpec, PhaseSpec, StepSpec

TYPE_OVERRIDE = {
    "CadenceSpec.phases": "list of phases",
    "PhaseSpec.steps": "list of steps",
    "StepSpec.time": 'time "HH:MM", or a list of them',
    "StepSpec.channel": "channel, or `favored`",
    "StepSpec.fallback": "channel",
}
"""Types that read better in words than from the annotation."""

EXTRA_DOCS: dict[type, tuple[type, ...]] = {StepSpec: (Opt,)}
"""Classes whose fields are also described by another class's attribute docstrings (a
step's options by the flags of ``Opt``)."""


def spec_table(cls: type[BaseModel]) -> list[str]:
    """The fields of a strategy-file model: type, default, bounds, meaning."""
    rows = []
    for name, info in cls.model_fields.items():
        tp = TYPE_OVERRIDE.get(f"{cls.__name__}.{name}") or type_name(info.annotation)
        if info.is_required():
            default = "required"
        else:
            default = code(yaml_inline(info.get_default(call_default_factory=True)))
        doc = field_doc(cls, name, info)
        for other in EXTRA_DOCS.get(cls, ()):
            doc = doc or attribute_docs(other).get(name, "")
        rows.append([code(name), tp, default, bounds(info), doc])
    return table(("field", "type", "default", "allowed", "meaning"), rows)


def cadence_reference() -> str:
    """Every field of a cadence (strategy, phase, step) and the channel names."""
    lines = ["#### A strategy", "", *spec_table(CadenceSpec), ""]
    lines += ["#### A phase", "", *spec_table(PhaseSpec), ""]
    lines += ["#### A step", "", *spec_table(StepSpec), ""]
    names = ", ".join(code(c.name) for c in Channel)
    lines += [
        f"Channels: {names}; and `favored` for a step's `channel`. Their rep minutes, cost and "
        "effects are scenario parameters (`channels` in the "
        "[field reference](scenario-file.md#channels)).",
    ]
    return "\n".join(lines) + "\n"


def _annotation(hint: object) -> str:
    return hint if isinstance(hint, str) else getattr(hint, "__name__", str(hint))


def python_reference() -> str:
    """The attributes of ``Strategy``, the fields of ``Observations`` and ``TouchPlan``, and the
    option flags."""
    lines = ["#### `Strategy`", "", class_doc(Strategy), ""]
    rows = []
    for name, hint in inspect.get_annotations(Strategy).items():
        doc = attribute_docs(Strategy).get(name) or FALLBACK.get(f"Strategy.{name}", "")
        rows.append([code(name), code(_annotation(hint)), code(repr(getattr(Strategy, name))), doc])
    rows.append(
        [
            code("decide(day, obs)"),
            code("TouchPlan"),
            "required",
            one_line(inspect.getdoc(Strategy.decide) or ""),
        ]
    )
    lines += table(("attribute", "type", "default", "meaning"), rows)
    for cls in (Observations, TouchPlan):
        lines += ["", f"#### `{cls.__name__}`", "", class_doc(cls), ""]
        rows = []
        for f in dataclasses.fields(cls):
            doc = attribute_docs(cls).get(f.name) or FALLBACK.get(f"{cls.__name__}.{f.name}", "")
            rows.append([code(f.name), code(_annotation(f.type)), doc])
        lines += table(("field", "type", "meaning"), rows)
    lines += ["", "#### `Opt`", "", class_doc(Opt), ""]
    rows = [
        [code(o.name or ""), str(int(o)), attribute_docs(Opt).get(o.name or "", "")] for o in Opt
    ]
    lines += table(("option", "bit", "meaning"), rows)
    return "\n".join(lines) + "\n"


def table_columns() -> str:
    """The columns of the table ``followup run`` prints (``sim.results.summary.TABLE_COLUMNS``)."""
    rows = []
    for heading_, metric, digits in TABLE_COLUMNS:
        if digits is None:
            shown = "percent, with its 95% interval"
        elif digits == PERCENT:
            shown = "percent (its interval in summary.csv)"
        else:
            shown = f"{digits} decimal" + ("" if digits == 1 else "s")
        rows.append([code(heading_), code(metric), shown])
    return "\n".join(table(("column", "metric", "shown as"), rows)) + "\n"


def catalogue_markdown() -> str:
    """The catalogue as a Markdown table (the generated region of the calibration guide)."""
    lines = [
        "| statistic | unit | arguments | what it measures |",
        "| --- | --- | --- | --- |",
    ]
    for s in CATALOGUE.values():
        args = []
        for a in s.takes:
            default = s.defaults.get(a)
            need = " (required)" if a in s.needs else f" (default {default})" if default else ""
            args.append(f"`{a}`{need}")
        lines.append(f"| `{s.name}` | {s.unit} | {', '.join(args) or '–'} | {s.description} |")
    return "\n".join(lines)
