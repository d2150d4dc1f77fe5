"""The strategy library: every entry is complete, every expressible strategy of the articles is
there, each cadence touches on the days and channels it declares, and each runs on both engines.
"""

from __future__ import annotations

from importlib import resources
from itertools import pairwise
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from sim.model.channels import Channel
from sim.model.scenario import Scenario
from sim.run import simulate
from sim.strategy.base import Observations, Opt
from sim.strategy.cadence import Cadence, CadenceSpec
from sim.strategy.library import get_strategy, library_names

Touch = tuple[int, str, int, str, int]
"""A planned touch: (day, channel, minute, template, flags)."""

ADDED = (
    "five-to-one",
    "channel-mix",
    "unconventional",
    "blocked-caller-id",
    "knowledge-broker",
    "same-message",
    "varied-message",
    "cool-down-heat-up",
    "overkill",
    "fire-your-contact",
    "fall-on-your-sword",
    "over-their-head",
    "drip-nurture",
    "promise-0815",
    "referral-intro",
    "social-selling",
    "numbers-game",
)
ORIGINAL = ("no-follow-up", "one-and-done", "persistent-until-no", "breakup-after-two")
NOT_YET: dict[str, str] = {}
"""Strategies of STRATEGIES.md not in the library yet, with the reason (none left)."""
OWN = ("callback-when-asked",)
"""Strategies of the model's own, beyond the articles' list (after "not now" dispositions)."""
ADAPTIVE = ("four-business-days", "receptionist", "precision", "callback-when-asked")
"""Strategies whose touches depend on what the rep learns (tests/strategy/test_adaptive.py)."""
MECHANISMS = {
    "inbox competition", "availability", "away periods", "urgency crossing", "value",
    "habituation", "fear", "permission to say no", "decision pressure", "info seeker",
    "recall", "annoyance", "reciprocity", "screening", "channel preference", "competitors",
    "priming", "escalation", "referral salience", "rep capacity", "callback",
}  # fmt: skip
STRATEGIES_MD = Path("/work/shared/STRATEGIES.md")
DAYS = 40
HORIZON = 30


def _schedule(
    name: str, days: int = DAYS, *, no_on: int | None = None, pos_on: int | None = None
) -> list[Touch]:
    """The touches a strategy plans for one prospect who never answers (or answers once)."""
    s = get_strategy(name)
    obs = Observations(1)
    out: list[Touch] = []
    for d in range(days):
        if no_on is not None and d == no_on + 1:
            obs.last_no_day[0] = no_on
        if pos_on is not None and d == pos_on + 1:
            obs.last_positive_day[0] = pos_on
        plan = s.decide(d, obs)
        for k in range(plan.slots):
            if plan.channel[k, 0] >= 0:
                ch = Channel(int(plan.channel[k, 0])).name
                tpl = s.templates[plan.template[k, 0]]
                out.append((d, ch, int(plan.minute[k, 0]), tpl, int(plan.flags[k, 0])))
                obs.attempts[0] += 1
                obs.last_touch_day[0] = d
    return out


def _dc(sched: list[Touch]) -> list[tuple[int, str]]:
    return [(d, c) for d, c, *_ in sched]


def _has(flags: int, opt: Opt) -> bool:
    return bool(flags & opt)


def _hm(t: str) -> int:
    h, m = t.split(":")
    return int(h) * 60 + int(m)


# --- (1) and (2): the library is complete ------------------------------------------------


def test_every_entry_validates_and_is_documented() -> None:
    text = resources.files("sim").joinpath("data/library.yaml").read_text(encoding="utf-8")
    raw = yaml.safe_load(text)
    assert list(raw) == library_names()
    for name, entry in raw.items():
        for key in ("description", "source", "claim", "mechanisms", "phases"):
            assert key in entry, (name, key)
        spec = CadenceSpec.model_validate(entry)
        Cadence(name, spec)
        assert spec.description.strip() and spec.source.strip() and spec.claim.strip(), name
        assert set(spec.mechanisms) <= MECHANISMS, (name, set(spec.mechanisms) - MECHANISMS)
        if name in ADDED:
            assert spec.mechanisms, name
            assert spec.source[:3].isdigit(), name  # names the article it comes from


def test_library_carries_the_expressible_strategies_of_the_articles() -> None:
    names = library_names()
    assert names[: len(ORIGINAL)] == list(ORIGINAL)
    assert set(ADDED) <= set(names)
    assert not set(NOT_YET) & set(names)
    assert names[-len(OWN) :] == list(OWN)


@pytest.mark.skipif(not STRATEGIES_MD.exists(), reason="the shared strategy list is not here")
def test_every_strategy_of_the_list_is_in_the_library_or_known_to_wait() -> None:
    listed = {
        line.split("|")[1].strip().strip("`")
        for line in STRATEGIES_MD.read_text(encoding="utf-8").splitlines()
        if line.startswith("| `")
    }
    assert len(listed) == 24
    assert listed == (set(library_names()) - set(OWN)) | set(NOT_YET)


# --- (3): the planned schedules -----------------------------------------------------------


EXPECTED: dict[str, list[tuple[int, str]]] = {
    "five-to-one": [(d, "call_desk") for d in range(0, 40, 2)],
    "channel-mix": [
        (d, ("call_desk", "call_cell", "email", "text")[(d // 2) % 4]) for d in range(0, 40, 2)
    ],
    "unconventional": [
        (0, "call_desk"), (2, "call_cell"), (4, "email"),
        (6, "fedex"), (8, "page"), (10, "fax"), (12, "gift"),
    ],
    "blocked-caller-id": [(d, "call_desk") for d in range(0, 40, 2)],
    "knowledge-broker": [(d, c) for d in range(0, 40, 4) for c in ("email", "call_desk")],
    "same-message": [(d, c) for d in range(0, 40, 3) for c in ("call_desk", "email")],
    "varied-message": [(d, c) for d in range(0, 40, 3) for c in ("call_desk", "email")],
    "cool-down-heat-up": [
        (0, "call_desk"), (2, "email"), (4, "call_desk"),
        (20, "call_desk"), (22, "email"), (24, "call_desk"),
    ],
    "overkill": [(d, c) for d in range(40) for c in ("email", "call_desk")],
    "fire-your-contact": [
        (0, "call_desk"), (3, "call_desk"), (6, "call_desk"), (9, "call_desk"), (12, "call_desk"),
        (15, "email"),
    ],
    "fall-on-your-sword": [
        (0, "call_desk"), (3, "call_desk"), (6, "call_desk"), (9, "email"),
        (14, "email"), (19, "call_desk"), (24, "email"), (29, "call_desk"),
        (34, "email"), (39, "call_desk"),
    ],
    "over-their-head": [
        (0, "call_desk"), (3, "call_desk"), (6, "call_desk"), (9, "call_desk"),
        (12, "escalation"),
        (17, "email"), (22, "email"), (27, "email"), (32, "email"), (37, "email"),
    ],
    "drip-nurture": [(0, "email"), (10, "email"), (20, "email"), (30, "email")],
    "promise-0815": [(d, "call_cell") for d in range(40)],
    "referral-intro": [(0, "referral")] + [(d, "email") for d in range(4, 40, 4)],
    "social-selling": [(0, "social"), (3, "social"), (4, "call_desk")]
    + [(d, "social") for d in range(6, 40, 3)],
    "numbers-game": [(0, "call_desk"), (2, "email"), (5, "call_desk")],
}  # fmt: skip


def test_every_added_strategy_has_an_expected_schedule() -> None:
    assert set(EXPECTED) == set(ADDED)


@pytest.mark.parametrize("name", ADDED)
def test_planned_days_and_channels_match_the_declared_cadence(name: str) -> None:
    assert _dc(_schedule(name)) == EXPECTED[name]


def test_five_to_one_leaves_a_voicemail_on_every_other_call() -> None:
    sched = _schedule("five-to-one")
    assert [_has(f, Opt.leave_voicemail) for *_, f in sched] == [d % 4 == 0 for d, *_ in sched]
    assert all(_hm("16:00") <= m <= _hm("18:00") for _, _, m, _, _ in sched)


def test_channel_mix_leaves_voicemails_on_calls_only() -> None:
    for _, c, _, _, f in _schedule("channel-mix"):
        assert _has(f, Opt.leave_voicemail) == c.startswith("call"), c


def test_unconventional_ends_with_fedex_page_fax_gift_and_stops() -> None:
    sched = _schedule("unconventional", 80)
    assert [c for _, c, *_ in sched[3:]] == ["fedex", "page", "fax", "gift"]
    assert len(sched) == 7


def test_blocked_caller_id_blocks_leaves_no_voicemail_and_varies_the_hour() -> None:
    sched = _schedule("blocked-caller-id")
    assert all(_has(f, Opt.block_caller_id) for *_, f in sched)
    assert not any(_has(f, Opt.leave_voicemail) for *_, f in sched)
    minutes = [m for _, _, m, _, _ in sched]
    assert len(set(minutes)) >= 4
    assert all(a != b for a, b in pairwise(minutes))


def test_knowledge_broker_carries_value_on_every_touch_and_varies_its_emails() -> None:
    sched = _schedule("knowledge-broker")
    assert all(_has(f, Opt.value) for *_, f in sched)
    for _, c, _, _, f in sched:
        assert _has(f, Opt.vary_template) == (c == "email")
        assert _has(f, Opt.leave_voicemail) == (c == "call_desk")


def test_same_message_repeats_one_template_and_varied_message_varies_it() -> None:
    same, varied = _schedule("same-message"), _schedule("varied-message")
    assert {t for _, _, _, t, _ in same} == {"just-checking-in"}
    assert not any(_has(f, Opt.vary_template) for *_, f in same)
    assert all(_has(f, Opt.vary_template) for *_, f in varied)
    strip = int(Opt.vary_template)
    assert [(d, c, m, f & ~strip) for d, c, m, _, f in varied] == [
        (d, c, m, f) for d, c, m, _, f in same
    ]
    for sched in (same, varied):
        assert all(_has(f, Opt.leave_voicemail) for _, c, _, _, f in sched if c == "call_desk")
        assert not any(_has(f, Opt.value) for *_, f in sched)


def test_cool_down_heat_up_makes_three_bursts_then_stops() -> None:
    sched = _schedule("cool-down-heat-up", 120)
    assert [d for d, *_ in sched] == [0, 2, 4, 20, 22, 24, 40, 42, 44]


def test_overkill_calls_and_emails_every_day() -> None:
    sched = _schedule("overkill")
    calls = [f for _, c, _, _, f in sched if c == "call_desk"]
    assert len(calls) == DAYS and all(_has(f, Opt.leave_voicemail) for f in calls)


def test_fire_your_contact_breaks_up_after_five_calls_and_stops() -> None:
    sched = _schedule("fire-your-contact", 120)
    assert len(sched) == 6
    assert all(_has(f, Opt.leave_voicemail) for *_, f in sched[:5])
    assert [_has(f, Opt.breakup) for *_, f in sched] == [False] * 5 + [True]


def test_fall_on_your_sword_fourth_touch_grants_permission() -> None:
    sched = _schedule("fall-on-your-sword")
    assert [_has(f, Opt.permission) for *_, f in sched] == [i == 3 for i in range(len(sched))]
    assert sched[3][3] == "fall-on-your-sword"


def test_over_their_head_escalates_once_then_sends_value_updates() -> None:
    sched = _schedule("over-their-head")
    assert [c for _, c, *_ in sched].count("escalation") == 1
    updates = sched[5:]
    assert all(_has(f, Opt.value) for *_, f in updates)
    assert {t for _, _, _, t, _ in updates} == {"promised-your-boss-an-update"}


def test_drip_nurture_sends_varied_value_and_keeps_dripping_after_a_no() -> None:
    sched = _schedule("drip-nurture")
    assert all(_has(f, Opt.value) and _has(f, Opt.vary_template) for *_, f in sched)
    assert _dc(_schedule("drip-nurture", no_on=12)) == EXPECTED["drip-nurture"]


def test_promise_0815_calls_at_0815_every_day_promising_the_next_call() -> None:
    sched = _schedule("promise-0815")
    assert {m for _, _, m, _, _ in sched} == {_hm("08:15")}
    assert all(f & Opt.promise_next_call and f & Opt.leave_voicemail for *_, f in sched)


def test_social_selling_calls_once_with_a_voicemail() -> None:
    calls = [f for _, c, _, _, f in _schedule("social-selling") if c.startswith("call")]
    assert len(calls) == 1 and _has(calls[0], Opt.leave_voicemail)


@pytest.mark.parametrize("name", ADDED)
def test_a_positive_reply_stops_and_a_no_stops_all_but_the_drip(name: str) -> None:
    assert all(d <= 5 for d, *_ in _schedule(name, pos_on=5))
    after_no = [d for d, *_ in _schedule(name, no_on=5) if d > 5]
    assert bool(after_no) == (name == "drip-nurture")


# --- (4): both engines --------------------------------------------------------------------


@pytest.fixture(scope="module", params=[("des", 40), ("vector", 2000)], ids=["des", "vector"])
def run(request: pytest.FixtureRequest) -> tuple[pd.DataFrame, pd.DataFrame]:
    engine, n = request.param
    sc = Scenario(calendar={"horizon_days": HORIZON})
    r = simulate(sc, library_names(), prospects=n, seed=1, engine=engine)
    assert r.strategies == library_names()
    return r.prospects, r.touches


def test_every_strategy_runs_with_sane_outputs(run: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    prospects, touches = run
    for name in library_names():
        p = prospects[prospects.strategy == name]
        t = touches[touches.strategy == name]
        assert len(p) > 0, name
        per = p.touches.mean()
        planned = len(_schedule(name, HORIZON))  # for a prospect who never answers
        # an adaptive strategy adds a touch on a signal (an open brings a call): at most one
        # per planned touch
        assert 0 < per <= planned * (2 if name in ADAPTIVE else 1), name
        assert 0.0 <= p.meeting.mean() <= 1.0, name
        assert p.touches.sum() == len(t), name
        assert (p.rep_minutes > 0).all() and (p.cost >= 0).all(), name
        assert not p.touches.isna().any(), name
        assert set(t.channel.astype(str)) <= set(Channel.__members__), name


def _decisive_day(p: pd.DataFrame, t: pd.DataFrame) -> pd.Series:
    """Per prospect, the first day the rep heard back or the file closed (else the horizon)."""
    when = t.read_day.fillna(t.day)
    heard = t.response.astype(str).isin(["positive", "no", "lost", "not_now"]) | t.opted_out
    first = when[heard].groupby(t.prospect[heard]).min()
    meeting = p.set_index("prospect").meeting_day
    out = pd.Series(float(HORIZON), index=p.prospect.to_numpy())
    out = np.fmin(out, first.reindex(out.index))
    return np.fmin(out, meeting.reindex(out.index))


def test_touch_log_follows_the_planned_schedule(run: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    """A prospect who never answers gets the planned touches over the whole horizon; one who
    answers on day D got the planned touches of every day before D."""
    prospects, touches = run
    for name in library_names():
        if name in ADAPTIVE:
            continue
        plan = [(d, c, m) for d, c, m, _, _ in _schedule(name, HORIZON)]
        p = prospects[prospects.strategy == name]
        t = touches[touches.strategy == name].sort_values(["prospect", "day", "minute", "attempt"])
        cutoff = _decisive_day(p, t)
        logs = {
            i: list(zip(g.day, g.channel.astype(str), g.minute, strict=True))
            for i, g in t.groupby("prospect")
        }
        silent = compared = 0
        for i, d in cutoff.items():
            got = [x for x in logs.get(i, []) if x[0] < d]
            assert got == [x for x in plan if x[0] < d], (name, i, d)
            silent += d >= HORIZON
            compared += len(got)
        assert compared > 0, name
        if len(p) >= 1000:
            assert silent > 0, name
