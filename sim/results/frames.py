"""The tidy tables of a run: the per-prospect outcome table and the touch log, from the
engines' integer-coded columns (``sim.model.outcomes`` names the codes and columns)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from sim.model.channels import Channel
from sim.model.outcomes import PROSPECT_COLUMNS, RESPONSE_LABELS, TOUCH_COLUMNS, Result, Status
from sim.model.population import SEGMENT_NAMES


def _categorical(codes: pd.Series, names: Sequence[str]) -> pd.Categorical:
    """Integer codes to a categorical with every level, in the model's order."""
    levels: pd.Index = pd.Index(list(names), dtype=object)
    return pd.Categorical.from_codes(codes.to_numpy(dtype=np.int64), categories=levels)


def prospects_frame(strategy: str, columns: dict[str, np.ndarray]) -> pd.DataFrame:
    """The outcome table from its columns (``PROSPECT_COLUMNS`` but ``strategy``; codes as ints)."""
    df = pd.DataFrame({c: columns[c] for c in PROSPECT_COLUMNS[1:]})
    df.insert(0, "strategy", strategy)
    df["segment"] = _categorical(df["segment"], SEGMENT_NAMES)
    df["outcome"] = _categorical(df["outcome"], [s.name for s in Status])
    for col in (
        "meeting", "won", "reached", "said_no", "opted_out", "bought_elsewhere", "inbound",
        "discovery", "said_not_now",
    ):  # fmt: skip
        df[col] = df[col].astype(bool)
    for col in ("first_response_day", "first_contact_attempt", "meeting_day", "meeting_attempt"):
        df[col] = df[col].astype(float)
    df["touches"] = df["touches"].astype(np.int32)
    df["prospect"] = df["prospect"].astype(np.int64)
    df["arrival_day"] = df["arrival_day"].astype(np.int32)
    df["rep"] = df["rep"].astype(np.int64)
    df["rep_weeks"] = df["rep_weeks"].astype(float)
    return df


def touches_frame(strategy: str, columns: dict[str, np.ndarray] | pd.DataFrame) -> pd.DataFrame:
    """The touch log from its columns (``TOUCH_COLUMNS`` but ``strategy``; codes as ints)."""
    df = pd.DataFrame({c: columns[c] for c in TOUCH_COLUMNS[1:]})
    df.insert(0, "strategy", strategy)
    df["channel"] = _categorical(df["channel"], [c.name for c in Channel])
    df["result"] = _categorical(df["result"], [r.name for r in Result])
    df["response"] = _categorical(df["response"].astype(int) + 1, RESPONSE_LABELS)
    if "template" in df and len(df):
        df["template"] = df["template"].astype(str)
    for col in ("voicemail_left", "voicemail_heard", "opted_out"):
        df[col] = df[col].astype(bool)
    df["read_day"] = df["read_day"].astype(float)
    df = df.sort_values(["prospect", "attempt"], kind="stable", ignore_index=True)
    return df


def template_names(
    templates: tuple[str, ...], code: NDArray[np.int64], attempt: NDArray[np.int64]
) -> NDArray[np.object_]:
    """Template names of the log: ``code`` indexes ``templates``; a varied template is
    ``-1 - code`` and is named ``name#attempt``. Strings are built once per distinct (code,
    attempt), not per touch."""
    width = int(attempt.max()) + 2 if len(attempt) else 1
    key = np.where(code < 0, code * width - attempt, code)
    uniq, inverse = np.unique(key, return_inverse=True)

    def name(i: int) -> str:
        return templates[i] if 0 <= i < len(templates) else ""

    labels = [
        name(k) if k >= 0 else f"{name((-k) // width - 1)}#{(-k) % width}" for k in uniq.tolist()
    ]
    return np.asarray(labels, dtype=object)[inverse]


def log_frame(
    strategy: str, templates: tuple[str, ...], cols: dict[str, NDArray[Any]]
) -> pd.DataFrame:
    """The touch log of one strategy from the engines' integer-coded columns
    (``sim.model.touchlog.TouchLog``), template codes named."""
    if not cols:
        return touches_frame(strategy, pd.DataFrame(columns=TOUCH_COLUMNS[1:]))
    cols = dict(cols)
    cols["template"] = template_names(templates, cols["template"], cols["attempt"])
    return touches_frame(strategy, cols)


def no_prospects(strategy: str) -> pd.DataFrame:
    """An empty outcome table (a streamed run keeps none)."""
    return prospects_frame(strategy, {c: np.zeros(0) for c in PROSPECT_COLUMNS[1:]})
