"""Numerically stable pieces of the logistic model, computed from z, never from p.

All functions take float arrays of any shape, return arrays of the same shape, and neither
overflow nor return NaN for any finite input.
"""

from __future__ import annotations

import numpy as np


def _neg_abs_exp(z: np.ndarray) -> np.ndarray:
    """e^(−|z|) ∈ (0, 1]; underflow to 0 for |z| > 745 is the exact double result."""
    with np.errstate(under="ignore"):
        return np.exp(-np.abs(z))


def softplus(z) -> np.ndarray:
    """log(1 + e^z) = max(z, 0) + log1p(e^(−|z|))."""
    z = np.asarray(z, dtype=np.float64)
    return np.maximum(z, 0.0) + np.log1p(_neg_abs_exp(z))


def sigmoid(z) -> np.ndarray:
    """σ(z) = 1 / (1 + e^(−z)), sign-split: 1/(1+e) for z ≥ 0 and e/(1+e) for z < 0,
    with e = e^(−|z|)."""
    z = np.asarray(z, dtype=np.float64)
    e = _neg_abs_exp(z)
    return np.where(z >= 0, 1.0, e) / (1.0 + e)


def sigmoid_minus_label(z, y) -> np.ndarray:
    """σ(z) − y for labels y ∈ {0, 1}, exact to a few ulp even where σ(z) rounds to 0 or 1:
    for y = 1 it is −σ(−z)."""
    z = np.asarray(z, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    sign = 1.0 - 2.0 * y
    return sign * sigmoid(sign * z)


def norm(v) -> float:
    """The Euclidean length of ``v`` (any shape), without overflow or underflow: components as
    large as 1e300 or as small as 1e-300 give the right length (squaring them would give ∞ or
    0). Infinite for a vector with an infinite component, NaN for one with a NaN."""
    v = np.asarray(v, dtype=np.float64).ravel()
    with np.errstate(over="ignore", under="ignore"):
        square = float(np.dot(v, v))
    if 1e-280 < square < 1e280:
        return float(np.sqrt(square))
    largest = float(np.max(np.abs(v))) if v.size else 0.0
    if largest == 0.0 or not np.isfinite(largest):
        return float(largest) if not np.isnan(v).any() else float("nan")
    scaled = v / largest
    return largest * float(np.sqrt(np.dot(scaled, scaled)))


def column_means(X) -> np.ndarray:
    """The mean of each column of X (n, d), shape (d,), without overflow: each column is divided
    by its largest magnitude first (a plain mean of values near 1e308 sums to ∞). Zeros for n = 0."""
    X = np.asarray(X, dtype=np.float64)
    if not len(X):
        return np.zeros(X.shape[1])
    with np.errstate(over="ignore", invalid="ignore"):
        means = X.mean(axis=0)
    if np.all(np.isfinite(means)):        # the sums stayed in range: the plain means are right
        return means
    unit = np.max(np.abs(X), axis=0)
    unit = np.where(unit > 0, unit, 1.0)
    return (X / unit).mean(axis=0) * unit
