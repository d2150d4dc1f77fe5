"""The built-in engines by name, loaded on first use (so ``followup --help`` imports none).

``get_engine("vector")`` gives the engine object; ``engine_names()`` lists the names without
importing an engine. A researcher's own engine is passed to ``simulate`` as an object, or
registered here under a new name with ``register``.
"""

from __future__ import annotations

from importlib import import_module

from sim.engines.base import Engine

_BUILTIN = {
    "vector": "sim.engines.vector.engine:VectorEngine",
    "des": "sim.engines.des.engine:DesEngine",
}
"""Name to ``module:class`` of each built-in engine, in the order the command line lists them."""
_LOADED: dict[str, Engine] = {}

DEFAULT_PROSPECTS = {"vector": 50_000, "des": 2_000}
"""Each built-in engine's ``default_prospects``, readable without importing it (command-line
help); a test checks they agree."""
DEFAULT_CHUNK = 32_768
"""The vector engine's prospects per chunk (its ``default_chunk``), readable without importing
it: the command line's ``--chunk`` default and the memory estimate use it too."""


def engine_names() -> tuple[str, ...]:
    """Every engine's name (built-in and registered), the default first."""
    return tuple(dict.fromkeys([*_BUILTIN, *_LOADED]))


def register(engine: Engine) -> None:
    """Make ``engine`` available by its name (an error if the name is taken)."""
    if engine.name in _BUILTIN or engine.name in _LOADED:
        raise ValueError(f"an engine named {engine.name!r} exists already")
    _LOADED[engine.name] = engine


def get_engine(engine: str | Engine) -> Engine:
    """The engine of that name (or the object itself)."""
    if not isinstance(engine, str):
        return engine
    if engine not in _LOADED:
        if engine not in _BUILTIN:
            raise ValueError(
                f"unknown engine {engine!r}; choose one of: {', '.join(engine_names())}"
            )
        module, cls = _BUILTIN[engine].split(":")
        _LOADED[engine] = getattr(import_module(module), cls)()
    return _LOADED[engine]


__all__ = ["DEFAULT_CHUNK", "DEFAULT_PROSPECTS", "engine_names", "get_engine", "register"]
