"""The cost over a 2-D slice of parameter space, for the loss-landscape view."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from .numerics import sigmoid, softplus
from .objective import Objective

MAX_POINTS = 4000


@dataclass(frozen=True)
class Landscape:
    """J on a grid: ``values[j, i]`` is J at θ with θ[axes[0]] = ``u[i]`` and θ[axes[1]] = ``v[j]``,
    the other coordinates as in ``theta``. ``sampled`` is the number of rows J was computed on
    (a seeded subsample for large data, so the surface is an estimate there)."""

    axes: tuple[int, int]
    u: np.ndarray
    v: np.ndarray
    values: np.ndarray
    theta: np.ndarray
    sampled: int
    total: int


def _penalty_grid(objective: Objective, theta: np.ndarray, axes: tuple[int, int],
                  u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """The penalty over the grid, (len(v), len(u)). Every penalty is a sum over the weights (the
    bias is not one), so it is the fixed weights' part plus one term per varying weight."""
    scale = objective.lam / objective.penalty_n
    value = objective.penalty.value
    i, j = axes
    fixed = np.delete(theta, [0, *[a for a in axes if a]])
    along = [np.array([value(np.array([t]), scale) for t in values]) if a else np.zeros(len(values))
             for a, values in ((i, u), (j, v))]
    return value(fixed, scale) + along[0][None, :] + along[1][:, None]


def loss_slice(objective: Objective, theta: np.ndarray, axes: tuple[int, int],
               u: np.ndarray, v: np.ndarray, max_points: int = MAX_POINTS,
               cancelled=lambda: False) -> Landscape | None:
    """J(θ) for every (u[i], v[j]) in place of (θ[axes[0]], θ[axes[1]]); shape (len(v), len(u)).

    Uses the signed design directly: the margins are affine in the two coordinates, so each grid
    row costs one (len(u) × n) evaluation. A cost of more than two classes is evaluated point by
    point. Returns None if ``cancelled()`` turns true midway.
    """
    if not isinstance(objective, Objective):
        return _slice_point_by_point(objective, theta, axes, u, v, max_points, cancelled)
    D = objective.design
    rows = np.arange(D.n)
    if D.n > max_points:
        rows = _sample(D.n, max_points)
    B = D.signed_rows(rows).T          # (k, m): one row per coordinate of θ
    w = None if D.weights is None else D.weights[rows]
    theta = np.asarray(theta, dtype=np.float64)
    i, j = axes
    base = theta.copy()
    base[i] = base[j] = 0.0
    m0 = base @ B
    values = np.empty((len(v), len(u)))
    squared = objective.loss_kind.name == "squared"
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        for r, vj in enumerate(v):
            if cancelled():
                return None
            time.sleep(0)      # let other threads (the window) take the interpreter between rows
            m = m0 + vj * B[j] + np.multiply.outer(u, B[i])          # (len(u), n)
            terms = 0.5 * sigmoid(m) ** 2 if squared else softplus(m)
            values[r] = (terms.mean(axis=1) if w is None else terms @ w / len(rows))
    values += _penalty_grid(objective, theta, axes, u, v)
    return Landscape((i, j), np.asarray(u, float), np.asarray(v, float), values, theta, len(rows), D.n)


def _sample(n: int, size: int) -> np.ndarray:
    """``size`` of the rows 0 … n − 1, sorted, the same every time (seeded)."""
    return np.sort(np.random.default_rng(0).choice(n, size, replace=False))


def _slice_point_by_point(objective, theta, axes, u, v, max_points, cancelled) -> Landscape | None:
    """``loss_slice`` for any cost with ``loss`` and ``batch`` (a seeded subsample of its rows
    beyond ``max_points``, the penalty's n kept)."""
    n = objective.n
    part = objective
    if n > max_points:
        part = objective.batch(_sample(n, max_points))
    point = np.array(theta, dtype=np.float64)
    i, j = axes
    values = np.empty((len(v), len(u)))
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        for r, vj in enumerate(v):
            if cancelled():
                return None
            time.sleep(0)
            point[j] = vj
            for c, ui in enumerate(u):
                point[i] = ui
                values[r, c] = part.loss(point)
    return Landscape((i, j), np.asarray(u, float), np.asarray(v, float), values, np.asarray(theta, float),
                     min(n, max_points), n)


def axis_pairs(k: int) -> list[tuple[int, int]]:
    """The slices offered for a k-long θ: (w₁, w₂) first, then pairs with b; pairs among the
    first four coordinates at most."""
    import itertools

    pairs = list(itertools.combinations(range(min(k, 4)), 2))
    pairs.sort(key=lambda p: (0 not in p, p) if p != (1, 2) else (False, (-1, -1)))
    return pairs


def slice_axes(axes: tuple[int, int], k: int) -> tuple[int, int]:
    """``axes`` if they are a slice of a k-long θ, else the first slice offered."""
    pairs = axis_pairs(k)
    if tuple(axes) in pairs or (max(axes) < k and axes[0] != axes[1]):
        return tuple(axes)
    return pairs[0] if pairs else (0, 1)
