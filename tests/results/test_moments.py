"""Moments that merge exactly (Chan et al.): a merged pair equals the moments of the union, and
the summary's intervals equal the direct formulas, for any split, including awkward data."""

from __future__ import annotations

import numpy as np
import pytest

from sim.model.streams import register, stream
from sim.results.moments import Moments
from sim.results.summary import mean_ci, ratio_ci


def _columns(n: int, offset: float) -> dict[str, np.ndarray]:
    rng = stream(0, "test:moments", n)
    x = offset + rng.standard_normal(n)
    return {"x": x, "y": 2 * x + rng.standard_normal(n), "z": (rng.random(n) < 0.1).astype(float)}


register("test:moments", "tests: data for the moments tests")


@pytest.mark.parametrize("offset", [0.0, 1e6])
@pytest.mark.parametrize("split", [1, 7, 500, 999])
def test_merging_two_parts_gives_the_moments_of_the_whole(offset: float, split: int) -> None:
    cols = _columns(1000, offset)
    whole = Moments.of(cols)
    merged = Moments.of({k: v[:split] for k, v in cols.items()}) + Moments.of(
        {k: v[split:] for k, v in cols.items()}
    )
    assert merged.n == whole.n
    np.testing.assert_allclose(merged.mean, whole.mean, rtol=1e-13, atol=1e-9)
    np.testing.assert_allclose(merged.comoment, whole.comoment, rtol=1e-9, atol=1e-6)
    assert merged.var("x") == pytest.approx(np.var(cols["x"], ddof=1), rel=1e-9)
    assert merged.cov("x", "y") == pytest.approx(np.cov(cols["x"], cols["y"])[0, 1], rel=1e-9)


def test_a_large_mean_does_not_cancel_the_variance() -> None:
    """One-pass sums of squares lose the variance of values near 1e8 (it cancels); the
    co-moment does not."""
    x = 1e8 + np.array([0.0, 1.0, 2.0, 3.0])
    parts = [Moments.of({"x": x[i : i + 1]}) for i in range(4)]
    total = parts[0] + parts[1] + parts[2] + parts[3]
    assert total.var("x") == pytest.approx(np.var(x - 1e8, ddof=1), rel=1e-12)


def test_empty_parts_merge_to_the_other() -> None:
    m = Moments.of({"x": np.array([1.0, 2.0])})
    assert (Moments.empty(("x",)) + m) is m and (m + Moments.empty(("x",))) is m
    with pytest.raises(ValueError, match="cannot merge"):
        m + Moments.empty(("y",))


def test_intervals_from_moments_match_the_textbook_formulas() -> None:
    cols = _columns(400, 5.0)
    mean, low, high = mean_ci(cols["x"])
    se = np.std(cols["x"], ddof=1) / np.sqrt(400)
    assert mean == pytest.approx(cols["x"].mean()) and (high - low) / 2 == pytest.approx(
        1.9659 * se, rel=1e-3
    )
    num, den = cols["y"], cols["x"]
    ratio, rlow, rhigh = ratio_ci(num, den)
    r = num.sum() / den.sum()
    var = (np.var(num, ddof=1) - 2 * r * np.cov(num, den)[0, 1] + r**2 * np.var(den, ddof=1)) / (
        400 * den.mean() ** 2
    )
    assert ratio == pytest.approx(r) and (rhigh - rlow) / 2 == pytest.approx(
        1.959964 * np.sqrt(var)
    )
