"""Touch logs of large runs, kept on disk rather than in memory.

Each strategy's touch log on each chunk is written to its own part file by the process that
simulated it,
and the parts are merged into one parquet file at the end, a row group at a time, so that no
process holds more than one strategy's log and the run's parent holds none: a million
prospects under every strategy is tens of millions of touches.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq


def part_path(folder: Path, index: int, chunk: int = 0) -> Path:
    """The part file of the ``index``-th strategy of a run on its ``chunk``-th chunk."""
    return folder / f"part-{index:04d}-{chunk:05d}.parquet"


def prospect_part_path(folder: Path, index: int, chunk: int = 0) -> Path:
    """The outcome table's part file of the ``index``-th strategy on its ``chunk``-th chunk."""
    return folder / f"prospects-{index:04d}-{chunk:05d}.parquet"


def write_part(frame: pd.DataFrame, path: Path) -> None:
    """One strategy's touch log as a parquet part file."""
    frame.to_parquet(path, engine="pyarrow", index=False)


def merge_parts(parts: Sequence[Path], dest: Path) -> None:
    """Concatenate parquet ``parts`` (same columns) into ``dest``, in order, one row group at a
    time. Columns take the first part's types (a strategy with no touches may have looser
    ones); the pandas metadata of the first part is kept, so ``read_parquet`` gives back the
    categorical columns."""
    if not parts:
        raise ValueError("no parts to merge")
    schema = pq.read_schema(parts[0])
    with pq.ParquetWriter(dest, schema) as writer:
        for part in parts:
            file = pq.ParquetFile(part)
            for group in range(file.num_row_groups):
                table = file.read_row_group(group)
                writer.write_table(table.cast(schema) if table.schema != schema else table)


__all__ = ["merge_parts", "part_path", "prospect_part_path", "write_part"]
