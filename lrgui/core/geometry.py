"""Plane geometry for drawing the model: a line clipped to a rectangle, a grid over a rectangle."""

from __future__ import annotations

import numpy as np


def line_in_rect(a: float, b: float, c: float, rect: tuple[float, float, float, float]):
    """The part of the line a·x + b·y + c = 0 inside ``rect`` = (x_min, y_min, x_max, y_max).

    Returns ((x0, y0), (x1, y1)) with finite coordinates, or None when the line misses the
    rectangle or is no line at all (a = b = 0). Vertical (b = 0) and horizontal (a = 0) lines
    are handled exactly.
    """
    x_min, y_min, x_max, y_max = rect
    if not np.all(np.isfinite([a, b, c, *rect])):
        return None
    norm = np.hypot(a, b)
    if norm == 0 or not np.isfinite(norm):
        return None
    with np.errstate(over="ignore", invalid="ignore"):     # a line beyond float range: no line
        a, b, c = a / norm, b / norm, c / norm
        # The line's point closest to the rectangle's centre, and its direction.
        cx, cy = x_min / 2 + x_max / 2, y_min / 2 + y_max / 2
        d = a * cx + b * cy + c
        px, py = cx - d * a, cy - d * b
    if not np.isfinite([c, px, py]).all():
        return None
    dx, dy = -b, a
    # Liang–Barsky: keep t with x_min ≤ px + t dx ≤ x_max and likewise for y.
    t0, t1 = -np.inf, np.inf
    with np.errstate(over="ignore", invalid="ignore"):     # near the float limit: checked below
        for p, q_lo, q_hi in ((dx, x_min - px, x_max - px), (dy, y_min - py, y_max - py)):
            if p == 0:
                if q_lo > 0 or q_hi < 0:
                    return None
                continue
            lo, hi = sorted((q_lo / p, q_hi / p))
            t0, t1 = max(t0, lo), min(t1, hi)
        if not t0 < t1:
            return None
        ends = ((px + t0 * dx, py + t0 * dy), (px + t1 * dx, py + t1 * dy))
    return ends if np.isfinite(ends).all() else None


def grid(rect: tuple[float, float, float, float], size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cell centres of a size × size grid over ``rect``: (xs (size,), ys (size,), points (size², 2)),
    points in row-major order (row = y index)."""
    x_min, y_min, x_max, y_max = rect
    xs = x_min + (np.arange(size) + 0.5) * (x_max - x_min) / size
    ys = y_min + (np.arange(size) + 0.5) * (y_max - y_min) / size
    gx, gy = np.meshgrid(xs, ys)
    return xs, ys, np.column_stack([gx.ravel(), gy.ravel()])


def argmax_borders(lines: np.ndarray, rect: tuple[float, float, float, float]) -> np.ndarray:
    """Where the winner of K affine scores changes inside ``rect``: the scores are
    s_k(x, y) = c_k + a_k·x + b_k·y with ``lines`` (K, 3) the rows (c_k, a_k, b_k). The border of
    classes i and j lies on s_i = s_j, where both beat every other class; that is one segment of
    the line (a linear condition per other class cuts an interval from it). Returns (m, 2, 2): m
    segments of two (x, y) ends, finite, each pair of classes at most once."""
    lines = np.asarray(lines, dtype=np.float64)
    out = []
    K = len(lines)
    for i in range(K):
        for j in range(i + 1, K):
            c, a, b = lines[i] - lines[j]
            seg = line_in_rect(a, b, c, rect)
            if seg is None:
                continue
            p0, p1 = np.asarray(seg[0]), np.asarray(seg[1])
            lo, hi = 0.0, 1.0
            for m in range(K):
                if m in (i, j):
                    continue
                # g(t) = s_i − s_m along p0 + t (p1 − p0), linear in t; keep g ≥ 0
                dc, da, db = lines[i] - lines[m]
                g0 = dc + da * p0[0] + db * p0[1]
                g1 = dc + da * p1[0] + db * p1[1]
                if g0 < 0 and g1 < 0:
                    lo, hi = 1.0, 0.0
                    break
                if (g0 < 0) != (g1 < 0):
                    t = g0 / (g0 - g1)
                    lo, hi = (max(lo, t), hi) if g0 < 0 else (lo, min(hi, t))
            if hi > lo:
                out.append([p0 + lo * (p1 - p0), p0 + hi * (p1 - p0)])
    return np.array(out, dtype=np.float64).reshape(-1, 2, 2)
