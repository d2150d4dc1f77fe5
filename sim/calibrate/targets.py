"""The targets file: a base scenario, the free parameters, the market card and the targets.

YAML validated like a scenario: unknown keys are rejected and every problem is one line naming
the file, the dotted field path, the bad value and what is allowed (``ScenarioError``). A
target is a statistic of the catalogue (``sim.calibrate.statistics``) with its arguments, the
strategy it was observed under (a library or scenario name, or an inline cadence), the observed
value and its precision: ``n`` (observations; shares only), ``se`` (a standard error) or
``band`` (a 95% interval ``[low, high]``; SE = width / 3.92).

The market card (``market:``) is a shortcut for about ten numbers a sales-ops analyst knows,
each optional, each a number (taken as known to +-10%: SE = 10% of the value) or a mapping
with ``value`` and a precision. ``expand_market`` turns it into targets under the file's
``strategy``.

``load_problem`` (``sim.calibrate.problem``) resolves the file against its scenario.
"""

from __future__ import annotations

import math
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from sim.calibrate.space import DEFAULT_RANGES, Prior
from sim.calibrate.statistics import CATALOGUE, Z95, Args, share_se

RELATIVE_SE = 0.10
"""A market-card number given without a precision is taken as known to this share of itself."""
MIN_SE = {"share": 1e-4, "days": 0.5, "ratio": 1e-3}


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Precision(Model):
    """An observed value and how precisely it is known (at most one of n, se, band)."""

    value: float
    n: int | None = Field(default=None, ge=1)
    """Observations the value was measured on (prospects, touches, dials...); shares only."""
    se: float | None = Field(default=None, gt=0)
    band: tuple[float, float] | None = None
    """A 95% interval around the value."""

    @model_validator(mode="after")
    def _one(self) -> Precision:
        given = [k for k in ("n", "se", "band") if getattr(self, k) is not None]
        if len(given) > 1:
            raise ValueError(f"give one of n, se or band, not {' and '.join(given)}")
        if not math.isfinite(self.value):
            raise ValueError("value must be a finite number")
        if self.band is not None:
            low, high = self.band
            if not low < high:
                raise ValueError(f"band must be [low, high] with low < high, got {list(self.band)}")
            if not low <= self.value <= high:
                raise ValueError(f"value {self.value:g} lies outside its band {list(self.band)}")
        return self

    @property
    def has_precision(self) -> bool:
        return self.n is not None or self.se is not None or self.band is not None

    def log_standard_error(self) -> float:
        """The standard error of ``log(value)`` (a contrast's scale): from a band, its width in
        logs over 3.92 (a band of ratios is multiplicative); from an ``se``, ``se / value``
        (the delta method)."""
        if self.band is not None and self.band[0] > 0:
            return (math.log(self.band[1]) - math.log(self.band[0])) / (2 * Z95)
        return self.standard_error("ratio") / self.value

    def standard_error(self, unit: str) -> float:
        """The observed value's standard error (see the module's docstring)."""
        if self.se is not None:
            return self.se
        if self.band is not None:
            return (self.band[1] - self.band[0]) / (2 * Z95)
        if self.n is not None:
            return share_se(self.value * self.n, self.n)
        return max(RELATIVE_SE * abs(self.value), MIN_SE[unit])


StrategyRef = str | dict[str, Any]
"""A strategy by name (the library or the scenario's custom strategies), or an inline cadence
(phases and steps, as under ``custom_strategies``)."""


Contrast = Literal["ratio", "odds_ratio"]


class Versus(Model):
    """The other side of a contrast: the same statistic under another strategy or with other
    arguments (what is not given is as in the target)."""

    strategy: StrategyRef | None = None
    attempt: int | None = Field(default=None, ge=1, le=1000)
    channel: str | None = None
    response: Literal["any", "positive", "negative"] | None = None
    weekday: Literal["mon", "tue", "wed", "thu", "fri"] | None = None
    hour: int | None = Field(default=None, ge=0, le=23)

    def args_over(self, base: Args) -> Args:
        """The target's arguments with this side's own in their place."""
        own = {k: getattr(self, k) for k in ("attempt", "channel", "response", "weekday", "hour")}
        return Args(**{**base.model_dump(), **{k: v for k, v in own.items() if v is not None}})


class TargetSpec(Precision):
    """One target of the ``targets`` list. With ``versus``, the target is a contrast: the
    statistic over its value ``versus`` another strategy or other arguments, as a ratio or an
    odds ratio (published figures are often "N times as likely")."""

    statistic: str
    label: str | None = None
    """Its name in fit.csv (default: the statistic and its arguments)."""
    strategy: StrategyRef | None = None
    """Default: the file's ``strategy``."""
    scenario: str | None = None
    """Observed on another scenario than the file's (a path or a name in ``scenarios/``): the
    same free parameters are set on it and the target's strategies run on it, so one fit keeps
    facts of several lists (default: the file's scenario)."""
    attempt: int | None = Field(default=None, ge=1, le=1000)
    channel: str | None = None
    response: Literal["any", "positive", "negative"] | None = None
    weekday: Literal["mon", "tue", "wed", "thu", "fri"] | None = None
    hour: int | None = Field(default=None, ge=0, le=23)
    versus: Versus | None = None
    contrast: Contrast = "ratio"
    bound: Literal["at_most", "at_least"] | None = None
    """A fact that is an inequality ("later follow-ups add less each": a ratio at most 0.95):
    ``value`` is the bound, and the target has no precision of its own (no n, se or band)."""

    @field_validator("statistic")
    @classmethod
    def _known(cls, v: str) -> str:
        if v not in CATALOGUE:
            raise ValueError(f"unknown statistic; known: {', '.join(CATALOGUE)}")
        return v

    @model_validator(mode="after")
    def _fits(self) -> TargetSpec:
        stat = CATALOGUE[self.statistic]
        problem = stat.check(self.args)
        if problem:
            raise ValueError(problem)
        if self.versus is not None:
            problem = stat.check(self.versus.args_over(self.args))
            if problem:
                raise ValueError(f"versus: {problem}")
            if not self.value > 0:
                raise ValueError(f"a {self.contrast} is positive, got {self.value:g}")
            if self.n is not None:
                raise ValueError("n gives the precision of a share; give se or band for a contrast")
        else:
            check_value(self.statistic, self.value)
        if self.bound is not None:
            if self.has_precision:
                raise ValueError(
                    f"a bound ({self.bound}) is the published fact itself, not a measurement: "
                    "give no n, se or band"
                )
            return self
        if not self.has_precision:
            raise ValueError("needs its precision: give n, se or band (or a bound)")
        if self.n is not None and stat.unit != "share":
            raise ValueError(f"n gives the precision of a share; give se or band for {stat.name}")
        return self

    @property
    def args(self) -> Args:
        return Args(
            attempt=self.attempt, channel=self.channel, response=self.response,
            weekday=self.weekday, hour=self.hour,
        )  # fmt: skip


def check_value(statistic: str, value: float) -> None:
    unit = CATALOGUE[statistic].unit
    if unit == "share" and not 0 <= value <= 1:
        raise ValueError(
            f"{statistic} is a share: the value must be between 0 and 1, got {value:g}"
        )
    if unit == "days" and value < 0:
        raise ValueError(f"{statistic} counts days: the value must be >= 0, got {value:g}")


class FreeSpec(Model):
    """A free parameter's bounds and prior (bounds may be left out for the level-setting
    parameters of ``sim.calibrate.space.DEFAULT_RANGES``)."""

    low: float | None = None
    high: float | None = None
    prior: Prior | None = None


MarketEntry = float | Precision

MARKET: dict[str, tuple[str, dict[str, Any], float, str]] = {
    "first_email_reply_rate": (
        "reply_rate", {"channel": "email", "attempt": 1, "response": "any"}, 1.0,
        "replies (any) to the first email a prospect receives",
    ),
    "positive_reply_rate": (
        "reply_rate", {"channel": "email", "response": "positive"}, 1.0,
        "positive replies per email sent",
    ),
    "connect_rate_per_dial": (
        "connect_rate_per_dial", {}, 1.0, "live conversations per call dialled",
    ),
    "voicemail_callback_rate": (
        "voicemail_response_rate", {"response": "any"}, 1.0,
        "replies (callbacks) per voicemail left",
    ),
    "meetings_per_100_prospects": (
        "meeting_rate", {}, 0.01, "meetings booked per 100 prospects under the cadence",
    ),
    "unsubscribe_rate": (
        "unsubscribe_rate", {"channel": "email"}, 1.0, "opt-outs per email sent",
    ),
    "opt_out_rate": ("opt_out_rate", {}, 1.0, "prospects who opted out, per prospect"),
    "fit_share": ("fit_share", {}, 1.0, "the share of the list that fits (could buy)"),
    "median_days_to_first_response": (
        "median_days_to_first_response", {}, 1.0,
        "median business days to a prospect's first reply or conversation",
    ),
    "inbound_meeting_share": (
        "inbound_meeting_share", {}, 1.0, "the share of meetings that came from inbound calls",
    ),
}  # fmt: skip
"""The market card's fields: (statistic, its arguments, the scale from the card's unit to the
statistic's, what the number is)."""


class Market(Model):
    """The market card: every field optional (``MARKET`` says what each one is)."""

    first_email_reply_rate: MarketEntry | None = None
    positive_reply_rate: MarketEntry | None = None
    connect_rate_per_dial: MarketEntry | None = None
    voicemail_callback_rate: MarketEntry | None = None
    meetings_per_100_prospects: MarketEntry | None = None
    unsubscribe_rate: MarketEntry | None = None
    opt_out_rate: MarketEntry | None = None
    fit_share: MarketEntry | None = None
    median_days_to_first_response: MarketEntry | None = None
    inbound_meeting_share: MarketEntry | None = None

    @field_validator("*")
    @classmethod
    def _possible(cls, entry: MarketEntry | None, info: ValidationInfo) -> MarketEntry | None:
        if entry is None or info.field_name is None:
            return entry
        statistic, _, scale, _ = MARKET[info.field_name]
        value = entry.value if isinstance(entry, Precision) else entry
        try:
            check_value(statistic, value * scale)
        except ValueError:
            unit = (
                "per 100, between 0 and 100" if scale == 0.01
                else "a share, between 0 and 1" if CATALOGUE[statistic].unit == "share"
                else "days, >= 0"
            )  # fmt: skip
            raise ValueError(f"impossible: it is {unit}") from None
        return entry


class FitSettings(Model):
    """How hard to work (the command line's options override these)."""

    prospects: int | None = Field(default=None, ge=256, le=2_000_000)
    """Prospects per strategy in a full evaluation. Default: enough for the simulation's
    standard error to be at most half the observed one for every target (from a pilot run)."""
    budget: int | None = Field(default=None, ge=1, le=1_000_000)
    """Simulations in all (point fit and posterior). Default: ``DEFAULT_BUDGET``."""


class TargetsFile(Model):
    """Everything a targets file may hold."""

    name: str = ""
    """Default: the file's name without its extension."""
    description: str = ""
    scenario: str = "baseline"
    """The base scenario: a path (relative to the targets file, else to the working folder) or
    the name of a file in ``scenarios/``."""
    strategy: StrategyRef | None = None
    """The cadence the numbers were observed under (the default of every target)."""
    set: dict[str, Any] | None = None
    """Scenario fields fixed for this calibration, by dotted path (``rep.new_per_day: 40``):
    how the numbers were observed, where it differs from the base scenario."""
    free: dict[str, FreeSpec] | None = None
    """Free parameters by scenario path; left out: the level-setting parameters of the targets'
    statistics (``Statistic.levers``)."""
    market: Market = Market()
    targets: list[TargetSpec] = Field(default_factory=list)
    fit: FitSettings = FitSettings()
    source: dict[str, Any] = Field(default_factory=dict)
    """Where the numbers came from, for the record (``followup import`` writes the export's
    format, files, the outcome mapping used and the holdout); the fit does not read it."""

    @model_validator(mode="after")
    def _consistent(self) -> TargetsFile:
        if not self.targets and not any(getattr(self.market, m) is not None for m in MARKET):
            raise ValueError("no targets: give a market card, a targets list, or both")
        if self.free is not None and not self.free:
            raise ValueError("free lists no parameters (leave it out for the default set)")
        if self.strategy is None and any(getattr(self.market, m) is not None for m in MARKET):
            raise ValueError("the market card needs a top-level strategy (its cadence)")
        return self


def resolved_bounds(path: str, spec: FreeSpec) -> tuple[float, float, Prior]:
    default = DEFAULT_RANGES.get(path)
    low = spec.low if spec.low is not None else default[0] if default else math.nan
    high = spec.high if spec.high is not None else default[1] if default else math.nan
    prior = spec.prior or (default[2] if default and spec.low is None else "uniform")
    return low, high, prior


__all__ = [
    "MARKET",
    "RELATIVE_SE",
    "FitSettings",
    "FreeSpec",
    "Market",
    "Precision",
    "StrategyRef",
    "TargetSpec",
    "TargetsFile",
    "Versus",
    "check_value",
    "resolved_bounds",
]
