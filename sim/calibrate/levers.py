"""The free parameters that set a statistic's level (its ``levers``): dotted scenario paths,
or compound parameters of ``sim.calibrate.space``. A targets file without ``free`` frees the
union of its targets' levers."""

from __future__ import annotations

EMAIL_LOAD = "population.loads.email.median"
VOICEMAIL_LOAD = "population.loads.voicemail.median"
PICKUP = "population.screening.unknown"
PICKUP_KNOWN = "population.screening.known_sales"
FIT = "population.segments.fit"
B_POS = "response.b_pos.all"
B_NO = "response.b_no.all"
TOLERANCE = "population.tolerance.median"
RECALL_RIVALS = "competitors.r_competitor"

__all__ = [
    "B_NO", "B_POS", "EMAIL_LOAD", "FIT", "PICKUP", "PICKUP_KNOWN", "RECALL_RIVALS", "TOLERANCE",
    "VOICEMAIL_LOAD",
]  # fmt: skip
