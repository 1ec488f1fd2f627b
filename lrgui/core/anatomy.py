"""One update taken apart: the terms of an optimizer's rule with their numbers, the cost and its
gradient at θ, one point's share of them, and the update drawn on a two-coordinate slice.

``Anatomy`` describes the update that follows a recorded epoch of a run: ``TrainingRun.anatomy``
restores the optimizer's exact state at that epoch and asks it (``Optimizer.anatomy``) what its
next update is. Every vector is in training units (over the model columns the optimizer sees, so
standardised when standardisation is on) and has the length k of θ.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .kernels import SignedDesign
from .numerics import norm, sigmoid

# Quasi-Newton directions are rebuilt from the solve's iterates; beyond this much arithmetic
# (rows × weights × iterates) a request would hold up training, and the direction is not shown.
REPLAY_BUDGET = 5e8
BFGS_WEIGHTS_MAX = 2000         # BFGS keeps a k × k matrix per iterate
LBFGS_PAIRS = 10                # scipy's default memory (maxcor)
# Arrows are magnified to be seen, but not beyond this: near an optimum they would only show
# the rounding noise of a vanishing gradient.
MAGNIFY_MAX = 1000.0


@dataclass(frozen=True)
class Term:
    """One quantity of an update rule: ``symbol`` as the rule writes it, ``value`` a number, a
    (k,) vector or a (k, k) matrix."""

    symbol: str
    meaning: str
    value: Any


@dataclass(frozen=True)
class UpdateRule:
    """What an optimizer's next update computes.

    ``rule`` are its formulas (Unicode), ``terms`` the numbers plugged into them, ``note`` what the
    numbers do not show (mini-batches, the L1 step); ``rate`` the learning rate η of the update
    (NaN for methods without one). The remaining fields are what the landscape draws, each (k,) or
    None: ``momentum`` the part of the step the velocity carries in (μv); ``step_sizes`` the
    per-coordinate step sizes ηᵢ and ``scaled`` the vector they multiply (the step is −ηᵢ·scaledᵢ);
    ``direction`` the search direction d of a line-search method and ``step_length`` the α of the
    step α·d; ``hessian`` (k, k) Newton's curvature (its quadratic model is drawn).
    """

    rule: tuple[str, ...]
    terms: tuple[Term, ...] = ()
    note: str = ""
    rate: float = float("nan")
    momentum: np.ndarray | None = None
    step_sizes: np.ndarray | None = None
    scaled: np.ndarray | None = None
    direction: np.ndarray | None = None
    step_length: float = float("nan")
    hessian: np.ndarray | None = None


@dataclass(frozen=True)
class PointTerms:
    """One training point's share of the cost at θ: ``x`` (d,) its inputs and ``y`` its label;
    ``phi`` (k,) its model columns with the leading 1; z = θᵀφ, p = σ(z); ``loss`` ℓ(z, y) its term
    of n·J (unweighted, no penalty); ``slope`` ∂ℓ/∂z; ``gradient`` (k,) = slope·φ its term of n·∇J."""

    x: np.ndarray
    y: float
    phi: np.ndarray
    z: float
    p: float
    loss: float
    slope: float
    gradient: np.ndarray


@dataclass(frozen=True)
class Anatomy:
    """The update that follows epoch ``epoch`` of a run.

    ``theta`` (k,) is θ then and ``next_theta`` θ one epoch later as the run trains it (None when
    the optimizer has no further iterate); ``loss`` and ``gradient`` are J(θ) and ∇J(θ) on the
    rows the next epoch trains on (n of them); ``recorded_loss`` is J as the history recorded it
    at ``epoch`` (it differs when the data were edited since). ``current`` says whether the epoch
    trains on the run's present data and model (else its units are those of earlier data).
    ``theta_original`` is θ over the original columns named ``names`` (after the bias).
    """

    epoch: int
    optimizer: str
    theta: np.ndarray
    theta_original: np.ndarray
    names: tuple[str, ...]
    standardized: bool
    loss: float
    gradient: np.ndarray
    n: int
    next_theta: np.ndarray | None
    update: UpdateRule
    loss_name: str
    penalty: str
    lam: float
    current: bool
    point: PointTerms | None = None
    recorded_loss: float = float("nan")

    @property
    def step(self) -> np.ndarray | None:
        """θ_{t+1} − θ_t, or None."""
        return None if self.next_theta is None else self.next_theta - self.theta

    @property
    def gradient_norm(self) -> float:
        return norm(self.gradient)


def point_terms(features, loss_kind, theta: np.ndarray, x: np.ndarray, y: float) -> PointTerms:
    """A point's terms at θ (training units) for the fitted ``features`` (a FeatureChain) and a
    loss of the registry. The loss term is the registry's own sum over a one-row design."""
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    columns = features.transform(x[None, :])
    phi = np.concatenate([[1.0], columns[0]])
    with np.errstate(over="ignore", invalid="ignore"):
        z = float(phi @ theta)
        loss, _, _ = loss_kind.sums(theta, SignedDesign(columns, np.array([float(y)])))
        slope = float(loss_kind.slope(np.array([z]), np.array([float(y)]))[0])
    return PointTerms(x, float(y), phi, z, float(sigmoid(np.array([z]))[0]), float(loss), slope, slope * phi)


# -- search directions of the scipy methods, rebuilt from their iterates ---------------------------
def _affordable(objective, iterates: int) -> bool:
    return objective.n * objective.k * max(iterates, 1) <= REPLAY_BUDGET


def cg_direction(objective, path: tuple) -> tuple[np.ndarray | None, float]:
    """The Polak–Ribière (PR+) direction scipy's CG takes from ``path[-1]``, the solve having
    started at ``path[0]``: d₀ = −g₀, dₖ = −gₖ + βₖ dₖ₋₁ with βₖ = max(0, gₖ·(gₖ − gₖ₋₁)/‖gₖ₋₁‖²);
    returns (d, its β; 0 for the first), or (None, NaN) when that would cost too much."""
    if not _affordable(objective, len(path)):
        return None, float("nan")
    g_prev = objective.gradient(path[0])
    d, beta = -g_prev, 0.0
    for theta in path[1:]:
        g = objective.gradient(theta)
        beta = max(0.0, float(np.dot(g - g_prev, g) / np.dot(g_prev, g_prev)))
        d = -g + beta * d
        g_prev = g
    return d, beta


def _pairs(objective, path: tuple) -> tuple[list, list, np.ndarray]:
    """(steps s, gradient changes y, the last gradient) along ``path``."""
    gradients = [objective.gradient(t) for t in path]
    s = [b - a for a, b in zip(path, path[1:])]
    y = [b - a for a, b in zip(gradients, gradients[1:])]
    return s, y, gradients[-1]


def bfgs_direction(objective, path: tuple) -> np.ndarray | None:
    """d = −H̃ g of scipy's BFGS: H̃ starts as I and takes every pair (s, y) of the solve."""
    k = objective.k
    if k > BFGS_WEIGHTS_MAX or not _affordable(objective, len(path)):
        return None
    s_list, y_list, g = _pairs(objective, path)
    H = np.eye(k)
    eye = np.eye(k)
    for s, y in zip(s_list, y_list):
        sy = float(np.dot(y, s))
        rho = 1000.0 if sy == 0.0 else 1.0 / sy
        A1 = eye - rho * np.outer(s, y)
        H = A1 @ H @ A1.T + rho * np.outer(s, s)
    return -H @ g


def lbfgs_direction(objective, path: tuple, memory: int = LBFGS_PAIRS) -> np.ndarray | None:
    """d = −H̃ g of L-BFGS by the two-loop recursion over the last ``memory`` pairs, H̃₀ = γI with
    γ = sᵀy / yᵀy of the newest pair (pairs with sᵀy ≤ ε yᵀy are skipped, as L-BFGS-B does)."""
    if not _affordable(objective, min(len(path), memory + 1)):
        return None
    s_list, y_list, g = _pairs(objective, path[-(memory + 1):])
    eps = np.finfo(float).eps
    pairs = [(s, y) for s, y in zip(s_list, y_list) if np.dot(s, y) > eps * np.dot(y, y)]
    q = g.copy()
    alphas = []
    for s, y in reversed(pairs):
        a = np.dot(s, q) / np.dot(y, s)
        alphas.append(a)
        q -= a * y
    if pairs:
        s, y = pairs[-1]
        q *= np.dot(s, y) / np.dot(y, y)
    for (s, y), a in zip(pairs, reversed(alphas)):
        q += (a - np.dot(y, q) / np.dot(y, s)) * s
    return -q


# -- the update on a slice of θ ------------------------------------------------------------------
@dataclass(frozen=True)
class SliceInternals:
    """An update seen in the two coordinates ``axes`` of θ (training units), each vector (2,),
    drawn from ``origin`` (θ there) magnified by ``scale`` — one factor for all, so their lengths
    compare.

    ``gradient`` is the gradient's part of the update, −η∇J for a method with a learning rate and
    −∇J otherwise (``gradient_label`` says which); ``step`` the step actually taken; ``momentum``
    the part the velocity carries in (μv); ``ellipse_axes`` the semi-axes of the per-coordinate
    step sizes' ellipse (the step lies on it); ``direction`` the search direction (the step is
    α·d); ``model`` the values of Newton's quadratic model on the grid, as ``quadratic_model``
    gives them.
    """

    origin: np.ndarray
    gradient: np.ndarray
    gradient_label: str
    scale: float
    step: np.ndarray | None = None
    momentum: np.ndarray | None = None
    ellipse_axes: np.ndarray | None = None
    direction: np.ndarray | None = None
    model: np.ndarray | None = None


def nice_scale(length: float, target: float) -> float:
    """A factor of the 1–2–5 series that brings ``length`` near ``target`` (at most it)."""
    if not (length > 0 and np.isfinite(length) and target > 0):
        return 1.0
    raw = target / length
    exponent = np.floor(np.log10(raw))
    for mantissa in (5.0, 2.0, 1.0):
        if mantissa * 10**exponent <= raw:
            return float(mantissa * 10**exponent)
    return float(10**exponent)


def quadratic_model(anatomy: Anatomy, axes: tuple[int, int], u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Newton's model m(θ′) = J + ∇Jᵀδ + ½ δᵀHδ, δ = θ′ − θ moving only ``axes``, on the grid of a
    Landscape: ``values[j, i]`` at θ′[axes[0]] = ``u[i]``, θ′[axes[1]] = ``v[j]``; (len(v), len(u))."""
    H = anatomy.update.hessian
    a, b = axes
    du = np.asarray(u) - anatomy.theta[a]
    dv = np.asarray(v) - anatomy.theta[b]
    DU, DV = np.meshgrid(du, dv)
    g = anatomy.gradient
    return (anatomy.loss + g[a] * DU + g[b] * DV
            + 0.5 * (H[a, a] * DU**2 + 2 * H[a, b] * DU * DV + H[b, b] * DV**2))


def on_slice(anatomy: Anatomy, axes: tuple[int, int], span: float, u: np.ndarray | None = None,
             v: np.ndarray | None = None, scale: float | None = None) -> SliceInternals:
    """The update's internals in the coordinates ``axes``. ``span`` (training units) is the size of
    the picture: the longest arrow is magnified to at most 30 % of it (by a factor of the 1–2–5
    series), or by ``scale`` (the factor used before) while that keeps it between 15 % and 50 % of
    it, so the arrows do not jump from epoch to epoch. With the grid ``u``, ``v`` Newton's
    quadratic model is evaluated on it."""
    idx = list(axes)
    rule = anatomy.update
    has_rate = np.isfinite(rule.rate)
    down = -(rule.rate if has_rate else 1.0) * anatomy.gradient[idx]
    step = None if anatomy.step is None else anatomy.step[idx]
    momentum = None if rule.momentum is None else rule.momentum[idx]
    direction = None if rule.direction is None else rule.direction[idx]
    ellipse = None
    if rule.step_sizes is not None and rule.scaled is not None:
        # The steps −ηᵢ uᵢ of every u as long as the scaled vector's share: the step lies on it.
        ellipse = rule.step_sizes[idx] * float(np.hypot(*rule.scaled[idx]))
    model = None
    if rule.hessian is not None and u is not None and v is not None:
        model = quadratic_model(anatomy, axes, u, v)
    lengths = [float(np.hypot(*x)) for x in (down, step, momentum, direction) if x is not None]
    longest = max((x for x in lengths if np.isfinite(x)), default=0.0)
    if not (scale is not None and longest > 0 and 0.15 * span <= scale * longest <= 0.5 * span):
        scale = min(nice_scale(longest, 0.3 * span), MAGNIFY_MAX) if longest > 0 else 1.0
    return SliceInternals(anatomy.theta[idx], down, "−η∇J" if has_rate else "−∇J", float(scale), step,
                          momentum, ellipse, direction, model)
