"""Each format's adapter on a small hand-written file in that tool's layout, messy cases
included: time zones (offsets, ``Z``, epoch milliseconds, local times, dates), missing and
skipped steps, a prospect in two sequences, bounced emails, auto-replies, replies without a
sentiment, tasks not done, a callback after a voicemail, meetings booked by a link."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sim.ingest.api import Imported, ImportOptions, import_export

TZ = "America/New_York"


def write(folder: Path, files: dict[str, str]) -> list[Path]:
    out = []
    for name, body in files.items():
        path = folder / name
        path.write_text(body.strip() + "\n", encoding="utf-8")
        out.append(path)
    return out


def run(folder: Path, fmt: str, files: dict[str, str], **options: object) -> Imported:
    return import_export(write(folder, files), ImportOptions(format=fmt, timezone=TZ, **options))  # type: ignore[arg-type]


def prospect(imp: Imported, pid: str) -> pd.Series:
    code = imp.tables.ids.get_loc(pid)
    p = imp.tables.prospects
    return p[p["prospect"] == code].iloc[0]


def touches_of(imp: Imported, pid: str) -> pd.DataFrame:
    code = imp.tables.ids.get_loc(pid)
    t = imp.tables.touches
    return t[t["prospect"] == code].reset_index(drop=True)


ACTIVITIES = """
prospect_id,timestamp,channel,step,outcome,sequence,direction,duration_s,contact_email
A1,2024-03-04T09:30:00-05:00,email,1,opened,Q1,,,ann@example.com
A1,2024-03-05T16:00:00Z,call_desk,2,voicemail_left,Q1,,,ann@example.com
A1,2024-03-05 12:20,call_desk,,replied_positive,,inbound,240,ann@example.com
A2,2024-03-04T15:30:00+01:00,email,1,bounced,Q1,,,bo@example.com
A2,2024-03-07T10:00:00-05:00,email,3,replied_negative,Q1,,,bo@example.com
A3,2024-03-04T09:30:00-05:00,email,1,sent,Q1,,,cy@example.com
A3,2024-03-06T10:00:00-05:00,email,1,sent,Q2,,,cy@example.com
A4,2024-03-04T09:30:00-05:00,email,1,meeting_booked,Q1,,,di@example.com
B1,2024-03-04T09:30:00-05:00,email,1,sent,Q2,,,ed@example.com
"""


def test_activities_time_zones_skipped_steps_two_sequences_and_a_callback(tmp_path: Path) -> None:
    imp = run(tmp_path, "activities", {"activities.csv": ACTIVITIES})
    assert imp.sequence == "Q1" and imp.name == "q1"
    assert list(imp.tables.ids) == ["A1", "A2", "A3", "A4"]  # B1 is only in Q2
    assert any("also in other sequences" in n for n in imp.notes)
    assert len(imp.tables.touches) == 6  # A3's touch in Q2 is left out
    first = touches_of(imp, "A2").iloc[0]
    assert first["minute"] == 9 * 60 + 30 and first["day"] == 0  # +01:00 is 09:30 in New York
    assert first["result"] == "undeliverable"
    assert touches_of(imp, "A2")["step"].tolist() == [1.0, 3.0]  # step 2 skipped
    call = touches_of(imp, "A1").iloc[1]
    assert call["day"] == 1 and call["minute"] == 11 * 60  # 16:00Z on a winter day
    # the local 12:20 inbound call, the next day's noon hour, is the voicemail's callback
    assert call["voicemail_heard"] and call["response"] == "positive"
    a1 = prospect(imp, "A1")
    assert a1["reached"] and a1["first_contact_attempt"] == 2 and not a1["inbound"]
    a2 = prospect(imp, "A2")
    assert a2["said_no"] and a2["first_response_day"] == 3
    a4 = prospect(imp, "A4")
    assert a4["meeting"] and a4["meeting_attempt"] == 1
    cadence = imp.cadence.spec.phases[0].steps
    assert [s.channel for s in cadence] == ["email", "call_desk", "email"]


def test_activities_sequence_all_keeps_every_row(tmp_path: Path) -> None:
    imp = run(tmp_path, "activities", {"activities.csv": ACTIVITIES}, sequence="all")
    assert len(imp.tables.ids) == 5 and len(imp.tables.touches) == 8


PROSPECTS = """
prospect_id,name,attempts,outcome,channel,first_contact_attempt,arrived_at
P1,Ada Lovelace,3,Meeting Booked,email,2,2024-03-04 08:00
P2,Bob Smith,5,no_response,LinkedIn,,2024-03-05 08:00
P3,Cy Young,2,not interested,phone,1,2024-03-05
P4,Di Prince,1,unsubscribed,,,
"""


def test_prospects_outcome_words_channels_and_arrivals(tmp_path: Path) -> None:
    imp = run(tmp_path, "prospects", {"crm.csv": PROSPECTS})
    p = imp.tables.prospects
    assert p["meeting"].tolist() == [True, False, False, False]
    assert p["reached"].tolist() == [True, False, True, False]
    assert p["opted_out"].tolist() == [False, False, False, True]
    assert p["meeting_attempt"].iloc[0] == 3  # the cadence stops at the meeting
    assert p["arrival_day"].tolist()[:3] == [0, 1, 1]
    t = imp.tables.touches
    assert len(t) == 3 + 5 + 2 + 1
    channels = t.groupby("prospect")["channel"].first().astype(str).tolist()
    assert channels == ["email", "social", "call_desk", "email"]
    labels = {m.label for m in imp.measured}
    assert "connect_rate_per_dial" not in labels  # no touch log: prospect-level only


MAILINGS = """
id,prospectId,sequenceId,sequenceStepId,state,deliveredAt,openedAt,repliedAt,bouncedAt,unsubscribedAt,replySentiment,toRecipients
1,11,501,9001,delivered,2024-03-04T14:30:00.000Z,2024-03-04T15:00:00.000Z,,,,,a@example.com
2,11,501,7002,replied,2024-03-07T15:00:00.000Z,2024-03-07T15:10:00.000Z,2024-03-07T16:00:00.000Z,,,Out of Office,a@example.com
3,12,501,9001,bounced,,,,2024-03-04T14:31:00.000Z,,,b@example.com
4,13,501,9001,replied,2024-03-04T14:30:00.000Z,,2024-03-05T13:00:00.000Z,,,,c@example.com
5,14,501,9001,scheduled,,,,,,,d@example.com
6,13,501,7002,delivered,2024-03-07T15:00:00.000Z,,,,2024-03-07T18:00:00.000Z,,c@example.com
"""  # noqa: E501
OUTREACH_CALLS = """
id,prospectId,sequenceId,sequenceStepId,direction,outcome,callDisposition,dialedAt,answeredAt,completedAt,to
1,11,501,8000,outbound,Not Answered,Left Voicemail,2024-03-05T16:00:00.000Z,,2024-03-05T16:01:00.000Z,+1-555-0101
2,12,501,8000,outbound,Answered,Meeting Booked,2024-03-05T16:00:00.000Z,2024-03-05T16:00:10.000Z,2024-03-05T16:05:10.000Z,+1-555-0102
3,15,,,inbound,Answered,,2024-03-06T17:00:00.000Z,2024-03-06T17:00:05.000Z,2024-03-06T17:03:05.000Z,+1-555-0105
"""  # noqa: E501


def test_outreach_step_ids_auto_replies_bounces_and_unsent_mailings(tmp_path: Path) -> None:
    imp = run(tmp_path, "outreach", {"mailings.csv": MAILINGS, "calls.csv": OUTREACH_CALLS})
    assert list(imp.tables.ids) == ["11", "12", "13"]  # 14 never sent; 15 in no sequence
    assert any("never delivered" in n for n in imp.notes)
    assert any("1 replies without a replySentiment" in n for n in imp.notes)
    t11 = touches_of(imp, "11")
    assert t11["step"].tolist() == [1.0, 2.0, 3.0]  # ids 9001, 8000, 7002 by time
    assert t11["response"].astype(str).tolist() == [
        "ignore",
        "none",
        "ignore",
    ]  # auto-reply: opened
    assert not prospect(imp, "11")["reached"]
    t12 = touches_of(imp, "12")
    assert t12["result"].astype(str).tolist() == ["undeliverable", "picked_up"]
    assert t12["rep_minutes"].iloc[1] == 5.0
    p12 = prospect(imp, "12")
    assert p12["meeting"] and p12["meeting_attempt"] == 2
    p13 = prospect(imp, "13")
    assert p13["said_no"] and p13["opted_out"]
    assert touches_of(imp, "13")["read_day"].tolist() == [1.0, 3.0]  # replied the next day


SALESLOFT_EMAILS = """
id,personId,cadence,step,sentAt,status,bounced,views,replies,replySentiment,to,subject
1,p1,Cold Q1,1,2024-03-04T09:30:00-05:00,delivered,false,1,0,,a@example.com,Hi
2,p2,Cold Q1,1,2024-03-04T15:30:00+01:00,bounced,true,0,0,,b@example.com,Hi
3,p3,Cold Q1,1,2024-03-04T09:30:00-05:00,delivered,false,1,1,Auto Reply,c@example.com,Hi
4,p3,Cold Q1,3,2024-03-07T10:00:00-05:00,delivered,false,1,1,Interested,c@example.com,Hi
5,p4,Warm,1,2024-03-04T09:30:00-05:00,delivered,false,0,0,,d@example.com,Hi
6,p1,Warm,1,2024-03-08T09:30:00-05:00,delivered,false,0,0,,a@example.com,Hi
7,p5,Cold Q1,2,2024-03-05T10:00:00-05:00,failed,false,0,0,,e@example.com,Hi
"""
SALESLOFT_CALLS = """
id,personId,cadence,step,createdAt,disposition,sentiment,duration,to
1,p1,Cold Q1,2,2024-03-05T11:00:00-05:00,Connected,Not Now,95,+1-555-0101
2,p2,Cold Q1,2,2024-03-05T11:00:00-05:00,No Answer,,0,+1-555-0102
"""
SALESLOFT_MEMBERS = """
id,personId,cadence,addedAt,currentState,counts
1,p1,Cold Q1,2024-03-01T12:00:00-05:00,finished,"{""emails"": 1}"
2,p2,Cold Q1,2024-03-01T12:00:00-05:00,finished,{}
3,p3,Cold Q1,2024-03-01T12:00:00-05:00,finished,{}
4,p6,Cold Q1,2024-03-01T12:00:00-05:00,active,{}
5,p4,Warm,2024-03-01T12:00:00-05:00,finished,{}
6,p1,Warm,2024-03-07T12:00:00-05:00,finished,{}
7,p5,Cold Q1,2024-03-01T12:00:00-05:00,finished,{}
"""


def test_salesloft_memberships_count_prospects_never_touched(tmp_path: Path) -> None:
    imp = run(tmp_path, "salesloft", {
        "emails.csv": SALESLOFT_EMAILS, "calls.csv": SALESLOFT_CALLS,
        "cadence_memberships.csv": SALESLOFT_MEMBERS,
    })  # fmt: skip
    assert imp.sequence == "Cold Q1"
    assert sorted(imp.tables.ids) == ["p1", "p2", "p3", "p5", "p6"]
    p = imp.tables.prospects
    assert p["touches"].sum() == 6  # p1's email in Warm and p5's failed email are left out
    assert (p["arrival_day"] == 4).all()  # added on Friday 1 March: business day 4
    assert prospect(imp, "p6")["touches"] == 0 and not prospect(imp, "p6")["reached"]
    p1 = prospect(imp, "p1")
    assert p1["said_not_now"] and p1["first_contact_attempt"] == 2
    assert touches_of(imp, "p1")["rep_minutes"].iloc[1] == 95 / 60
    p3 = prospect(imp, "p3")  # the auto-reply is no reply; the second email's is
    assert p3["first_contact_attempt"] == 2
    assert touches_of(imp, "p3")["response"].astype(str).tolist() == ["ignore", "positive"]
    assert touches_of(imp, "p2")["result"].astype(str).tolist() == ["undeliverable", "screened"]


HUBSPOT = """
hs_object_id,Associated Contact IDs,hs_timestamp,hs_sequence_id,hs_sequence_step_order,hs_call_direction,hs_call_status,hs_call_disposition,hs_call_duration,hs_email_direction,hs_email_status,hs_email_open_count,reply_sentiment,hs_meeting_outcome,hs_email_to_email
1,101,1709562600000,77,1,,,,,EMAIL,SENT,1,,,a@example.com
2,101;102,1709654400000,77,2,OUTBOUND,COMPLETED,b2cf5968-551e-4856-9783-52b3da59a7d0,0,,,,,,
3,101,2024-03-05T12:30:00-05:00,,,INBOUND,COMPLETED,f240bbac-87c9-4f6e-bf70-924b57d47db7,180000,,,,,,
4,103,1709562600000,77,1,,,,,EMAIL,SENT,0,,,c@example.com
5,103,2024-03-04T16:00:00Z,,,,,,,INCOMING_EMAIL,,,Not Now,,
6,104,1709562600000,77,1,,,,,EMAIL,BOUNCED,0,,,d@example.com
7,105,1709562600000,77,1,,,,,EMAIL,SENT,1,,,e@example.com
8,105,2024-03-04T18:00:00Z,,,,,,,,,,,SCHEDULED,
9,106,1709654400000,77,2,OUTBOUND,FAILED,,0,,,,,,
"""  # noqa: E501


def test_hubspot_epoch_times_outcome_ids_replies_and_meetings(tmp_path: Path) -> None:
    imp = run(tmp_path, "hubspot", {"engagements.csv": HUBSPOT})
    assert list(imp.tables.ids) == ["101", "103", "104", "105"]  # 106's call failed
    t101 = touches_of(imp, "101")
    assert t101["minute"].tolist() == [9 * 60 + 30, 11 * 60]  # epoch milliseconds, in New York
    assert t101["voicemail_left"].tolist() == [False, True]
    assert t101["voicemail_heard"].iloc[1]  # the inbound call is its callback
    p101 = prospect(imp, "101")
    assert p101["reached"] and p101["first_contact_attempt"] == 2
    assert prospect(imp, "103")["said_not_now"]
    assert touches_of(imp, "104")["result"].astype(str).tolist() == ["undeliverable"]
    p105 = prospect(imp, "105")
    assert p105["meeting"] and p105["meeting_attempt"] == 1 and not p105["inbound"]


SALESFORCE = """
Id,WhoId,Subject,Status,ActivityDate,CompletedDateTime,TaskSubtype,Type,CallType,CallDisposition,CallDurationInSeconds,ActionCadenceName,ActionCadenceStepId,Description
1,00Q1,Email,Completed,2024-03-04,2024-03-04T09:30:00.000-0500,Email,Email,,,,Outbound Q1,a1Bz,Spoke with Ada
2,00Q1,Email opened,Completed,2024-03-04,2024-03-04T10:00:00.000-0500,Task,Email - Opened,,,,,,
3,00Q1,Call,Completed,2024-03-05,,Call,Call,Outbound,Left Voicemail,0,Outbound Q1,a1By,
4,00Q2,Email,Completed,2024-03-04,2024-03-04T09:30:00.000-0500,Email,Email,,,,Outbound Q1,a1Bz,
5,00Q2,Reply,Completed,2024-03-05,2024-03-05T08:00:00.000-0500,Task,Email - Positive Reply,,,,,,
6,00Q2,Meeting,Completed,2024-03-05,2024-03-05T09:00:00.000-0500,,Meeting,,,,,,
7,00Q3,Call,Not Started,2024-03-06,,Call,Call,Outbound,,,Outbound Q1,a1By,
8,00Q3,Call,Completed,2024-03-05,2024-03-05T14:00:00.000-0500,Call,Call,Outbound,,0,Outbound Q1,a1By,
9,00Q3,Email,Completed,2024-03-04,2024-03-04T09:30:00.000-0500,Email,Email - Bounced,,,,Outbound Q1,a1Bz,
"""  # noqa: E501


def test_salesforce_tasks_dates_event_tasks_and_tasks_not_done(tmp_path: Path) -> None:
    imp = run(tmp_path, "salesforce", {"tasks.csv": SALESFORCE})
    assert list(imp.tables.ids) == ["00Q1", "00Q2", "00Q3"]
    t1 = touches_of(imp, "00Q1")
    assert t1["result"].astype(str).tolist() == ["read", "screened"]  # the open is no touch
    assert t1["minute"].iloc[1] == 12 * 60 and t1["step"].tolist() == [1.0, 2.0]  # a date: noon
    p2 = prospect(imp, "00Q2")
    assert p2["meeting"] and p2["meeting_attempt"] == 1  # the reply became the meeting
    assert len(touches_of(imp, "00Q2")) == 1
    t3 = touches_of(imp, "00Q3")  # the task not started is left out
    assert t3["result"].astype(str).tolist() == ["undeliverable", "screened"]


def test_every_format_is_listed_and_documented() -> None:
    from sim.ingest import FORMAT_NAMES
    from sim.ingest.formats import FORMATS

    assert tuple(FORMATS) == FORMAT_NAMES
    guide = (Path(__file__).resolve().parents[2] / "docs" / "guide" / "own-data.md").read_text(
        encoding="utf-8"
    )
    for name, adapter in FORMATS.items():
        assert f"`{name}`" in guide
        assert adapter.vocabularies, name
        assert np.all([v.defaults for v in adapter.vocabularies])


HUBSPOT_FROM_ZERO = """
hs_object_id,associations.contacts,hs_timestamp,hs_sequence_id,hs_sequence_step_order,hs_email_direction,hs_email_status,hs_email_open_count
1,201,2024-03-04T09:30:00-05:00,77,0,EMAIL,SENT,0
2,201,2024-03-06T09:30:00-05:00,77,1,EMAIL,SENT,1
3,202,2024-03-04T09:35:00-05:00,77,0,EMAIL,SENT,0
"""


def test_hubspot_step_order_counted_from_zero(tmp_path: Path) -> None:
    imp = run(tmp_path, "hubspot", {"engagements.csv": HUBSPOT_FROM_ZERO})
    assert touches_of(imp, "201")["step"].tolist() == [1.0, 2.0]
    assert any("hs_sequence_step_order counts from 0" in n for n in imp.notes)
    assert [s.step for s in imp.cadence.steps] == [1, 2]
    from_one = HUBSPOT_FROM_ZERO.replace(",77,1,", ",77,2,").replace(",77,0,", ",77,1,")
    ones = run(tmp_path, "hubspot", {"engagements.csv": from_one})
    assert touches_of(ones, "201")["step"].tolist() == [1.0, 2.0]
    assert not any("counts from 0" in n for n in ones.notes)
