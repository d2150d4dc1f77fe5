"""The search space: every candidate Optuna can propose is a valid cadence that a scenario
file accepts, uses only the channels allowed, respects the cap on touches, and asks only the
parameters that matter (no voicemail for an email, no ``after`` without web leads)."""

from __future__ import annotations

from typing import Any

import optuna
import pytest

from sim.io.errors import OptionError
from sim.io.loader import scenario_from_dict
from sim.model.scenario import Scenario
from sim.optimize.search import STARTS, starts
from sim.optimize.space import (
    CALL_NAMES,
    SearchSpace,
    build,
    describe_params,
    pattern_size,
    silent_schedule,
    spec_mapping,
    suggest,
)
from sim.strategy.base import Opt
from sim.strategy.cadence import CadenceSpec
from sim.strategy.library import library_specs

optuna.logging.set_verbosity(optuna.logging.WARNING)


def candidates(space: SearchSpace, n: int, seed: int = 3) -> list[dict[str, Any]]:
    """``n`` parameter sets drawn by Optuna's random sampler over ``space``."""
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=seed))
    out = []
    for _ in range(n):
        trial = study.ask()
        out.append(suggest(trial, space))
        study.tell(trial, 0.0)
    return out


def test_every_candidate_is_a_cadence_a_scenario_accepts() -> None:
    space = SearchSpace(max_touches=9)
    base = Scenario().model_dump(mode="json")
    for params in candidates(space, 80):
        spec = build(params, space)
        assert spec.max_touches == 9
        data = {**base, "custom_strategies": {"optimized": spec_mapping(spec)}}
        scenario = scenario_from_dict(data, "<test>")
        again = CadenceSpec.model_validate(scenario.custom_strategies["optimized"])
        assert again == spec  # the mapping written to scenario.yaml loads back unchanged
        touches = silent_schedule(spec, 60)
        assert 1 <= len(touches) <= 9
        assert {t.channel for t in touches} <= set(space.channels)


def test_channels_and_conditional_parameters() -> None:
    space = SearchSpace(channels=("email", "call_cell"))
    seen_voicemail = False
    for params in candidates(space, 120, seed=5):
        for i in range(pattern_size(params)):
            channel = params[f"s{i}_channel"]
            assert channel in ("email", "call_cell")
            # a voicemail is asked of calls only
            assert (f"s{i}_voicemail" in params) == (channel in CALL_NAMES)
            seen_voicemail |= bool(params.get(f"s{i}_voicemail"))
        assert "first_after" not in params  # no web leads, no speed to lead
        calls = any(params[f"s{i}_channel"] in CALL_NAMES for i in range(pattern_size(params)))
        assert ("caller_id" in params) == calls
        spec = build(params, space)
        for step in (s for p in spec.phases for s in p.steps):
            assert step.channel in ("email", "call_cell")
            assert not step.leave_voicemail or step.channel in CALL_NAMES
        assert describe_params(params, space)
    assert seen_voicemail


def test_web_leads_search_the_minutes_after_the_inquiry() -> None:
    space = SearchSpace(channels=("call_cell",), leads=True)
    afters = {p["first_after"] for p in candidates(space, 60)}
    assert afters == {0, 5, 30, 120}
    params = next(p for p in candidates(space, 60) if p["first_after"] == 5)
    first = build(params, space).phases[0].steps[0]
    assert first.after == 5 and first.day == 0


def test_a_small_cap_on_touches_caps_the_pattern_and_the_cadence() -> None:
    space = SearchSpace(channels=("email",), max_touches=2)
    for params in candidates(space, 40):
        assert params["steps"] <= 2 and params["touches"] <= 2
        assert len(silent_schedule(build(params, space), 100)) <= 2


def test_the_pattern_repeats_until_the_number_of_touches() -> None:
    space = SearchSpace(channels=("email", "call_cell"))
    params = {"touches": 5, "steps": 2, "s0_channel": "email", "s0_time": "10:00",
              "s0_value": True, "s1_gap": 1, "s1_channel": "call_cell", "s1_time": "16:30",
              "s1_value": False, "s1_voicemail": True, "cycle_gap": 3, "vary": False,
              "caller_id": "blocked", "breakup": "none", "then": "stop", "on_no": "stop",
              "on_not_now": "continue"}  # fmt: skip
    steps = build(params, space).phases[0].steps
    # the pattern spans 1 day and starts again 3 days after its last touch: every 4 days
    assert [(s.day, s.channel) for s in steps] == [
        (0, "email"), (1, "call_cell"), (4, "email"), (5, "call_cell"), (8, "email"),
    ]  # fmt: skip
    assert [s.template for s in steps] == ["touch-1", "touch-2"] * 2 + ["touch-1"]
    assert all(s.leave_voicemail and s.block_caller_id for s in steps[1::2])
    assert len(silent_schedule(build(params, space), 60)) == 5


def test_same_day_steps_keep_their_order() -> None:
    space = SearchSpace(channels=("email",))
    params = {"touches": 2, "steps": 2, "s0_channel": "email", "s0_time": "16:30",
              "s0_value": False, "s1_gap": 0, "s1_channel": "email", "s1_time": "10:00",
              "s1_value": False,
              "vary": False, "breakup": "none", "then": "stop", "on_no": "stop",
              "on_not_now": "continue"}  # fmt: skip
    # the second touch is not later in the day: it moves to the next business day
    assert [(s.day, s.time) for s in build(params, space).phases[0].steps] == [
        (0, "16:30"),
        (1, "10:00"),
    ]
    params["s1_time"] = "17:30"
    assert [s.day for s in build(params, space).phases[0].steps] == [0, 0]


def test_breakup_nurture_and_callback_phases() -> None:
    space = SearchSpace(channels=("email", "call_desk"))
    params = {"touches": 3, "steps": 1, "s0_channel": "email", "s0_time": "10:00",
              "s0_value": True, "cycle_gap": 2, "vary": True, "breakup": "after", "breakup_gap": 4,
              "breakup_channel": "email", "then": "nurture", "on_no": "stop",
              "nurture_channel": "email", "nurture_every": 10, "on_not_now": "callback",
              "callback_channel": "call_desk"}  # fmt: skip
    spec = build(params, space)
    assert [p.name for p in spec.phases] == ["sequence", "breakup", "nurture", "callback"]
    assert spec.phases[0].then == "breakup" and spec.phases[1].then == "nurture"
    assert spec.phases[0].on_not_now == "callback" and spec.phases[3].start == "callback"
    touches = silent_schedule(spec, 40)
    # three touches every 2 days, the break-up 4 days after the last, then every 10 days
    assert [t.day for t in touches] == [0, 2, 4, 8, 18, 28, 38]
    assert touches[3].flags & Opt.breakup and touches[3].template == "breakup"
    assert all(t.flags & Opt.value for t in touches if t.template != "breakup")


def test_the_schedule_of_library_cadences() -> None:
    specs = library_specs()
    # the sequence, then the drip every 10 days from the break-up's day
    assert [t.day for t in silent_schedule(specs["breakup-after-two"], 30)] == [0, 3, 6, 10, 20]
    kb = silent_schedule(specs["knowledge-broker"], 60)
    assert len(kb) == 30 and {t.channel for t in kb} == {"email", "call_desk"}


def test_the_starting_shapes_fit_the_space() -> None:
    assert len(starts(SearchSpace())) == len(STARTS)
    assert [s["s0_channel"] for s in starts(SearchSpace(channels=("email",)))] == ["email"]
    assert starts(SearchSpace(channels=("text",))) == []
    for start in starts(SearchSpace()):
        build(start, SearchSpace())


@pytest.mark.parametrize(
    ("kwargs", "option", "words"),
    [
        ({"channels": ("emial",)}, "channels", "did you mean 'email'"),
        ({"channels": ("voicemail",)}, "channels", "unknown channel"),
        ({"channels": ()}, "channels", "at least one channel"),
        ({"channels": ("email", "email")}, "channels", "named twice"),
        ({"max_touches": 0}, "max_touches", "between 1 and 500"),
    ],
)
def test_bad_spaces_name_the_option(kwargs: dict[str, Any], option: str, words: str) -> None:
    with pytest.raises(OptionError) as info:
        SearchSpace(**kwargs)
    assert info.value.option == option and words in info.value.message
