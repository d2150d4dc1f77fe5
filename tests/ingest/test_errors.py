"""Bad data and bad options through the real command line: each problem is one line on stderr
naming the file, the row (as a spreadsheet numbers it), the column and the value, and what
is allowed; the exit code is 2; no traceback; nothing is written."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from sim.ingest.source import MAX_LISTED
from tests.ingest.helpers import error_lines, export_files, followup, write

GOOD = """
prospect_id,timestamp,channel,step,outcome,sequence,contact_name,contact_email
A1,2024-03-04T09:30:00-05:00,email,1,opened,Q1,Ann Lee,ann@example.com
A1,2024-03-05T11:00:00-05:00,call_desk,2,voicemail_left,Q1,Ann Lee,ann@example.com
A2,2024-03-04T09:30:00-05:00,email,1,sent,Q1,Bo Ray,bo@example.com
"""


def fails(tmp_path: Path, body: str, *options: str, name: str = "export.csv") -> list[str]:
    """Import one hand-written activities file (or ``--format`` given in ``options``); the
    error lines, with the file's path shortened to its name."""
    (path,) = write(tmp_path, {name: body})
    fmt = [] if "--format" in options else ["--format", "activities"]
    out = tmp_path / "out"
    lines = error_lines(followup("import", path, *fmt, *options, "--out", out))
    assert not out.exists()
    return [line.replace(str(path), name) for line in lines]


def test_the_good_file_imports(tmp_path: Path) -> None:
    (path,) = write(tmp_path, {"export.csv": GOOD})
    done = followup("import", path, "--format", "activities", "--out", tmp_path / "out")
    assert done.exit_code == 0, done.output
    assert "import q1 | activities | 2 prospects | 3 touches" in done.stdout


def test_missing_columns_list_the_columns_found(tmp_path: Path) -> None:
    body = "prospect_id,when,channel,result,contact_email\nA1,2024-03-04,email,sent,a@x.com"
    assert fails(tmp_path, body) == [
        "export.csv: missing columns timestamp, outcome; the columns found are: prospect_id, "
        "when, channel, result, contact_email"
    ]


def test_an_unparseable_timestamp(tmp_path: Path) -> None:
    (line,) = fails(tmp_path, GOOD.replace("2024-03-05T11:00:00-05:00", "yesterday"))
    assert line.startswith(
        "export.csv: row 3, column timestamp = 'yesterday': not a timestamp of the years 1900 "
        "to 2199 (ISO 8601 like"
    )


@pytest.mark.parametrize(
    "value", ["9999-03-04T09:30:00Z", "9999-03-04 09:30", "9999999999999", "1850-01-01"]
)
def test_a_timestamp_out_of_range_is_an_error_not_a_crash(tmp_path: Path, value: str) -> None:
    (line,) = fails(tmp_path, GOOD.replace("2024-03-05T11:00:00-05:00", value))
    assert line.startswith(f"export.csv: row 3, column timestamp = '{value}': not a timestamp")


def test_an_outcome_with_no_mapping_names_the_map_that_fixes_it(tmp_path: Path) -> None:
    (line,) = fails(tmp_path, GOOD.replace("voicemail_left", "Gatekeeper"))
    assert line.startswith(
        "export.csv: row 3, column outcome = 'Gatekeeper': no mapping for this value in the "
        "outcome; add one with --map outcome=Gatekeeper:TARGET, TARGET one of: no_answer, busy,"
    )


def test_a_disposition_with_no_mapping_in_a_tool_export(tmp_path: Path) -> None:
    files = export_files("salesloft", tmp_path / "export", prospects=300)
    calls = next(p for p in files if p.name == "calls.csv")
    frame = pd.read_csv(calls, dtype=str, keep_default_na=False)
    frame.loc[4, "disposition"] = "Talked to Gatekeeper"
    frame.to_csv(calls, index=False)
    lines = error_lines(followup("import", *files, "--format", "salesloft", "--out",
                                 tmp_path / "out"))  # fmt: skip
    assert lines == [
        f"{calls}: row 6, column disposition = 'Talked to Gatekeeper': no mapping for this value "
        "in a call's disposition; add one with --map disposition=Talked to Gatekeeper:TARGET, "
        "TARGET one of: no_answer, busy, voicemail_left, connected, sent, bounced, opened, "
        "replied_positive, replied_negative, not_now, opted_out, meeting_booked, skip"
    ]
    fixed = followup("import", *files, "--format", "salesloft", "--out", tmp_path / "out",
                     "--map", "disposition=talked to gatekeeper:no_answer")  # fmt: skip
    assert fixed.exit_code == 0, fixed.output


def test_an_outcome_the_channel_cannot_have(tmp_path: Path) -> None:
    (line,) = fails(tmp_path, GOOD.replace(",opened,", ",no_answer,"))
    assert line == (
        "export.csv: row 2, column outcome = 'no_answer': not possible for an email touch; "
        "allowed: sent, bounced, opened, replied_positive, replied_negative, not_now, opted_out, "
        "meeting_booked"
    )


@pytest.mark.parametrize(
    ("old", "new", "column", "allowed"),
    [
        (",2,voice", ",2.5,voice", "step", "a whole number from 1 to 1000"),
        (",2,voice", ",99999999999999999999,voice", "step", "a whole number from 1 to 1000"),
        (",2,voice", ",0,voice", "step", "a whole number from 1 to 1000"),
    ],
)
def test_a_step_that_is_not_a_step(
    tmp_path: Path, old: str, new: str, column: str, allowed: str
) -> None:
    value = new.split(",")[1]
    assert fails(tmp_path, GOOD.replace(old, new)) == [
        f"export.csv: row 3, column {column} = '{value}': must be {allowed}"
    ]


def test_a_missing_value_shows_an_empty_cell(tmp_path: Path) -> None:
    assert fails(tmp_path, GOOD.replace("A2,", ",")) == [
        "export.csv: row 4, column prospect_id = '': the prospect id is missing"
    ]


def test_many_bad_rows_list_a_few_and_count_the_rest(tmp_path: Path) -> None:
    rows = [f"P{i},sometime,email,1,sent" for i in range(12)]
    lines = fails(tmp_path, "prospect_id,timestamp,channel,step,outcome\n" + "\n".join(rows))
    assert len(lines) == MAX_LISTED + 1
    assert lines[0].startswith("export.csv: row 2, column timestamp = 'sometime'")
    assert (
        lines[-1]
        == f"export.csv: ... and {12 - MAX_LISTED} more rows of column timestamp like these"
    )


def test_duplicate_rows_are_refused_then_dropped_with_the_flag(tmp_path: Path) -> None:
    body = GOOD + GOOD.strip().splitlines()[2]
    assert fails(tmp_path, body) == [
        "export.csv: row 3 and row 5 are the same activity (every column equal)",
        "export.csv: 1 duplicate row in all; pass --drop-duplicates to keep the first of each "
        "and drop the rest",
    ]
    (path,) = write(tmp_path, {"export.csv": body})
    done = followup("import", path, "--format", "activities", "--drop-duplicates", "--out",
                    tmp_path / "out")  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "note: dropped 1 duplicate row (--drop-duplicates)" in done.stdout
    assert "3 touches" in done.stdout


def test_a_prospect_listed_twice_in_the_prospects_format(tmp_path: Path) -> None:
    body = "prospect_id,attempts,outcome\nP1,1,meeting\nP2,3,no\nP1,2,no"
    assert fails(tmp_path, body, "--format", "prospects") == [
        "export.csv: row 2 and row 4 are the same prospect",
        "export.csv: 1 prospect listed twice in all; pass --drop-duplicates to keep the first "
        "row of each",
    ]


def test_absurd_counts_in_the_prospects_format(tmp_path: Path) -> None:
    body = "prospect_id,attempts,outcome\nP1,100000000000,meeting\nP2,-1,no"
    assert fails(tmp_path, body, "--format", "prospects") == [
        "export.csv: row 2, column attempts = '100000000000': must be a whole number from 0 to "
        "1000",
        "export.csv: row 3, column attempts = '-1': must be a whole number from 0 to 1000",
    ]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "not a readable CSV or Parquet file: Empty CSV file"),
        (
            GOOD.strip().splitlines()[0] + "\n",
            "no activities to import (every row was left out or the files are empty)",
        ),
        (
            GOOD.strip().splitlines()[0],
            "not a readable CSV or Parquet file: CSV parse error: "
            "Empty CSV file or block: cannot infer number of "
            "columns",
        ),
        (
            "a,b\n1,2,3,4",
            "not a readable CSV or Parquet file: CSV parse error: Expected 2 "
            "columns, got 4: 1,2,3,4",
        ),
    ],
    ids=["empty", "header-only", "header-without-newline", "ragged"],
)
def test_an_empty_or_broken_file(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "export.csv"
    path.write_text(body, encoding="utf-8")
    lines = error_lines(followup("import", path, "--format", "activities"))
    assert lines == [f"{path}: {message}"]


def test_a_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(bytes(range(256)) * 20)
    (line,) = error_lines(followup("import", path, "--format", "activities"))
    assert line.startswith(f"{path}: not a readable CSV or Parquet file")


def test_a_file_in_another_tools_layout(tmp_path: Path) -> None:
    files = export_files("salesloft", tmp_path / "export", prospects=300)
    lines = error_lines(followup("import", *files, "--format", "hubspot"))
    assert len(lines) == 1
    assert lines[0].startswith(f"{files[0]}: missing columns associations.contacts or "
                               "contact_id, hs_timestamp or Activity date; the columns found "
                               "are: id, personId, cadence, step, sentAt,")  # fmt: skip
    (path,) = write(tmp_path, {"export.csv": GOOD})
    assert error_lines(followup("import", path, "--format", "salesloft")) == [
        f"{path}: not one of the Salesloft exports (memberships: one of addedAt, currentState; "
        "calls: one of disposition; emails: one of sentAt); the columns found are: prospect_id, "
        "timestamp, channel, step, outcome, sequence, contact_name, contact_email"
    ]


def test_a_format_that_does_not_exist(tmp_path: Path) -> None:
    (path,) = write(tmp_path, {"export.csv": GOOD})
    done = followup("import", path, "--format", "pipedrive")
    assert done.exit_code == 2 and "Traceback" not in done.output
    assert "'--format'" in done.output and "'salesforce'" in done.output


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (
            "garbage",
            "--map: 'garbage' is not NAME=VALUE:TARGET (e.g. outcome=Left VM:voicemail_left)",
        ),
        (
            "outcome=Gatekeeper",
            "--map: 'outcome=Gatekeeper' is not NAME=VALUE:TARGET (e.g. "
            "outcome=Left VM:voicemail_left)",
        ),
        (
            "outcome=:sent",
            "--map: 'outcome=:sent' is not NAME=VALUE:TARGET (e.g. outcome=Left VM:voicemail_left)",
        ),
        (
            "outcom=Gatekeeper:no_answer",
            "--map: 'outcom=Gatekeeper:no_answer': this format has "
            "no vocabulary 'outcom' (did you mean 'outcome'?); it has: outcome, channel, "
            "direction",
        ),
        (
            "outcome=Gatekeeper:no_anwser",
            "--map: 'outcome=Gatekeeper:no_anwser': 'no_anwser' is "
            "not a target of outcome (did you mean 'no_answer' or 'not_now'?); allowed: "
            "no_answer, busy, voicemail_left, connected, sent, bounced, opened, "
            "replied_positive, replied_negative, not_now, opted_out, meeting_booked",
        ),
    ],
)
def test_a_bad_map(tmp_path: Path, option: str, message: str) -> None:
    assert fails(tmp_path, GOOD, "--map", option) == [message]


@pytest.mark.parametrize(
    ("options", "start"),
    [
        (["--holdout", "1.5"], "--holdout: must be a share between 0 and 1"),
        (["--holdout", "0"], "--holdout: must be a share between 0 and 1"),
        (["--holdout", "nan"], "--holdout: must be a share between 0 and 1"),
        (["--timezone", "Mars/Base"], "--timezone: 'Mars/Base' is not a time zone"),
        (["--sequence", "Q9"], "--sequence: 'Q9' is not a sequence of the export; it has: Q1"),
        (["--seed", "-1"], "--seed: must be between 0 and 2**63 - 1"),
        (["--horizon", "0"], "--horizon must be between 1 and 2000 business days"),
        (["--scenario", "no-such-scenario"], ""),
        (["--holdout", "0.01"], "--holdout: 0.01 leaves no prospects to hold out"),
    ],
)
def test_a_bad_option(tmp_path: Path, options: list[str], start: str) -> None:
    (line,) = fails(tmp_path, GOOD, *options)
    assert line.startswith(start)


def test_a_file_that_does_not_exist(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.csv"
    assert error_lines(followup("import", missing, "--format", "activities")) == [
        f"{missing}: no such file"
    ]


def test_a_bad_parquet_file_numbers_rows_from_1(tmp_path: Path) -> None:
    frame = pd.DataFrame({
        "prospect_id": ["A1", "A2"], "timestamp": ["2024-03-04T09:30:00Z", "someday"],
        "channel": ["email", "email"], "outcome": ["sent", "sent"],
    })  # fmt: skip
    path = tmp_path / "export.parquet"
    frame.to_parquet(path)
    assert error_lines(followup("import", path, "--format", "activities")) == [
        f"{path}: row 2, column timestamp = 'someday': not a timestamp of the years 1900 to 2199 "
        "(ISO 8601 like 2024-03-05T14:30:00-05:00 or 2024-03-05 14:30, or epoch milliseconds)"
    ]
