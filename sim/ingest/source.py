"""Reading an export file: CSV (optionally gzipped) or Parquet, by logical column.

A format asks for its columns by logical name, each with the header names the tool uses for
it (``Column.aliases``; matched exactly, then ignoring case). Only those columns are read
(pyarrow's multithreaded CSV reader, ``include_columns``), so a column the format does not
know (a prospect's name, email address or phone number, a free-text note) is never even
loaded, let alone copied to an output. Every value is read as text; each format parses what
it needs and says where a value is wrong.

Rows are numbered as a spreadsheet shows them: in a CSV file the header is row 1 and the
first data row is row 2; in a Parquet file the first row is row 1. Problems name the file,
the row, the column (as the file spells it) and the value (``DataError``, a ``ScenarioError``:
one line each, exit code 2 on the command line); at most ``MAX_LISTED`` rows per problem
are listed, with how many more there are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
import pyarrow.parquet as pq
from numpy.typing import NDArray

from sim.io.errors import Problem, ScenarioError

MAX_LISTED = 5
NULL_VALUES = ["", "NULL", "null", "None", "NaN", "nan", "N/A", "n/a", "#N/A"]
"""Cells read as missing."""
PARQUET = (".parquet", ".pq")
TEXT = pa.dictionary(pa.int32(), pa.string())
"""How every column is read: dictionary-encoded text, so that a value repeated on many rows
(a channel, a sequence, a prospect's id, a send time) is one string, and each row an index
(``pandas.Categorical``): a million-row export stays within a few hundred MB, and a format
parses each distinct value once (``sim.ingest.times``)."""


class DataError(ScenarioError):
    """An export that cannot be imported, with every problem found (one line each)."""


@dataclass(frozen=True)
class Column:
    """A column a format reads: its logical name and the header names the tool uses."""

    name: str
    aliases: tuple[str, ...]
    required: bool = True


@dataclass
class Table:
    """The columns of one export file, under their logical names, every value text (or
    missing); ``columns`` maps each logical name found to the file's own header name."""

    path: Path
    frame: pd.DataFrame
    columns: dict[str, str]
    first_row: int
    """The row number of the frame's first row (2 in a CSV file, 1 in Parquet)."""

    @property
    def source(self) -> str:
        return str(self.path)

    def has(self, name: str) -> bool:
        return name in self.columns

    def rows(self, index: NDArray[np.int64] | pd.Index) -> NDArray[np.int64]:
        """Row numbers of positions in the frame."""
        return np.asarray(index, dtype=np.int64) + self.first_row

    def problems(self, name: str, positions: NDArray[np.int64], message: str) -> list[Problem]:
        """One problem per listed row (at most ``MAX_LISTED``) of column ``name`` at frame
        ``positions``, and a line for the rest."""
        column = self.columns.get(name, name)
        values = self.frame[name].to_numpy(dtype=object) if name in self.frame else None
        listed = positions[:MAX_LISTED]
        out = [
            Problem(
                f"row {row}, column {column}", "" if values is None else _cell(values[p]), message
            )
            for p, row in zip(listed, self.rows(listed), strict=True)
        ]
        if len(positions) > MAX_LISTED:
            out.append(Problem("", None, f"... and {len(positions) - MAX_LISTED} more rows "
                                         f"of column {column} like these"))  # fmt: skip
        return out

    def fail(self, name: str, positions: NDArray[np.int64], message: str) -> DataError:
        return DataError(self.source, self.problems(name, positions, message))


def _cell(value: object) -> object:
    """A cell as an error shows it: an empty cell as ``''``."""
    return "" if value is None or (isinstance(value, float) and np.isnan(value)) else value


def header(path: Path) -> list[str]:
    """The column names of an export file (read without reading its rows)."""
    source = str(path)
    if not path.is_file():
        raise DataError(source, [Problem("", None, "no such file")])
    try:
        if path.suffix.lower() in PARQUET:
            return list(pq.read_schema(path).names)
        with pa.input_stream(source, compression="detect") as stream:
            reader = pcsv.open_csv(stream, read_options=pcsv.ReadOptions(block_size=1 << 16))
            return list(reader.schema.names)
    except (pa.ArrowInvalid, OSError, UnicodeDecodeError) as exc:
        raise DataError(source, [Problem("", None, f"not a readable CSV or Parquet file: "
                                                   f"{_first_line(exc)}")]) from None  # fmt: skip


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def match_columns(found: Sequence[str], wanted: Sequence[Column]) -> dict[str, str]:
    """Logical name -> the file's header name, for each wanted column the header has."""
    lower = {h.strip().lower(): h for h in reversed(found)}
    out = {}
    for col in wanted:
        for alias in col.aliases:
            if alias in found:
                out[col.name] = alias
                break
            if alias.lower() in lower:
                out[col.name] = lower[alias.lower()]
                break
    return out


def missing_columns(path: Path, found: Sequence[str], wanted: Sequence[Column]) -> DataError:
    names = ", ".join(" or ".join(c.aliases[:2]) for c in wanted)
    return DataError(str(path), [Problem("", None, (
        f"missing columns {names}; the columns found are: {', '.join(found) or '(none)'}"
    ))])  # fmt: skip


def read_table(path: Path, wanted: Sequence[Column]) -> Table:
    """Read the ``wanted`` columns of ``path`` (every value as text); a required column the
    file lacks is an error listing the columns it has."""
    found = header(path)
    columns = match_columns(found, wanted)
    absent = [c for c in wanted if c.required and c.name not in columns]
    if absent:
        raise missing_columns(path, found, absent)
    names = list(columns.values())
    source = str(path)
    try:
        if path.suffix.lower() in PARQUET:
            table = pq.read_table(path, columns=names)
            table = pa.table({n: pc.dictionary_encode(_as_text(table.column(n))) for n in names})
            first = 1
        else:
            convert = pcsv.ConvertOptions(
                include_columns=names, column_types=dict.fromkeys(names, TEXT),
                strings_can_be_null=True, null_values=NULL_VALUES,
            )  # fmt: skip
            with pa.input_stream(source, compression="detect") as stream:
                table = pcsv.read_csv(stream, convert_options=convert)
            first = 2
    except (pa.ArrowInvalid, OSError, UnicodeDecodeError) as exc:
        raise DataError(source, [Problem("", None, f"cannot read: {_first_line(exc)}")]) from None
    frame = pd.DataFrame({
        logical: table.column(actual).to_pandas() for logical, actual in columns.items()
    })  # fmt: skip
    return Table(path, frame, columns, first)


def _as_text(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """A Parquet column as text: timestamps in ISO 8601 (UTC when zoned), numbers as digits,
    the ``NULL_VALUES`` missing."""
    if pa.types.is_timestamp(column.type):
        zoned = column.type.tz is not None
        fmt = "%Y-%m-%dT%H:%M:%S%z" if zoned else "%Y-%m-%dT%H:%M:%S"
        return pc.strftime(column, format=fmt)
    if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
        return column.cast(pa.string())
    # text cells a CSV file would have read as missing ("", "NULL", "N/A") are missing here too
    blank = pc.is_in(column, value_set=pa.array(NULL_VALUES, type=column.type))
    return pc.if_else(blank, pa.scalar(None, type=column.type), column)


def categorical(column: pd.Series) -> pd.Categorical:
    """A column as a ``pandas.Categorical`` (the column itself when it is one)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return pd.Categorical(column)
    return pd.Categorical(column.to_numpy(dtype=object))


def distinct(column: pd.Series) -> tuple[pd.Series, NDArray[np.int64]]:
    """A text column's distinct values (a Series of text, indexed from 0) and each row's
    position among them (-1 where the cell is empty): work done once per distinct value,
    then taken row by row."""
    cat = categorical(column)
    values = pd.Series(np.asarray(cat.categories, dtype=object), dtype=object)
    return values, np.asarray(cat.codes, dtype=np.int64)


def per_row(values: NDArray[Any], codes: NDArray[np.int64], fill: Any) -> NDArray[Any]:
    """``values`` (one per distinct value) taken row by row; ``fill`` where ``codes`` is -1."""
    out = np.asarray(values)[np.maximum(codes, 0)] if len(values) else np.full(len(codes), fill)
    out = np.array(out, copy=True)
    out[codes < 0] = fill
    return out


def present(table: Table, name: str) -> NDArray[np.bool_]:
    """Rows where a column has a value (all False when the file lacks the column)."""
    if name not in table.frame:
        return np.zeros(len(table.frame), dtype=bool)
    return np.asarray(table.frame[name].notna().to_numpy(), dtype=bool)


__all__ = [
    "MAX_LISTED",
    "Column",
    "DataError",
    "Table",
    "categorical",
    "distinct",
    "header",
    "match_columns",
    "per_row",
    "present",
    "read_table",
]
