"""The statistic catalogue: each statistic on small hand-made tables with known answers, the
standard errors, the registry, and the same numbers from a simulated run."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from sim.calibrate import statistics as st
from sim.calibrate.statistics import CATALOGUE, Args, Statistic, register
from sim.docgen.reference import catalogue_markdown
from sim.io.loader import load_scenario
from sim.model.outcomes import PROSPECT_COLUMNS, TOUCH_COLUMNS
from sim.run import simulate


def touches(rows: list[dict[str, object]]) -> pd.DataFrame:
    base = {"strategy": "s", "attempt": 1, "day": 0, "minute": 600, "channel": "email",
            "template": "t", "result": "read", "voicemail_left": False, "voicemail_heard": False,
            "read_day": 0.0, "response": "none", "opted_out": False, "rep_minutes": 1.0,
            "cost": 0.0}  # fmt: skip
    return pd.DataFrame([{**base, **r} for r in rows], columns=TOUCH_COLUMNS)


def prospects(rows: list[dict[str, object]]) -> pd.DataFrame:
    base = {"strategy": "s", "segment": "non_fit", "outcome": "open", "meeting": False,
            "won": False, "reached": False, "said_no": False, "opted_out": False,
            "bought_elsewhere": False, "inbound": False, "first_response_day": math.nan,
            "first_contact_attempt": math.nan, "meeting_day": math.nan,
            "meeting_attempt": math.nan, "touches": 1, "rep_minutes": 1.0, "cost": 0.0,
            "annoyance": 0.0, "recall": 0.0, "arrival_day": 0, "rep": -1,
            "rep_weeks": 0.0}  # fmt: skip
    return pd.DataFrame([{**base, "prospect": i, **r} for i, r in enumerate(rows)],
                        columns=PROSPECT_COLUMNS)  # fmt: skip


def compute(name: str, p: pd.DataFrame, t: pd.DataFrame, **args: object) -> st.Estimate:
    return CATALOGUE[name](p, t, Args.model_validate(args))


LOG = touches([
    # prospect 0: call (picked up), email (replied no), email (ignored)
    {"prospect": 0, "attempt": 1, "channel": "call_desk", "result": "picked_up",
     "response": "ignore"},
    {"prospect": 0, "attempt": 2, "channel": "email", "response": "no"},
    {"prospect": 0, "attempt": 3, "channel": "email", "response": "ignore"},
    # prospect 1: email (unread), email (positive)
    {"prospect": 1, "attempt": 1, "channel": "email", "result": "unread"},
    {"prospect": 1, "attempt": 2, "channel": "email", "response": "positive"},
    # prospect 2: cell call with a voicemail heard and answered, email that unsubscribed
    {"prospect": 2, "attempt": 1, "channel": "call_cell", "result": "screened",
     "voicemail_left": True, "voicemail_heard": True, "response": "positive"},
    {"prospect": 2, "attempt": 2, "channel": "email", "opted_out": True},
    # prospect 3: desk call, voicemail not heard
    {"prospect": 3, "attempt": 1, "channel": "call_desk", "result": "busy",
     "voicemail_left": True},
])  # fmt: skip


def test_reply_rate_at_the_kth_touch_on_a_channel() -> None:
    p = prospects([{}] * 4)
    first = compute("reply_rate", p, LOG, channel="email", attempt=1)
    assert (first.value, first.n) == (1 / 3, 3)  # prospect 0's no; 1 unread; 2 silent
    second = compute("reply_rate", p, LOG, channel="email", attempt=2)
    assert (second.value, second.n) == (1 / 2, 2)
    positive = compute("reply_rate", p, LOG, channel="email", response="positive")
    assert positive.value == pytest.approx(1 / 5)
    negative = compute("reply_rate", p, LOG, response="negative")
    assert negative.value == pytest.approx(1 / 8)
    calls = compute("reply_rate", p, LOG, channel="call")
    assert calls.value == pytest.approx(1 / 3)  # the voicemail's callback


def test_connect_voicemail_and_unsubscribe_rates() -> None:
    p = prospects([{}] * 4)
    assert compute("connect_rate_per_dial", p, LOG).value == pytest.approx(1 / 3)
    assert compute("voicemail_response_rate", p, LOG).value == pytest.approx(1 / 2)
    assert compute("unsubscribe_rate", p, LOG).value == pytest.approx(1 / 5)
    assert compute("unsubscribe_rate", p, LOG, channel="call").value == 0


def test_prospect_statistics() -> None:
    p = prospects([
        {"meeting": True, "meeting_attempt": 1.0, "reached": True, "first_contact_attempt": 1.0,
         "first_response_day": 2.0, "segment": "buyer"},
        {"meeting": True, "meeting_attempt": 4.0, "inbound": True, "reached": True,
         "first_contact_attempt": 3.0, "first_response_day": 6.0, "arrival_day": 2},
        {"opted_out": True},
        {"reached": True, "first_contact_attempt": 5.0, "first_response_day": 9.0,
         "segment": "info_seeker"},
    ])  # fmt: skip
    t = LOG.iloc[:0]
    assert compute("meeting_rate", p, t).value == 0.5
    assert compute("meeting_share_by_attempt", p, t, attempt=3).value == 0.5
    # first reached by the 3rd touch: both meetings (the inbound one booked at its 4th)
    assert compute("first_contact_share", p, t, attempt=2).value == 0.5
    assert compute("first_contact_share", p, t, attempt=3).value == 1.0
    assert compute("opt_out_rate", p, t).value == 0.25
    assert compute("reach_rate", p, t).value == 0.75
    assert compute("reach_rate", p, t, attempt=3).value == 0.5
    assert compute("inbound_meeting_share", p, t).value == 0.5
    assert compute("fit_share", p, t).value == 0.5
    days = compute("median_days_to_first_response", p, t)
    assert (days.value, days.n) == (4.0, 3)  # 2, 4 (6 - 2), 9
    assert days.se >= st.DAYS_FLOOR


def test_undefined_when_the_tables_cannot_produce_it() -> None:
    p = prospects([{}] * 3)
    emails_only = LOG[LOG["channel"] == "email"]
    assert not compute("connect_rate_per_dial", p, emails_only).defined
    assert compute("meeting_share_by_attempt", p, emails_only, attempt=2).n == 0
    assert not compute("first_contact_share", p, emails_only, attempt=6).defined


def test_standard_errors() -> None:
    one_each = np.ones(400)
    hits = np.zeros(400)
    hits[:100] = 1
    est = st.clustered_share(hits, one_each)
    assert est.se == pytest.approx(math.sqrt(0.25 * 0.75 / 400), rel=0.01)
    # the same share, but all of it in a few prospects with many touches: a larger SE
    trials = np.full(40, 10.0)
    lumpy = np.zeros(40)
    lumpy[:10] = 10
    assert st.clustered_share(lumpy, trials).se > 3 * est.se
    assert st.share(0, 100).se > 0  # never zero, so a z-score stays finite


def test_arguments_are_checked_per_statistic() -> None:
    assert CATALOGUE["meeting_rate"].check(Args(channel="email")) is not None
    assert CATALOGUE["meeting_share_by_attempt"].check(Args()) is not None
    assert CATALOGUE["reply_rate"].check(Args(channel="email", attempt=1)) is None
    with pytest.raises(ValueError, match="unknown channel"):
        Args(channel="pigeon")


def test_registry_refuses_a_name_twice_and_documents_every_statistic() -> None:
    with pytest.raises(ValueError, match="registered twice"):
        register(Statistic("meeting_rate", "again", "share", CATALOGUE["meeting_rate"].compute))
    table = catalogue_markdown()
    for name in CATALOGUE:
        assert f"`{name}`" in table


def test_simulated_statistics_match_the_run_summary() -> None:
    scenario = load_scenario("cold-outbound")
    result = simulate(scenario, ["channel-mix"], prospects=3000, seed=4, touch_log=True)
    p, t = result.prospects, result.touches
    from sim.results.summary import summarize

    summary = summarize(p, t).set_index("metric")["mean"]
    assert compute("meeting_rate", p, t).value == pytest.approx(summary["meeting_rate"])
    assert compute("connect_rate_per_dial", p, t).value == pytest.approx(
        summary["connect_rate_per_dial"]
    )
    assert compute("opt_out_rate", p, t).value == pytest.approx(summary["opt_out_rate"])
    assert compute("median_days_to_first_response", p, t).value == pytest.approx(
        summary["days_to_first_response_median"]
    )


def test_weekday_hour_and_attempt_filters_of_the_connect_rate() -> None:
    log = touches([
        # business day 2 is a Wednesday, day 5 a Monday; minute 960 is 16:00, 660 is 11:00
        {"prospect": 0, "attempt": 1, "channel": "call_cell", "day": 2, "minute": 960,
         "result": "picked_up"},
        {"prospect": 0, "attempt": 2, "channel": "call_cell", "day": 5, "minute": 665,
         "result": "screened"},
        {"prospect": 1, "attempt": 1, "channel": "call_desk", "day": 5, "minute": 970,
         "result": "busy"},
        {"prospect": 1, "attempt": 2, "channel": "call_desk", "day": 7, "minute": 1019,
         "result": "picked_up"},
    ])  # fmt: skip
    p = prospects([{}] * 2)
    assert compute("connect_rate_per_dial", p, log, weekday="wed").value == 1.0
    assert compute("connect_rate_per_dial", p, log, weekday="mon").value == 0.0
    assert compute("connect_rate_per_dial", p, log, hour=16).value == pytest.approx(2 / 3)
    assert compute("connect_rate_per_dial", p, log, hour=11).value == 0.0
    assert compute("connect_rate_per_dial", p, log, attempt=2).value == 0.5
    assert not compute("connect_rate_per_dial", p, log, weekday="fri").defined


def test_whole_sequence_replies_and_meetings_booked_by_a_touch() -> None:
    p = prospects([
        {"meeting": True, "meeting_attempt": 1.0},
        {"meeting": True, "meeting_attempt": 1.0, "inbound": True},
        {"meeting": True, "meeting_attempt": 2.0},
        {},
    ])  # fmt: skip
    assert compute("replied_share", p, LOG).value == pytest.approx(3 / 4)  # 0, 1 and 2 replied
    assert compute("replied_share", p, LOG, response="positive").value == pytest.approx(2 / 4)
    assert compute("booked_by_attempt", p, LOG, attempt=1).value == pytest.approx(1 / 4)
    assert compute("booked_by_attempt", p, LOG, attempt=2).value == pytest.approx(1 / 4)


def test_first_replies_by_attempt() -> None:
    p = prospects([{}] * 4)
    # prospect 2 answers its first touch (the voicemail), 0 and 1 their second, 3 never
    assert compute("first_reply_share", p, LOG, attempt=1).value == pytest.approx(1 / 4)
    assert compute("first_reply_share", p, LOG, attempt=2).value == pytest.approx(2 / 4)
    assert compute("first_reply_share", p, LOG, attempt=3).value == 0.0
    assert compute("first_reply_share", p, LOG, attempt=2, response="positive").value == 1 / 4
    assert compute("first_reply_share", p, LOG, attempt=2).n == 4


def test_first_replies_of_a_sequence_are_what_each_step_adds() -> None:
    """On a sequence that stops at a reply, the prospects whose first reply came at step k are
    exactly the k-step sequence's repliers less the (k-1)-step one's (the same prospects and
    draws under common random numbers): the increments of the follow-up fact."""
    sc = load_scenario("cold-outbound")
    names = ["opener-only", "opener-plus-1", "opener-plus-2", "opener-plus-3"]
    run = simulate(sc, names, prospects=3000, seed=11, engine="vector")
    by = {name: (run.prospects[run.prospects["strategy"] == name],
                 run.touches[run.touches["strategy"] == name]) for name in names}  # fmt: skip
    shares = [compute("replied_share", *by[name]).value for name in names]
    full = by["opener-plus-3"]
    added = [compute("first_reply_share", *full, attempt=k).value for k in range(1, 5)]
    np.testing.assert_allclose(np.cumsum(added), shares, atol=1e-12)
    assert shares[0] > 0 and all(a > 0 for a in added)


def test_a_dial_qualifies_only_by_its_own_live_conversation() -> None:
    """``qualify_rate_per_dial``: a call counts when it was picked up and the meeting was booked
    by that very touch; a meeting its voicemail prompted, a meeting booked by a later touch or
    an inbound meeting does not."""
    log = touches([
        {"prospect": 0, "attempt": 1, "channel": "call_cell", "result": "picked_up",
         "response": "positive"},                            # booked live: counts
        {"prospect": 1, "attempt": 1, "channel": "call_cell", "result": "screened",
         "voicemail_left": True, "voicemail_heard": True, "response": "positive"},  # voicemail
        {"prospect": 2, "attempt": 1, "channel": "call_desk", "result": "picked_up",
         "response": "not_now"},
        {"prospect": 2, "attempt": 2, "channel": "call_desk", "result": "picked_up",
         "response": "positive"},                            # booked live by the 2nd call
        {"prospect": 3, "attempt": 1, "channel": "call_desk", "result": "picked_up",
         "response": "ignore"},                              # called in later: inbound
        {"prospect": 4, "attempt": 1, "channel": "email", "response": "positive"},
        {"prospect": 4, "attempt": 2, "channel": "call_cell", "result": "picked_up",
         "response": "positive", "day": 2, "minute": 960},   # its first call, on a Wednesday
    ])  # fmt: skip
    p = prospects([
        {"meeting": True, "meeting_attempt": 1.0},
        {"meeting": True, "meeting_attempt": 1.0},
        {"meeting": True, "meeting_attempt": 2.0},
        {"meeting": True, "meeting_attempt": 1.0, "inbound": True},
        {"meeting": True, "meeting_attempt": 2.0},
    ])  # fmt: skip
    first = compute("qualify_rate_per_dial", p, log, attempt=1)
    assert (first.value, first.n) == (pytest.approx(2 / 5), 5)  # prospects 0 and 4
    assert compute("qualify_rate_per_dial", p, log, attempt=2).value == pytest.approx(1.0)
    assert compute("qualify_rate_per_dial", p, log).value == pytest.approx(3 / 6)
    assert compute("qualify_rate_per_dial", p, log, weekday="wed").value == pytest.approx(1.0)
    assert compute("booked_by_attempt", p, log, attempt=1).value == pytest.approx(2 / 5)
    assert not compute("qualify_rate_per_dial", p, log[log["channel"] == "email"]).defined


def test_a_contrast_and_its_delta_method_se_by_planted_truth() -> None:
    """Ratios and odds ratios of two binomial shares with known p: the mean is near the truth
    and the delta-method SE matches the spread over replicates (within 4 SE of an SD)."""
    from sim.calibrate.evaluate import contrast

    rng = np.random.default_rng(np.random.SeedSequence(2026))
    n, reps = 4000, 600
    pa, pb = 0.12, 0.05
    for kind, truth in (("ratio", pa / pb), ("odds_ratio", (pa / (1 - pa)) / (pb / (1 - pb)))):
        draws = rng.binomial(n, [pa, pb], size=(reps, 2))
        ests = [contrast(st.share(int(a), n), st.share(int(b), n), kind) for a, b in draws]
        values = np.array([e.value for e in ests])
        se = float(np.mean([e.se for e in ests]))
        spread = float(values.std(ddof=1))
        assert (
            abs(values.mean() - truth) < 4 * spread / math.sqrt(reps) + 0.01 * truth
        )  # bias O(1/n)
        assert abs(se - spread) < 4 * spread / math.sqrt(2 * reps)
    zero = st.share(0, 100)
    assert not contrast(st.share(5, 100), zero, "ratio").defined
    assert not contrast(st.share(100, 100), st.share(5, 100), "odds_ratio").defined
