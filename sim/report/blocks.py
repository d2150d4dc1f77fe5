"""HTML blocks shared by the self-contained reports (run, calibration, search): a table of a
tidy frame and an embedded chart."""

from __future__ import annotations

import base64
import html
import math
from pathlib import Path

import pandas as pd


def number_text(x: float) -> str:
    """A float for a report's table: 4 significant digits, a dash where undefined."""
    return "–" if not math.isfinite(x) else f"{x:.4g}"


def table_block(frame: pd.DataFrame) -> str:
    """``frame`` as an HTML table in a scrolling box, its first column as row headers."""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    body = []
    for row in frame.itertuples(index=False):
        cells = []
        for i, value in enumerate(row):
            text = number_text(value) if isinstance(value, float) else html.escape(str(value))
            cells.append(f'<th scope="row">{text}</th>' if i == 0 else f"<td>{text}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    return (
        f'<div class="wide"><table><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def figure_block(path: Path, caption: str) -> str:
    """The PNG at ``path`` embedded (base64) with ``caption``; its id is the file's stem."""
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    alt = html.escape(caption, quote=True)
    return (
        f'<figure id="{html.escape(path.stem)}"><img src="data:image/png;base64,{data}" '
        f'alt="{alt}"><figcaption>{html.escape(caption)}</figcaption></figure>'
    )


__all__ = ["figure_block", "number_text", "table_block"]
