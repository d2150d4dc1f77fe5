"""The export formats ``followup import --format`` reads, one adapter module each.

Each module documents its tool's layout (the columns, as the tool exports them; other
columns, personal data among them, are never read), its vocabularies and their default
mappings, and writes a simulated run in that layout (``sim.ingest.synthetic``).
"""

from __future__ import annotations

from sim.ingest import FORMAT_NAMES
from sim.ingest.formats import activities, hubspot, outreach, prospects, salesforce, salesloft
from sim.ingest.formats.base import Adapter, Synthetic

FORMATS: dict[str, Adapter] = {
    a.name: a
    for a in (
        activities.ADAPTER,
        prospects.ADAPTER,
        outreach.ADAPTER,
        salesloft.ADAPTER,
        hubspot.ADAPTER,
        salesforce.ADAPTER,
    )
}
"""Every format by name."""
assert tuple(FORMATS) == FORMAT_NAMES, "sim.ingest.FORMAT_NAMES lists the formats"

__all__ = ["FORMATS", "Adapter", "Synthetic"]
