"""Every strategy of the library is the same model on both engines: on the baseline scenario
(40 business days), the DES and the vectorized engine agree within 4 combined standard errors
on meeting rate, reach, explicit no, opt-out, touches, pick-ups and reads per prospect, and the
share first reached at each attempt."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor

import pandas as pd
import pytest

from sim.model.scenario import Scenario
from sim.run import simulate
from sim.strategy.library import library_names
from sim.validation.agreement import compare_engines, format_agreement

pytestmark = pytest.mark.slow

DES_PROSPECTS = 2400
"""DES prospects per strategy. At 1,200, the warm list's share first reached at the 7th attempt
(persistent-until-no) sat 4.3 SE above the vectorized engine's 3.0% at this seed: 5.2% among
those 1,200 prospects, 3.0% and 3.1% among the next two 1,200 (the same seed), a sampling
excursion, not an engine difference; 2,400 gives each row more power at the same 4 SE."""
VECTOR_PROSPECTS = 60_000
SCENARIO = Scenario(calendar={"horizon_days": 40})


def _des(names: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    r = simulate(SCENARIO, names, prospects=DES_PROSPECTS, seed=17, engine="des")
    return r.prospects, r.touches


@pytest.fixture(scope="module")
def agreement() -> pd.DataFrame:
    names = library_names()
    halves = [names[0::2], names[1::2]]
    with ProcessPoolExecutor(max_workers=2) as pool:
        parts = list(pool.map(_des, halves))
    des_p = pd.concat([p for p, _ in parts])
    des_t = pd.concat([t for _, t in parts])
    vec = simulate(SCENARIO, names, prospects=VECTOR_PROSPECTS, seed=18, engine="vector")
    return compare_engines(des_p, vec.prospects, des_t, vec.touches)


def test_every_library_strategy_agrees_between_engines(agreement: pd.DataFrame) -> None:
    assert set(agreement.strategy) == set(library_names())
    assert agreement["agree"].all(), "\n" + format_agreement(agreement[~agreement["agree"]])
