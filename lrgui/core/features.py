"""Feature maps: polynomial expansion of two inputs and standardisation, chainable.

Each map is fitted on training data (``fit``), then applied to any data (``transform``), and names
its output columns. θ is always over a chain's output columns plus a leading bias. Affine maps
(standardisation) can convert θ back to the units of their input, so a chain reports θ in the
"original" units: those of the columns entering its trailing affine maps (the raw inputs, or the
polynomial terms when polynomial features come first).
"""

from __future__ import annotations

import numpy as np

from .errors import ConfigError


class Polynomial:
    """Every product x₁ⁱ x₂ʲ with 1 ≤ i + j ≤ degree, ordered by total degree, then by falling
    power of x₁ (degree 2: x₁, x₂, x₁², x₁x₂, x₂²). Degree 6 gives 27 columns. Degree 1 passes
    any number of inputs through unchanged."""

    affine = False

    def __init__(self, degree: int):
        if not 1 <= int(degree) <= 6:
            raise ConfigError(f"polynomial degree must be between 1 and 6, not {degree}")
        self.degree = int(degree)

    def _powers(self) -> list[tuple[int, int]]:
        return [(t - j, j) for t in range(1, self.degree + 1) for j in range(t + 1)]

    def fit(self, X: np.ndarray) -> "Polynomial":
        if self.degree > 1 and X.shape[1] != 2:
            raise ConfigError(f"polynomial features need exactly two inputs, the data have {X.shape[1]}")
        return self

    def transform(self, X: np.ndarray) -> np.ndarray:
        """(n, 2) → (n, k) with k = degree (degree + 3) / 2; degree 1 returns X itself."""
        if self.degree == 1:
            return X
        x1, x2 = X[:, 0], X[:, 1]
        with np.errstate(over="ignore", under="ignore", invalid="ignore"):
            return np.column_stack([x1**i * x2**j for i, j in self._powers()])

    def names(self, inputs: tuple[str, ...]) -> tuple[str, ...]:
        if self.degree == 1:
            return inputs

        def term(name: str, power: int) -> list[str]:
            return [] if power == 0 else [name if power == 1 else f"{name}^{power}"]

        return tuple("·".join(term(inputs[0], i) + term(inputs[1], j)) for i, j in self._powers())


class Standardizer:
    """z-scores every column with the training mean μ and standard deviation σ.

    Both are computed on the column divided by its largest magnitude first, so values as large
    as 1e308 or as small as 1e-300 are scaled right (squaring them would overflow to ∞ or
    underflow to 0). A constant column is only divided by its magnitude (or kept, if it is all
    zeros). ``mean`` and ``scale`` are μ and σ in the input units, (k,) each.
    """

    affine = True

    def __init__(self):
        self.mean: np.ndarray | None = None
        self.scale: np.ndarray | None = None
        self._unit: np.ndarray | None = None         # the largest |x| of each column (or 1)
        self._centre: np.ndarray | None = None       # μ / unit
        self._spread: np.ndarray | None = None       # σ / unit

    def fit(self, X: np.ndarray) -> "Standardizer":
        X = np.ascontiguousarray(X)          # sums over rows in one order, whatever X's layout
        k = X.shape[1]
        unit = np.max(np.abs(X), axis=0) if len(X) else np.ones(k)
        unit = np.where(unit > 0, unit, 1.0)
        scaled = X / unit
        centre = scaled.mean(axis=0) if len(X) else np.zeros(k)
        spread = scaled.std(axis=0) if len(X) else np.ones(k)
        self._unit, self._centre = unit, centre
        self._spread = np.where(spread > 0, spread, 1.0)
        self.mean, self.scale = unit * centre, unit * self._spread
        return self

    def transform(self, X: np.ndarray) -> np.ndarray:
        return (X / self._unit - self._centre) / self._spread

    def names(self, inputs: tuple[str, ...]) -> tuple[str, ...]:
        return inputs

    def theta_to_input_units(self, theta: np.ndarray) -> np.ndarray:
        """θ_s = (b_s, w_s) over standardised columns → (b, w) over the input columns:
        w = w_s / σ, b = b_s − Σ w_s μ / σ. ``theta`` is (k,) or (m, k) (one θ per row).
        Weights too large for floating point come out infinite (the caller refuses them)."""
        with np.errstate(over="ignore"):
            w = theta[..., 1:] / self._spread / self._unit
            b = theta[..., :1] - np.asarray(np.dot(theta[..., 1:], self._centre / self._spread))[..., None]
        return np.concatenate((b, w), axis=-1)

    def theta_from_input_units(self, theta: np.ndarray) -> np.ndarray:
        """Inverse of ``theta_to_input_units``: w_s = w σ, b_s = b + Σ w μ."""
        with np.errstate(over="ignore"):
            w_unit = theta[..., 1:] * self._unit
            b = theta[..., :1] + np.asarray(np.dot(w_unit, self._centre))[..., None]
            return np.concatenate((b, w_unit * self._spread), axis=-1)


class FeatureChain:
    """Maps applied in order. ``build(degree, standardize)`` gives the chain the model uses:
    polynomial terms first, then standardisation of those terms."""

    def __init__(self, maps: list):
        self.maps = list(maps)

    @classmethod
    def build(cls, degree: int = 1, standardize: bool = False) -> "FeatureChain":
        maps: list = [Polynomial(degree)] if degree > 1 else []
        if standardize:
            maps.append(Standardizer())
        return cls(maps)

    @property
    def standardized(self) -> bool:
        return any(isinstance(m, Standardizer) for m in self.maps)

    def fit(self, X: np.ndarray) -> "FeatureChain":
        for m in self.maps:
            X = m.fit(X).transform(X)
        return self

    def transform(self, X: np.ndarray) -> np.ndarray:
        """(n, d) inputs → (n, k) model columns (the bias column is not included)."""
        for m in self.maps:
            X = m.transform(X)
        return X

    def original(self, X: np.ndarray) -> np.ndarray:
        """(n, d) inputs → the columns θ is reported over (before the trailing affine maps)."""
        for m in self._leading():
            X = m.transform(X)
        return X

    def decision(self, theta: np.ndarray, X: np.ndarray) -> np.ndarray:
        """z = θᵀ(1, features(x)) for raw inputs X (n, d) and θ over the model columns; (n,)."""
        F = self.transform(np.asarray(X, dtype=np.float64))
        with np.errstate(over="ignore", invalid="ignore"):      # ±∞ for points far beyond the boundary
            return theta[0] + F @ theta[1:]

    def names(self, inputs: tuple[str, ...]) -> tuple[str, ...]:
        """Names of the columns θ is reported over (the original units)."""
        for m in self._leading():
            inputs = m.names(inputs)
        return inputs

    def _leading(self) -> list:
        """The maps before the trailing run of affine ones."""
        k = len(self.maps)
        while k and self.maps[k - 1].affine:
            k -= 1
        return self.maps[:k]

    def to_original(self, theta: np.ndarray) -> np.ndarray:
        """θ over the model columns → θ over the original columns (same length); ``theta`` is
        (k,) or (m, k)."""
        for m in reversed(self.maps[len(self._leading()):]):
            theta = m.theta_to_input_units(theta)
        return np.asarray(theta, dtype=np.float64)

    def from_original(self, theta: np.ndarray) -> np.ndarray:
        theta = np.asarray(theta, dtype=np.float64)
        for m in self.maps[len(self._leading()):]:
            theta = m.theta_from_input_units(theta)
        return theta


class BlockFeatures:
    """The feature maps of a model with one θ block per class (softmax): θ is flat, K blocks of
    k numbers; each block converts between units as a two-class θ does."""

    def __init__(self, chain: FeatureChain, classes: int):
        self.chain = chain
        self.classes = classes

    @property
    def standardized(self) -> bool:
        return self.chain.standardized

    def transform(self, X: np.ndarray) -> np.ndarray:
        return self.chain.transform(X)

    def original(self, X: np.ndarray) -> np.ndarray:
        return self.chain.original(X)

    def names(self, inputs: tuple[str, ...]) -> tuple[str, ...]:
        return self.chain.names(inputs)

    def _blocks(self, theta: np.ndarray) -> np.ndarray:
        theta = np.asarray(theta, dtype=np.float64)
        return theta.reshape(*theta.shape[:-1], self.classes, theta.shape[-1] // self.classes)

    def to_original(self, theta: np.ndarray) -> np.ndarray:
        """Flat Θ (K·k,) or (m, K·k) over the model columns → the same over the original ones."""
        blocks = self._blocks(theta)
        return self.chain.to_original(blocks).reshape(np.shape(theta))

    def from_original(self, theta: np.ndarray) -> np.ndarray:
        blocks = self._blocks(theta)
        return self.chain.from_original(blocks).reshape(np.shape(theta))

    def decision(self, theta: np.ndarray, X: np.ndarray) -> np.ndarray:
        """z (n, K): every row's score for every class, for raw inputs X (n, d)."""
        blocks = self._blocks(theta)
        F = self.transform(np.asarray(X, dtype=np.float64))
        with np.errstate(over="ignore", invalid="ignore"):
            return blocks[:, 0] + F @ blocks[:, 1:].T


def model_blocks(classes: int) -> int:
    """How many θ blocks (b, w…) a model of ``classes`` classes has: one for two classes, one per
    class for more."""
    return classes if classes > 2 else 1


def theta_length(inputs: int, degree: int, classes: int = 2) -> int:
    """How many numbers θ has for ``inputs`` raw features at polynomial ``degree`` (bias included),
    with one block per class for more than two ``classes``."""
    return model_blocks(classes) * (1 + (inputs if degree == 1 else degree * (degree + 3) // 2))


def decision_in_original_units(theta_original: np.ndarray, X: np.ndarray, degree: int) -> np.ndarray:
    """z = θᵀ(1, terms(x)) for raw inputs X (m, d) and θ in original units (over the polynomial
    terms of ``degree``, or over the inputs themselves for degree 1); shape (m,). This is all a
    picture of the model needs: no fitted scaling is involved."""
    return class_scores_in_original_units(theta_original, X, degree, 1)[:, 0]


def class_scores_in_original_units(theta_original: np.ndarray, X: np.ndarray, degree: int, classes: int) -> np.ndarray:
    """z (m, K) for θ of K blocks in original units (``decision_in_original_units`` for each
    block): the terms of X are computed once for all classes."""
    X = np.asarray(X, dtype=np.float64)
    F = Polynomial(degree).transform(X) if degree > 1 else X
    B = np.asarray(theta_original, dtype=np.float64).reshape(classes, -1)
    return B[:, 0] + F @ B[:, 1:].T
