"""The funnel of an export (``funnel.csv``), against counts made by hand on a small export:
per step and channel, the touches sent, reached (a call picked up, a message opened, a
voicemail called back), answered yes, no and "not now", the meetings each step booked and the
opt-outs, with rates and Wilson intervals; a meeting booked by a calendar link counts at the
step that earned it; a prospect who called in is apart; a touch outside the steps is left out."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from scipy import stats

from sim.ingest.api import ImportOptions, import_export
from sim.ingest.funnel import STEP_FUNNEL_COLUMNS
from tests.ingest.helpers import TZ, followup, write

EXPORT = """
prospect_id,timestamp,channel,step,outcome,sequence,direction,duration_s
P1,2024-03-04 09:00,email,1,sent,S,,
P1,2024-03-05 11:00,call_desk,2,no_answer,S,,
P1,2024-03-07 10:00,email,3,opened,S,,
P2,2024-03-04 09:00,email,1,opened,S,,
P2,2024-03-05 11:00,call_desk,2,meeting_booked,S,,
P3,2024-03-04 09:00,email,1,replied_negative,S,,
P4,2024-03-04 09:00,email,1,bounced,S,,
P4,2024-03-05 11:00,call_desk,2,voicemail_left,S,,
P4,2024-03-06 09:30,call_desk,,not_now,,inbound,
P4,2024-03-07 10:00,email,3,sent,S,,
P5,2024-03-04 09:00,email,1,opted_out,S,,
P6,2024-03-04 09:00,email,1,sent,S,,
P6,2024-03-05 11:00,call_desk,2,busy,S,,
P6,2024-03-07 10:00,email,3,replied_positive,S,,
P6,2024-03-07 14:00,email,,meeting_booked,,inbound,
P7,2024-03-04 09:00,email,1,sent,S,,
P7,2024-03-11 12:00,call_desk,,meeting_booked,,inbound,
P8,2024-03-04 09:00,email,1,sent,S,,
P8,2024-03-06 15:00,call_desk,,connected,,,300
"""
"""Eight prospects. By hand: P2 books at step 2 on the phone; P4's voicemail at step 2 is
called back the next morning with a "not now"; P6 answers step 3 yes and books through a
link that afternoon (step 3's meeting); P7 calls in a week later and books (inbound, one touch
before); P8's manual call is outside the steps; P3 says no and P5 opts out at step 1."""

BY_HAND = {  # step, channel: sent, reached, positive, negative, not_now, meetings, opted_out
    (1, "email"): (8, 3, 0, 1, 0, 0, 1),
    (2, "call_desk"): (4, 2, 1, 0, 1, 1, 0),
    (3, "email"): (3, 2, 1, 0, 0, 1, 0),
}
COUNTS = ["sent", "reached", "positive", "negative", "not_now", "meetings", "opted_out"]


@pytest.fixture(scope="module")
def funnel(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    folder = tmp_path_factory.mktemp("funnel")
    imp = import_export(write(folder, {"export.csv": EXPORT}),
                        ImportOptions(format="activities", timezone=TZ))  # fmt: skip
    assert list(imp.tables.ids) == [f"P{i}" for i in range(1, 9)]
    return imp.funnel


def test_each_step_and_channel_counted_by_hand(funnel: pd.DataFrame) -> None:
    assert list(funnel.columns) == STEP_FUNNEL_COLUMNS
    rows = funnel[~funnel["channel"].isin(["all", "inbound"])]
    got = {(int(r.step), str(r.channel)): tuple(int(getattr(r, c)) for c in COUNTS)
           for r in rows.itertuples()}  # fmt: skip
    assert got == BY_HAND
    assert (funnel["prospects"] == 8).all()
    assert (funnel["strategy"] == "s").all()


def test_all_channels_rows_and_the_meetings_per_100(funnel: pd.DataFrame) -> None:
    rows = funnel[funnel["channel"] == "all"].set_index("step")
    assert sorted(rows.index) == [1, 2, 3]
    for (step, _), counts in BY_HAND.items():
        assert tuple(int(rows.loc[step, c]) for c in COUNTS) == counts
    assert rows["meetings_per_100"].tolist() == [0.0, 12.5, 12.5]


def test_the_prospect_who_called_in_is_apart(funnel: pd.DataFrame) -> None:
    inbound = funnel[funnel["channel"] == "inbound"]
    assert inbound[["step", "meetings"]].to_numpy().tolist() == [[1, 1]]


def test_rates_and_their_wilson_intervals(funnel: pd.DataFrame) -> None:
    row = funnel[(funnel["step"] == 1) & (funnel["channel"] == "email")].iloc[0]
    assert row["reach_rate"] == 3 / 8 and row["negative_rate"] == 1 / 8
    assert row["opt_out_rate"] == 1 / 8 and row["positive_rate"] == 0
    ci = stats.binomtest(3, 8).proportion_ci(method="wilson")
    assert row["reach_rate_low"] == pytest.approx(ci.low, abs=1e-12)
    assert row["reach_rate_high"] == pytest.approx(ci.high, abs=1e-12)


def test_funnel_csv_and_the_terminal(tmp_path: Path) -> None:
    files = write(tmp_path, {"export.csv": EXPORT})
    out = tmp_path / "out"
    done = followup("import", *files, "--format", "activities", "--timezone", TZ, "--out", out)
    assert done.exit_code == 0, done.output
    written = pd.read_csv(out / "funnel.csv")
    assert list(written.columns) == STEP_FUNNEL_COLUMNS
    rows = written[written["channel"] == "call_desk"].iloc[0]
    assert (rows["step"], rows["sent"], rows["meetings"], rows["not_now"]) == (2, 4, 1, 1)
    lines = done.stdout.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("step "))
    assert lines[header + 2].split()[:3] == ["1", "email", "8"]
    assert lines[header + 3].split()[:3] == ["2", "call_desk", "4"]
    assert "inbound: 1 meetings from prospects who called in" in done.stdout
