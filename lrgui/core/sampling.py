"""The rows a view draws when the data are too many to draw every one: a fixed random sample,
stratified by class, so that the sample holds each class in its share of the data (to a row)
and, row for row, is distributed as the data are. Views say how many of how many they show."""

from __future__ import annotations

import numpy as np


def shown_rows(labels: np.ndarray, limit: int, seed: int = 0) -> np.ndarray:
    """Sorted indices into ``labels`` (m,) of at most ``limit`` rows: all of them when m ≤ limit,
    else for each class c a uniform sample (without repeats) of round(limit · m_c / m) of its
    rows, at least one. The same data give the same rows every time."""
    labels = np.asarray(labels)
    m = len(labels)
    if m <= limit:
        return np.arange(m)
    rng = np.random.default_rng(seed)
    classes, counts = np.unique(labels, return_counts=True)
    wanted = np.maximum(np.round(limit * counts / m).astype(int), 1)
    picked = [rng.choice(np.flatnonzero(labels == c), k, replace=False) for c, k in zip(classes, wanted)]
    return np.sort(np.concatenate(picked))
