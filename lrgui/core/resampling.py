"""Class-imbalance tools: seeded random under- and oversampling, and balanced sample weights."""

from __future__ import annotations

import numpy as np

RESAMPLING = ("none", "under", "over")
CLASS_WEIGHTS = ("none", "balanced")


def resample_rows(y: np.ndarray, how: str, rng: np.random.Generator) -> np.ndarray:
    """Row indices of a resampled training set, sorted.

    "under" keeps a random subset of the larger class as large as the smaller one (without
    replacement); "over" adds random repeats of the smaller class (with replacement) until it is
    as large as the larger one; "none" keeps every row. With more than two classes, every class
    is cut to the smallest, or grown to the largest, class by class.
    """
    rows = np.arange(len(y))
    if how == "none":
        return rows
    if len(y) and y.max() > 1:
        return _resample_classes(y, how, rng)
    groups = [rows[y == 0], rows[y == 1]]
    small, large = sorted(groups, key=len)
    if how == "under":
        kept = rng.choice(large, size=len(small), replace=False)
        return np.sort(np.concatenate((small, kept)))
    if how == "over":
        extra = rng.choice(small, size=len(large) - len(small), replace=True)
        return np.sort(np.concatenate((rows, extra)))
    raise ValueError(f"unknown resampling {how!r}")


def _resample_classes(y: np.ndarray, how: str, rng: np.random.Generator) -> np.ndarray:
    rows = np.arange(len(y))
    groups = [rows[y == c] for c in range(int(y.max()) + 1)]
    sizes = [len(g) for g in groups if len(g)]
    kept = []
    for group in groups:
        if how == "under":
            kept.append(rng.choice(group, size=min(sizes), replace=False) if len(group) > min(sizes) else group)
        elif how == "over":
            extra = max(sizes) - len(group)
            kept.append(np.concatenate((group, rng.choice(group, size=extra, replace=True))) if len(group) and extra
                        else group)
        else:
            raise ValueError(f"unknown resampling {how!r}")
    return np.sort(np.concatenate(kept))


def balanced_weights(y: np.ndarray) -> np.ndarray:
    """sᵢ = n / (K n_class(i)) for K classes, as scikit-learn's class_weight="balanced"; shape (n,)."""
    from sklearn.utils.class_weight import compute_sample_weight

    return compute_sample_weight("balanced", y)
