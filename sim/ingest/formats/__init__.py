"""The export formats ``followup import --format`` reads, one adapter module each.

Each module documents its tool's layout (the columns, as the tool exports them; other
columns, personal data among them, are never read), its vocabularies and their default
mappings, and writes a simulated run in that layout (``sim.ingest.synthetic``).
"""

from __future__ import annotations

from sim.ingest.formats import activities
from sim.ingest.formats.base import Adapter, Synthetic

FORMATS: dict[str, Adapter] = {a.name: a for a in (activities.ADAPTER,)}
"""Every format by name."""

__all__ = ["FORMATS", "Adapter", "Synthetic"]
