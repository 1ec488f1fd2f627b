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


def follow_edit(shown: np.ndarray, kind: str, index: int, keep: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """The rows a view draws after one edit of the data, so that its sample does not change under
    the user's hand: ``shown`` (sorted row indices) renumbered after a row was added at ("add"),
    removed from ("remove") or moved at ("move") ``index``, without the removed row, and with the
    added or moved row when ``keep`` (the point the user just placed is seen).

    Returns (rows, came_from): came_from[i] is the position in ``shown`` of rows[i], or −1 for the
    edited row, so that what a view keeps per row drawn can follow."""
    rows, came_from = np.asarray(shown, dtype=np.intp), np.arange(len(shown))
    if kind == "add":
        rows = np.where(rows >= index, rows + 1, rows)
    else:
        stay = rows != index
        rows, came_from = rows[stay], came_from[stay]
        if kind == "remove":
            rows = np.where(rows > index, rows - 1, rows)
    if kind != "remove" and keep:
        at = np.searchsorted(rows, index)
        rows, came_from = np.insert(rows, at, index), np.insert(came_from, at, -1)
    return rows, came_from
