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
