"""Random streams keyed by what they decide and by whom, from ``numpy.random.SeedSequence``.

A stream is identified by the run's seed, a decision name and integer keys (a prospect block,
a prospect, a day...). The same key always gives the same numbers, whichever strategy is run,
however the work is chunked and however many processes share it: that is what makes strategy
comparisons paired (common random numbers) and results independent of the worker count.

Every stream name is registered once, with what it decides (``STREAMS``, Starsim's habit):
``stream`` refuses a name that is not registered, and a test checks that no two names share a
key (``name_key``, a CRC-32 of the name), so two decisions can never draw the same numbers.
"""

from __future__ import annotations

import zlib

from numpy.random import PCG64, Generator, SeedSequence

BLOCK = 4096
"""Prospects per random-number block: traits and exogenous life are drawn block by block."""

STREAMS: dict[str, str] = {}
"""Every stream name, with what it decides."""


def register(name: str, decides: str) -> str:
    """Add a stream name to the registry (an error if it is there already)."""
    if name in STREAMS:
        raise ValueError(f"random stream {name!r} is registered twice")
    STREAMS[name] = decides
    return name


def name_key(name: str) -> int:
    """A stable 32-bit key for a decision name (the same on every machine and run)."""
    return zlib.crc32(name.encode("utf-8"))


def stream(seed: int, name: str, *keys: int) -> Generator:
    """The generator for decision ``name`` (registered) at ``keys`` under ``seed``."""
    if name not in STREAMS:
        raise KeyError(f"random stream {name!r} is not registered (sim.model.streams.STREAMS)")
    ss = SeedSequence(entropy=seed, spawn_key=(name_key(name), *(int(k) for k in keys)))
    return Generator(PCG64(ss))


def blocks_of(start: int, stop: int) -> range:
    """The block indices that cover prospects ``start`` to ``stop - 1``."""
    return range(start // BLOCK, (stop - 1) // BLOCK + 1) if stop > start else range(0)


# -- the registry ------------------------------------------------------------------------------
# Traits and life: keyed by block. The DES: by prospect (and day, inbox, session). The
# vectorized engine: by block and day, one stream per decision.

for _trait, _what in {
    "segment": "segment (buyer, info seeker, non-fit)",
    "load:email": "email load",
    "load:voicemail": "voicemail load",
    "load:text": "text load",
    "load:social": "social load",
    "load:mail": "paper-mail load",
    "load:parcel": "parcel load",
    "load:fax": "fax load",
    "fax": "whether the prospect has a fax",
    "work_start": "start of the working day",
    "always_on": "whether the prospect reads in the evening",
    "tolerance": "annoyance tolerance",
    "favored": "favoured venue",
    "urgency0": "urgency on day 0",
    "recall0": "recall on day 0",
    "known0": "whether the rep's number is known on day 0",
    "acquainted": "whether the prospect has talked with the rep before",
    "propensity": "the prospect's own readiness to answer (a standard normal)",
    "win": "uniform deciding whether a buyer's meeting is won",
    "withhold": "uniform deciding whether an info seeker denied information meets",
    "arrival_minute": "minute of the arrival day a lead inquires (leads.arrival_hours)",
    "presence": "how long a lead stays at the screen after the inquiry (leads.presence_minutes)",
}.items():
    register(f"trait:{_trait}", _what)
register("life:urgency", "daily urgency innovations of buyers")
register("life:market", "daily market uniform of buyers (inbound call, competitor)")
register("life:daily", "daily uniform of every prospect (away start and length, in the office)")
register("des:day", "DES: a prospect-day's meetings and interruptions")
register("des:inbox", "DES: the competing items of one triage session")
register("des:pickup", "DES: a prospect's pick-ups (calls, pages), in order")
register("des:response", "DES: a prospect's responses, in order")
register("des:tracking", "DES: a prospect's email-tracking reports, in order")
VECTOR_DECISIONS = ("free", "pickup", "page", "response", "read", "tracking")
"""The vectorized engine's decisions, each with its own stream per block and day."""
for _decision in VECTOR_DECISIONS:
    register(
        f"vec:{_decision}", f"vectorized engine: the day's '{_decision}' uniforms per prospect"
    )
register("sweep:replication", "sweep: a replication's seed")
for _design in ("grid", "list", "lhs", "sobol", "morris", "bootstrap"):
    register(f"sweep:design:{_design}", f"sweep: the {_design} design's own draws")
register("calibrate:simulate", "calibration: the simulate seed of every evaluation")
register("calibrate:walkers", "calibration: the posterior sampler's starting walkers")
register("calibrate:emcee", "calibration: the posterior sampler's own moves (emcee)")
register("calibration-check:truth", "make calibration-check: the planted parameter values")
register("calibration-check:observation", "make calibration-check: the planted observations' seed")
register("posterior:draw", "run --posterior: the simulate seed of a posterior draw")
register("posterior:rows", "run --posterior: which posterior rows are drawn")
