"""Values made ready for ``json.dumps``: what the manifests and ``--format json`` write."""

from __future__ import annotations

import math
from typing import Any


def json_ready(value: Any) -> Any:
    """NumPy scalars unwrapped, NaN and infinities as null, tuples as lists, keys as text
    (inside mappings and lists too)."""
    if isinstance(value, dict):
        return {str(k): json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_ready(v) for v in value]
    item = getattr(value, "item", None)
    if callable(item):
        value = item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


__all__ = ["json_ready"]
