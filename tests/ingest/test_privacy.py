"""Personal data never leaves an export: names, email addresses and phone numbers (and the
prospects' ids) are in no file an import writes and in nothing it prints, in any format, with
or without a holdout, and not even in an error about the row they are on. Columns a format does
not know are never read."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from sim.ingest.formats import activities
from sim.ingest.source import read_table
from tests.ingest.helpers import TOUCH_FORMATS, TZ, error_lines, export_files, followup, write

PERSONAL_COLUMNS = (
    "name", "first_name", "last_name", "contact_name", "email", "contact_email", "to", "phone",
    "toRecipients", "hs_email_to_email", "hs_call_to_number", "Description",
)  # fmt: skip
"""The columns the synthetic exports put personal data in (``formats.common.personal``)."""
IDS = ("prospect_id", "personId", "prospectId", "WhoId", "associations.contacts")


def personal_values(files: list[Path]) -> tuple[set[str], set[str]]:
    """The names, email addresses, phone numbers and free text, and the prospect ids, in the
    export's files."""
    people: set[str] = set()
    ids: set[str] = set()
    for path in files:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        for column in frame.columns:
            if column in PERSONAL_COLUMNS:
                people |= {v for v in frame[column] if v}
            if column in IDS:
                ids |= {v for v in frame[column] if v}
    return people, ids


def outputs(folder: Path) -> str:
    return "\n".join(
        p.read_text(encoding="utf-8") for p in sorted(folder.rglob("*")) if p.is_file()
    )


@pytest.mark.parametrize("fmt", [*TOUCH_FORMATS, "prospects"])
def test_no_output_holds_personal_data(tmp_path: Path, fmt: str) -> None:
    files = export_files(fmt, tmp_path / "export", prospects=600, seed=4)
    people, ids = personal_values(files)
    assert len(people) >= 6 and len(ids) == 600
    secrets = people | ids
    out = tmp_path / "import"
    done = followup("import", *files, "--format", fmt, "--timezone", TZ, "--holdout", "0.3",
                    "--out", out)  # fmt: skip
    assert done.exit_code == 0, done.output
    assert sorted(p.name for p in out.iterdir()) == [
        "cadence.yaml", "funnel.csv", "holdout.csv", "scenario.yaml", "targets.yaml",
    ]  # fmt: skip
    written = outputs(out) + done.output
    leaked = sorted(s for s in secrets if s in written)
    assert not leaked, leaked[:10]


SECRET = """
prospect_id,timestamp,channel,step,outcome,contact_name,contact_email,phone,notes
CONTACT-7781,2024-03-04T09:30:00-05:00,email,1,opened,Zebediah Quuxworth,zq@secret.example,+1-555-0199,"met at the fair, has two kids"
CONTACT-7781,2024-03-05T11:00:00-05:00,call_desk,2,connected,Zebediah Quuxworth,zq@secret.example,+1-555-0199,
CONTACT-9902,2024-03-04T09:30:00-05:00,email,1,replied_positive,Philippa Wexcombe,pw@secret.example,+1-555-0123,
"""  # noqa: E501
SECRETS = ("CONTACT-7781", "CONTACT-9902", "Zebediah", "Quuxworth", "zq@secret", "+1-555-0199",
           "Philippa", "Wexcombe", "pw@secret", "+1-555-0123", "fair")  # fmt: skip


def test_a_hand_written_export_with_personal_columns(tmp_path: Path) -> None:
    files = write(tmp_path, {"export.csv": SECRET})
    out = tmp_path / "import"
    done = followup("import", *files, "--format", "activities", "--out", out)
    assert done.exit_code == 0, done.output
    written = outputs(out) + done.output
    assert [s for s in SECRETS if s in written] == []


def test_an_error_names_the_bad_cell_and_nothing_else_of_its_row(tmp_path: Path) -> None:
    files = write(tmp_path, {"export.csv": SECRET.replace(",connected,", ",sent,")})
    (line,) = error_lines(followup("import", *files, "--format", "activities"))
    assert "row 3, column outcome = 'sent'" in line
    assert [s for s in SECRETS if s in line] == []


def test_columns_a_format_does_not_know_are_never_read(tmp_path: Path) -> None:
    (path,) = write(tmp_path, {"export.csv": SECRET})
    table = read_table(path, activities.COLUMNS)
    assert list(table.frame.columns) == ["prospect_id", "timestamp", "channel", "step", "outcome"]
    assert table.columns == {c: c for c in table.frame.columns}
