"""The two engines are one model: on four scenarios, three strategies each, the discrete-event
and the vectorized engines agree within 4 combined standard errors on meeting rate, reach,
explicit no, opt-out, mean touches, pick-ups and reads per prospect, and the share first
reached at each attempt (see sim/agreement.py; `make validate` runs the same at larger sizes).
"""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor

import pandas as pd
import pytest

from sim.engines.des.engine import run_des
from sim.engines.vector.engine import run_vector
from sim.strategy.library import get_strategy
from sim.validation.agreement import compare_engines, format_agreement
from sim.validation.scenarios import validation_scenarios

pytestmark = pytest.mark.slow

DES_PROSPECTS = 4000
"""At 2,000 the light-inbox list's share of breakup-after-two's prospects first reached at the
6th attempt sat 4.15 SE off at seed 7 (DES 3.05% in those prospects; 1.72% in the next 6,000
of the same seed; vector 1.80%): a sampling excursion among some 230 compared rows."""
VECTOR_PROSPECTS = 100_000
SEED = 7

Frames = tuple[pd.DataFrame, pd.DataFrame]


def _des(task: tuple[str, str]) -> Frames:
    name, strategy = task
    sc = validation_scenarios()[name].scenario
    out = run_des(sc, get_strategy(strategy, sc), DES_PROSPECTS, SEED)
    return out.prospects, out.touches


@pytest.fixture(scope="module")
def des_runs() -> dict[tuple[str, str], Frames]:
    tasks = [(name, s) for name, v in validation_scenarios().items() for s in v.strategies]
    with ProcessPoolExecutor(max_workers=2) as pool:
        return dict(zip(tasks, pool.map(_des, tasks), strict=True))


@pytest.mark.parametrize("name", list(validation_scenarios()))
def test_engines_agree(name: str, des_runs: dict[tuple[str, str], Frames]) -> None:
    case = validation_scenarios()[name]
    sc = case.scenario
    des_p, des_t, vec_p, vec_t = [], [], [], []
    for strategy in case.strategies:
        p, t = des_runs[(name, strategy)]
        des_p.append(p)
        des_t.append(t)
        # other prospects than the DES's (ids from 10**6): independent samples
        vec = run_vector(sc, get_strategy(strategy, sc), VECTOR_PROSPECTS, SEED, first_id=10**6)
        vec_p.append(vec.prospects)
        vec_t.append(vec.touches)
    table = compare_engines(pd.concat(des_p), pd.concat(vec_p), pd.concat(des_t), pd.concat(vec_t))
    assert len(table) >= 3 * 13
    assert table["agree"].all(), "\n" + format_agreement(table[~table["agree"]])
