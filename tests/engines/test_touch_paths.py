"""Both engines play the same touches through the same model code: hand-made prospects, a
cadence that uses every kind of touch, and the same scripted chance events fed to the DES
(event by event, at each minute) and to the vectorized engine (array passes, a day at a time)
end in identical state, observations and touch logs."""

from __future__ import annotations

import zlib
from typing import Any

import numpy as np
from numpy.typing import NDArray

from sim.engines.des.engine import run_world
from sim.engines.des.world import World
from sim.engines.vector.chunk import Chunk, VectorDraws
from sim.model.touching import Items
from sim.strategy.library import get_strategy
from tests.conftest import make_scenario

N = 12
DAYS = 8


class Scripted(VectorDraws):
    """Chance events that depend only on the prospect, the decision and how many times the
    prospect has met it: the same in both engines whatever their timing."""

    def __init__(self) -> None:
        self.used: dict[tuple[str, int], int] = {}

    def new_day(self, day: int) -> None:
        pass

    def _u(self, decision: str, idx: NDArray[np.int64]) -> NDArray[np.float64]:
        out = np.empty(len(idx))
        for j, i in enumerate(idx.tolist()):
            k = self.used.get((decision, i), 0)
            self.used[(decision, i)] = k + 1
            out[j] = zlib.crc32(f"{decision}/{i}/{k}".encode()) / 2**32
        return out

    def free(self, day: int, idx: Any, minute: Any, channel: Any) -> Any:
        return self._u("free", idx) < 0.6

    def uniform(self, decision: str, idx: Any) -> Any:
        return self._u(decision, idx)

    def read(self, day: int, items: Items, load: Any, s: Any, attention: Any, away: Any) -> Any:
        return ~away & (self._u("read", items.idx) < 0.7)


STEPS = [
    {"day": 0, "time": "10:10", "channel": "call_cell", "leave_voicemail": True,
     "promise_next_call": True, "template": "hello"},
    {"day": 0, "time": "10:40", "channel": "email", "value": True, "template": "insight"},
    {"day": 1, "time": "10:10", "channel": "call_desk", "ground_rules": True, "template": "hello"},
    {"day": 1, "time": "11:10", "channel": "page"},
    {"day": 2, "time": "09:10", "channel": "receptionist"},
    {"day": 2, "time": "10:40", "channel": "gift", "template": "flowers"},
    {"day": 3, "time": "14:10", "channel": "escalation"},
    {"day": 3, "time": "15:10", "channel": "text", "vary_template": True, "template": "nudge"},
    {"day": 4, "time": "10:10", "channel": "letter", "template": "letter"},
    {"day": 4, "time": "16:40", "channel": "call_cell", "block_caller_id": True,
     "leave_voicemail": True, "template": "hello"},
    {"day": 5, "time": "10:40", "channel": "email", "breakup": True, "template": "breakup"},
    {"day": 6, "time": "10:40", "channel": "fax", "permission": True, "template": "sword"},
]  # fmt: skip


def _scenario() -> Any:
    return make_scenario(
        {
            "calendar": {"horizon_days": DAYS, "always_on_share": 0.0},
            "population": {"away": {"start_chance": 0.05}, "in_office": 0.7},
            "custom_strategies": {
                "every-kind": {
                    "phases": [
                        {
                            "name": "all",
                            "steps": STEPS,
                            "on_positive": "continue",
                            "on_no": "continue",
                        }
                    ]
                }
            },
        }
    )


def _hand_made(traits: Any) -> None:
    traits.work_start[:] = 480.0
    traits.always_on[:] = False
    traits.tolerance[:] = np.linspace(3.0, 30.0, N)


def test_both_engines_paths_give_identical_state() -> None:
    sc = _scenario()
    strategy = get_strategy("every-kind", sc)
    world = World(sc, strategy, seed=4, first_id=0, n=N, draws=Scripted())
    _hand_made(world.traits)
    des = run_world(world)
    chunk = Chunk(sc, get_strategy("every-kind", sc), 4, 0, N, touch_log=True, draws=Scripted())
    _hand_made(chunk.traits)
    chunk.run()
    a, b = world.state, chunk.state
    for name in vars(a):
        if name in ("traits", "n_templates"):
            continue
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
    for name in vars(world.obs):
        if name not in ("memory", "n", "staggered"):
            np.testing.assert_array_equal(getattr(world.obs, name), getattr(chunk.obs, name), name)
    log_a, log_b = world.log.columns(), chunk.log.columns()
    order_a = np.lexsort((log_a["attempt"], log_a["prospect"]))
    order_b = np.lexsort((log_b["attempt"], log_b["prospect"]))
    assert set(log_a) == set(log_b)
    for col in log_a:
        np.testing.assert_array_equal(log_a[col][order_a], log_b[col][order_b], err_msg=col)
    # the script exercised every kind of touch and outcome the test is about
    results = set(des.touches["result"].astype(str))
    assert {"picked_up", "busy", "read", "away_reported", "in_reported", "escalated"} <= results
    assert des.touches["voicemail_heard"].any() and (a.reciprocity > 0).any()
    assert (a.status != 0).any() and a.permission.any() and a.escalated.any()
