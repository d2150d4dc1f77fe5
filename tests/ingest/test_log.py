"""The tidy activity log (``sim.ingest.log``) as the ``activities`` format reads it: its columns
and types, every way a timestamp may be written (offsets, ``Z``, epoch seconds and
milliseconds, local times in the team's zone across a daylight-saving change, dates), headers
in any case, gzipped CSV and Parquet read alike, several files as one, which rows are
duplicates, and which sequence is kept."""

from __future__ import annotations

import gzip
from pathlib import Path

import pandas as pd
import pytest

from sim.ingest.api import ImportOptions, read_export
from sim.ingest.log import LOG_COLUMNS, check, choose_sequence, names
from sim.ingest.source import DataError
from tests.ingest.helpers import TZ, write

LOG = """
prospect_id,timestamp,channel,step,outcome,sequence,direction,duration_s,responded_at
A1,2024-03-04T09:30:00-05:00,email,1,opened,Q1,,,
A1,2024-03-05T16:00:00Z,call_desk,2,voicemail_left,Q1,outbound,,
A1,2024-03-05 12:20,call_desk,,replied_positive,,inbound,240,
A2,1709562600,email,1,replied_negative,Q1,,,2024-03-06T08:00:00-05:00
A2,1709652600000,text,2,sent,Q1,,,
A3,2024-03-06,call_cell,1,connected,Q2,,61.5,
A3,03/07/2024 2:30 PM,email,2,bounced,Q2,,,
"""


def read(tmp_path: Path, body: str = LOG, name: str = "log.csv", tz: str = TZ) -> pd.DataFrame:
    files = write(tmp_path, {name: body})
    return read_export(files, ImportOptions(format="activities", timezone=tz)).log


def test_columns_and_types(tmp_path: Path) -> None:
    log = read(tmp_path)
    assert list(log.columns) == LOG_COLUMNS
    assert str(log["at"].dtype) == "datetime64[ns, UTC]"
    assert str(log["responded_at"].dtype) == "datetime64[ns, UTC]"
    for column in ("prospect_id", "channel", "sequence", "direction", "outcome"):
        assert isinstance(log[column].dtype, pd.CategoricalDtype), column
    assert log["row"].tolist() == list(range(2, 9))  # the header is row 1
    assert (log["file"] == 0).all()
    assert names(log["direction"]).tolist() == ["outbound"] * 2 + ["inbound"] + ["outbound"] * 4
    assert log["step"].fillna(0).tolist() == [1, 2, 0, 1, 2, 1, 2]
    assert log["duration_s"].iat[5] == 61.5
    assert names(log["sequence"]).tolist() == ["Q1", "Q1", "", "Q1", "Q1", "Q2", "Q2"]


def test_every_way_of_writing_a_time(tmp_path: Path) -> None:
    at = read(tmp_path)["at"].dt.strftime("%Y-%m-%d %H:%M").tolist()
    assert at == [
        "2024-03-04 14:30",  # -05:00
        "2024-03-05 16:00",  # Z
        "2024-03-05 17:20",  # local 12:20 in New York (EST)
        "2024-03-04 14:30",  # epoch seconds
        "2024-03-05 15:30",  # epoch milliseconds
        "2024-03-06 05:00",  # a date: local midnight
        "2024-03-07 19:30",  # a spreadsheet's 03/07/2024 2:30 PM, local
    ]
    responded = read(tmp_path)["responded_at"]
    assert responded.iat[3] == pd.Timestamp("2024-03-06 13:00", tz="UTC")
    assert responded.drop(index=3).isna().all()


def test_local_times_across_a_daylight_saving_change(tmp_path: Path) -> None:
    body = """
prospect_id,timestamp,channel,step,outcome
A,2024-03-08 10:00,email,1,sent
A,2024-03-11 10:00,email,2,sent
A,2024-03-10 02:30,email,3,sent
A,2024-11-03 01:30,email,4,sent
"""
    at = read(tmp_path, body)["at"].dt.strftime("%Y-%m-%d %H:%M").tolist()
    # EST then EDT; 02:30 on the change's night does not exist (shifted to 03:00 EDT); 01:30
    # on the night back happens twice (the second, standard time, is taken)
    assert at == ["2024-03-08 15:00", "2024-03-11 14:00", "2024-03-10 07:00", "2024-11-03 06:30"]


def test_headers_in_any_case_and_extra_columns(tmp_path: Path) -> None:
    upper = LOG.replace("prospect_id,timestamp,channel", "Prospect_ID,TIMESTAMP,Channel", 1)
    upper = "\n".join(f"{line},Notes" if i == 0 else f"{line},a note" for i, line in
                      enumerate(upper.strip().splitlines()))  # fmt: skip
    a = read(tmp_path, LOG)
    b = read(tmp_path, upper, name="upper.csv")
    pd.testing.assert_frame_equal(a.drop(columns="row"), b.drop(columns="row"))


def test_gzip_and_parquet_read_like_csv(tmp_path: Path) -> None:
    plain = read(tmp_path)
    with gzip.open(tmp_path / "log.csv.gz", "wt", encoding="utf-8") as f:
        f.write(LOG.strip() + "\n")
    options = ImportOptions(format="activities", timezone=TZ)
    zipped = read_export([tmp_path / "log.csv.gz"], options).log
    pd.testing.assert_frame_equal(plain, zipped)
    frame = pd.read_csv(tmp_path / "log.csv", dtype=str, keep_default_na=False)
    frame.to_parquet(tmp_path / "log.parquet")
    parquet = read_export([tmp_path / "log.parquet"], options).log
    pd.testing.assert_frame_equal(plain.drop(columns="row"), parquet.drop(columns="row"))
    assert (parquet["row"] == plain["row"] - 1).all()  # Parquet has no header row


def test_several_files_are_one_log(tmp_path: Path) -> None:
    lines = LOG.strip().splitlines()
    first, second = "\n".join(lines[:4]), "\n".join([lines[0], *lines[4:]])
    files = write(tmp_path, {"a.csv": first, "b.csv": second})
    log = read_export(files, ImportOptions(format="activities", timezone=TZ)).log
    assert log["file"].tolist() == [0, 0, 0, 1, 1, 1, 1]
    assert log["row"].tolist() == [2, 3, 4, 2, 3, 4, 5]
    whole = read(tmp_path)
    pd.testing.assert_frame_equal(log.drop(columns=["file", "row"]),
                                  whole.drop(columns=["file", "row"]))  # fmt: skip


def test_rows_are_duplicates_when_every_key_column_is_equal(tmp_path: Path) -> None:
    lines = LOG.strip().splitlines()
    again = lines[1]
    other_outcome = lines[1].replace("opened", "sent")
    longer = lines[6].replace("61.5", "80")  # only the call's length differs: the same call
    body = "\n".join([*lines, again, other_outcome, longer])
    files = write(tmp_path, {"log.csv": body})
    export = read_export(files, ImportOptions(format="activities", timezone=TZ))
    with pytest.raises(DataError) as error:
        check(export, drop_duplicates=False)
    assert [p.message for p in error.value.problems] == [
        f"{files[0]}: row 2 and row 9 are the same activity (every column equal)",
        f"{files[0]}: row 7 and row 11 are the same activity (every column equal)",
        f"{files[0]}: 2 duplicate rows in all; pass --drop-duplicates to keep the first of each "
        "and drop the rest",
    ]  # fmt: skip
    notes = check(export, drop_duplicates=True)
    assert notes == ["dropped 2 duplicate rows (--drop-duplicates)"]
    assert export.log["row"].tolist() == [2, 3, 4, 5, 6, 7, 8, 10]


def test_an_inbound_record_of_what_only_a_touch_can_do(tmp_path: Path) -> None:
    body = LOG.replace("A3,03/07/2024 2:30 PM,email,2,bounced,Q2,,", "A3,03/07/2024 2:30 PM,"
                       "email,2,bounced,Q2,inbound,")  # fmt: skip
    files = write(tmp_path, {"log.csv": body})
    export = read_export(files, ImportOptions(format="activities", timezone=TZ))
    with pytest.raises(DataError) as error:
        check(export, drop_duplicates=False)
    assert error.value.lines() == [
        f"{files[0]}: row 8, column outcome = 'bounced': not possible for an inbound record; "
        "allowed: connected, opened, replied_positive, replied_negative, not_now, opted_out, "
        "meeting_booked"
    ]


def test_the_largest_sequence_is_kept_unless_told(tmp_path: Path) -> None:
    files = write(tmp_path, {"log.csv": LOG})
    export = read_export(files, ImportOptions(format="activities", timezone=TZ))
    chosen = choose_sequence(export, None)
    assert chosen.name == "Q1"  # two prospects; Q2 has one
    assert sorted(set(names(chosen.log["prospect_id"]))) == ["A1", "A2"]
    assert len(chosen.log) == 5  # with A1's inbound call, outside any sequence
    assert chosen.notes == [
        "2 sequences in the export: Q1 (2 prospects), Q2 (1 prospects); kept Q1 (--sequence "
        "NAME for another, --sequence all for every row)"
    ]
    assert len(choose_sequence(export, "Q2").log) == 2
    assert len(choose_sequence(export, "all").log) == 7
