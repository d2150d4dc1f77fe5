"""One colour and one marker per strategy, the same in every chart of every run.

A strategy's look is a pure function of its name: the library's strategies, in library
order, take the colours of ``PALETTE`` in turn (so ``breakup-after-two`` is vermillion in
every chart, on every machine); any other name (a scenario's own strategy, a Python
strategy) is hashed (SHA-256, not Python's salted ``hash``) onto the palette. The marker
cycles through ``MARKERS`` on its own period, so that two strategies sharing a colour still
differ in shape. Charts colour the highlighted strategies and draw the rest in ``GREY``.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

from sim.strategy.library import library_names

PALETTE = (
    "#000000",
    "#E69F00",
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#8C564B",
    "#6A3D9A",
    "#999933",
    "#EE3377",
    "#01665E",
    "#A50026",
    "#B8860B",
    "#332288",
    "#4D9221",
    "#44AA99",
    "#882255",
    "#7570B3",
    "#1F78B4",
    "#DE77AE",
    "#7F3B08",
    "#F0027F",
    "#E08214",
    "#1B7837",
    "#C51B7D",
    "#2166AC",
    "#B2182B",
)
"""28 colours that read on white, one per library strategy in library order (24 today) and
spare ones for other names: Okabe & Ito's seven (yellow left out) and black first, then
Paul Tol's and ColorBrewer's darker hues, placed so that strategies often shown together
(one-and-done, persistent-until-no, breakup-after-two, five-to-one, overkill, same- and
varied-message) differ strongly. No greys: grey means "not highlighted"."""
MARKERS = ("o", "s", "D", "^", "v", "P", "X", "p", "h")
"""Marker shapes; nine, coprime with the palette's 28, so colour and shape together are
unique for 252 strategies."""
GREY = "#B0B0B0"
"""Strategies that are not highlighted."""


@lru_cache(maxsize=1)
def _library_index() -> dict[str, int]:
    return {name: i for i, name in enumerate(library_names())}


def _slot(name: str) -> int:
    index = _library_index()
    if name in index:
        return index[name]
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big")


def strategy_colour(name: str) -> str:
    """The strategy's colour (a ``#RRGGBB`` string), the same in every chart and run."""
    return PALETTE[_slot(name) % len(PALETTE)]


def strategy_marker(name: str) -> str:
    """The strategy's marker shape (a Matplotlib marker code)."""
    return MARKERS[_slot(name) % len(MARKERS)]


__all__ = ["GREY", "MARKERS", "PALETTE", "strategy_colour", "strategy_marker"]
