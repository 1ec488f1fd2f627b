"""Class-imbalance tools: seeded random under- and oversampling, and balanced sample weights."""

from __future__ import annotations

import numpy as np
from sklearn.utils.class_weight import compute_sample_weight

RESAMPLING = ("none", "under", "over")
CLASS_WEIGHTS = ("none", "balanced")


def resample_rows(y: np.ndarray, how: str, rng: np.random.Generator) -> np.ndarray:
    """Row indices of a resampled training set, sorted.

    "under" keeps a random subset of the larger class as large as the smaller one (without
    replacement); "over" adds random repeats of the smaller class (with replacement) until it is
    as large as the larger one; "none" keeps every row.
    """
    rows = np.arange(len(y))
    if how == "none":
        return rows
    groups = [rows[y == 0], rows[y == 1]]
    small, large = sorted(groups, key=len)
    if how == "under":
        kept = rng.choice(large, size=len(small), replace=False)
        return np.sort(np.concatenate((small, kept)))
    if how == "over":
        extra = rng.choice(small, size=len(large) - len(small), replace=True)
        return np.sort(np.concatenate((rows, extra)))
    raise ValueError(f"unknown resampling {how!r}")


def balanced_weights(y: np.ndarray) -> np.ndarray:
    """sᵢ = n / (2 n_class(i)), as scikit-learn's class_weight="balanced"; shape (n,)."""
    return compute_sample_weight("balanced", y)
