"""Seeded data generators, registered with their parameters described as data, each with one
sentence on what it teaches (``lesson``).

``generate(name, **params)`` returns a Dataset; the same parameters and seed always give the same
data. The synthetic sets other than ``gaussian``, ``exams`` and ``xor`` and the two real ones come
from scikit-learn (its real data sets are bundled and load offline).

Every synthetic generator takes label noise, ``noise``: exactly round(noise × n) labels flipped,
the rows drawn at random from the seed. Those whose class counts are not parameters take an
imbalance ``ratio``: class 1 keeps at most ratio × (number of class-0 points) of its points, drawn
at random from the seed (1 keeps them all). Both draw from a stream of their own, so the points
they leave are those the same seed gives without them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .dataset import Dataset
from .errors import ConfigError
from .params import Param, resolve
from .registry import Registry


@dataclass(frozen=True)
class Generator:
    name: str
    label: str
    lesson: str                              # one sentence: what these data teach
    params: tuple[Param, ...]
    make: Callable[..., Dataset]
    classes: int = 2                         # at its default settings

    def __call__(self, **given) -> Dataset:
        params = resolve(self.params, given, f"generator {self.name!r}")
        noise, ratio = params.pop("noise", 0.0), params.pop("ratio", 1.0)
        try:
            data = self.make(**params)
        except ConfigError:
            raise
        except ValueError as exc:          # scikit-learn's own checks, in its words
            raise ConfigError(f"generator {self.name!r}: {exc}") from None
        if noise or ratio != 1.0:
            rng = np.random.default_rng([params.get("seed", 0), _LABEL_STREAM])
            data = flip_labels(imbalanced(data, ratio, rng) if ratio < 1.0 else data, noise, rng)
        return data


_LABEL_STREAM = 7919                       # the seed stream of imbalance and label noise


def imbalanced(data: Dataset, ratio: float, rng: np.random.Generator) -> Dataset:
    """``data`` with class 1 cut at random to at most round(ratio × n₀) points, order kept (a
    ratio of 1 keeps every point)."""
    n0, n1 = data.class_counts()
    keep1 = min(n1, round(ratio * n0))
    if ratio >= 1.0 or keep1 == n1:
        return data
    ones = np.flatnonzero(data.y == 1)
    dropped = rng.choice(ones, n1 - keep1, replace=False)
    return data.subset(np.setdiff1d(np.arange(data.n), dropped))


def flip_labels(data: Dataset, noise: float, rng: np.random.Generator) -> Dataset:
    """``data`` with exactly round(noise × n) labels changed, on rows drawn at random: to the
    other class, or (more than two classes) to one of the others drawn at random."""
    flips = round(noise * data.n)
    if flips == 0:
        return data
    y = data.y.copy()
    rows = rng.choice(data.n, flips, replace=False)
    if data.classes == 2:
        y[rows] = 1.0 - y[rows]
    else:                                   # a shift of 1 … K − 1 classes: always another one
        y[rows] = (y[rows] + rng.integers(1, data.classes, flips)) % data.classes
    return Dataset(data.X, y, data.feature_names, data.label_map)


GENERATORS: Registry[Generator] = Registry("data generator")


def _seed() -> Param:
    return Param("seed", 0, "Seed", "Random seed: the same seed gives the same data", "int", 0, 2**31 - 1)


def _count(name: str, default: int, label: str) -> Param:
    return Param(name, default, label, "Number of points", "int", 0, 1_000_000)


def _noise(default: float = 0.0) -> Param:
    return Param("noise", default, "Label noise", "Fraction of the labels flipped (rows drawn from the seed)",
                 "float", 0, 1)


def _ratio() -> Param:
    return Param("ratio", 1.0, "Class 1 : class 0", "Imbalance: class 1 keeps at most this many points per "
                 "class-0 point (1 keeps all)", "float", 0.01, 1)


def _add(name: str, label: str, lesson: str, params: tuple[Param, ...], classes: int = 2):
    def wrap(make):
        GENERATORS.register(name)(Generator(name, label, lesson, params, make, classes))
        return make

    return wrap


def generate(name: str, **params) -> Dataset:
    """The data set of generator ``name`` with ``params`` (defaults for the ones left out)."""
    return GENERATORS.get(name)(**params)


# -- the seed notes' two Gaussian clouds ------------------------------------------------------
_GAUSS = []
for _c, (_mx, _my, _sx, _sy) in enumerate(((2.0, 4.0, 2.0, 2.0), (8.0, 5.0, 3.0, 2.0))):
    _GAUSS += [
        _count(f"n{_c}", 40, f"Class {_c}: count"),
        Param(f"mean{_c}_x1", _mx, f"Class {_c}: mean x₁", "Mean of x₁", "float", -1e6, 1e6),
        Param(f"mean{_c}_x2", _my, f"Class {_c}: mean x₂", "Mean of x₂", "float", -1e6, 1e6),
        Param(f"std{_c}_x1", _sx, f"Class {_c}: spread x₁", "Standard deviation of x₁", "float", 0, 1e6),
        Param(f"std{_c}_x2", _sy, f"Class {_c}: spread x₂", "Standard deviation of x₂", "float", 0, 1e6),
    ]


@_add("gaussian", "Two Gaussian clouds",
      "A line separates these nearly: watch the boundary settle, then drag points across it.",
      tuple(_GAUSS) + (_noise(), _seed()))
def _gaussian(seed, **p) -> Dataset:
    rng = np.random.default_rng(seed)
    parts = [
        rng.normal((p[f"mean{c}_x1"], p[f"mean{c}_x2"]), (p[f"std{c}_x1"], p[f"std{c}_x2"]), (p[f"n{c}"], 2))
        for c in (0, 1)
    ]
    y = np.repeat([0.0, 1.0], [p["n0"], p["n1"]])
    return Dataset(np.vstack(parts), y)


@_add(
    "classification",
    "scikit-learn make_classification",
    "More features than the plane shows: choose which two it draws and read the rest in the coefficients.",
    (
        _count("n_samples", 200, "Count"),
        Param("n_features", 2, "Features", "Number of features", "int", 2, 100),
        Param("n_informative", 2, "Informative", "Number of informative features", "int", 1, 100),
        Param("class_sep", 1.0, "Class separation", "Larger values separate the classes more", "float", 0, 100),
        _noise(0.01),
        _ratio(),
        _seed(),
    ),
)
def _classification(n_samples, n_features, n_informative, class_sep, seed) -> Dataset:
    if n_informative > n_features:
        raise ConfigError(f"n_informative ({n_informative}) cannot exceed n_features ({n_features})")
    from sklearn.datasets import make_classification

    X, y = make_classification(
        n_samples=n_samples, n_features=n_features, n_informative=n_informative,
        n_redundant=0, n_repeated=0, n_clusters_per_class=1, class_sep=class_sep,
        flip_y=0.0, random_state=seed,
    )
    return Dataset(X, y)


@_add(
    "moons",
    "Two interleaving moons",
    "Curved classes: a line gets most points right; polynomial features of degree 3 bend the boundary round.",
    (_count("n_samples", 200, "Count"),
     Param("spread", 0.2, "Spread", "Standard deviation of the noise added to the points", "float", 0, 10),
     _noise(), _ratio(), _seed()),
)
def _moons(n_samples, spread, seed) -> Dataset:
    from sklearn.datasets import make_moons

    X, y = make_moons(n_samples=n_samples, noise=spread, random_state=seed)
    return Dataset(X, y)


@_add(
    "circles",
    "Two concentric circles",
    "No straight line separates these; try polynomial features of degree 2.",
    (_count("n_samples", 200, "Count"),
     Param("spread", 0.1, "Spread", "Standard deviation of the noise added to the points", "float", 0, 10),
     Param("factor", 0.5, "Inner radius", "Radius of the inner circle relative to the outer", "float", 0.01, 0.99),
     _noise(), _ratio(), _seed()),
)
def _circles(n_samples, spread, factor, seed) -> Dataset:
    from sklearn.datasets import make_circles

    X, y = make_circles(n_samples=n_samples, noise=spread, factor=factor, random_state=seed)
    return Dataset(X, y)


@_add(
    "exams",
    "Exam scores (admitted or not)",
    "Unscaled features make gradient descent crawl; compare with standardisation.",
    (_count("n_samples", 100, "Count"),
     Param("spread", 8.0, "Spread", "Spread of the admission score around its line, in points", "float", 0, 100),
     _noise(), _ratio(), _seed()),
)
def _exams(n_samples, spread, seed) -> Dataset:
    """Two exam scores between 30 and 100; admitted (1) when their sum, blurred by ``spread``,
    passes 130: classes a line separates nearly, on features that want standardising."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(30.0, 100.0, (n_samples, 2))
    admitted = X.sum(axis=1) + rng.normal(0.0, spread, n_samples) > 130.0
    return Dataset(X, admitted.astype(float), ("exam1", "exam2"))


@_add(
    "xor",
    "XOR: four clouds, opposite corners alike",
    "Opposite corners alike: no line separates them, but the product x₁x₂ (degree 2) does.",
    (_count("n_samples", 200, "Count"),
     Param("spread", 0.4, "Spread", "Standard deviation of each cloud", "float", 0, 10),
     _noise(), _ratio(), _seed()),
)
def _xor(n_samples, spread, seed) -> Dataset:
    rng = np.random.default_rng(seed)
    corners = rng.integers(0, 4, n_samples)
    centres = np.array([[-1.0, -1.0], [1.0, 1.0], [-1.0, 1.0], [1.0, -1.0]])
    X = centres[corners] + rng.normal(0.0, spread, (n_samples, 2))
    return Dataset(X, (corners >= 2).astype(float))


_IRIS_FEATURES = ("sepal length", "sepal width", "petal length", "petal width")
_IRIS_PAIRS = ("setosa/versicolor", "versicolor/virginica", "setosa/virginica", "all three")


@_add(
    "iris",
    "Iris flowers: two species (or all three), two measurements",
    "Real measurements: setosa stands apart from the others, versicolor and virginica overlap.",
    (
        Param("feature_x", "sepal length", "x₁", "Measurement on the first axis", "choice", choices=_IRIS_FEATURES),
        Param("feature_y", "sepal width", "x₂", "Measurement on the second axis", "choice", choices=_IRIS_FEATURES),
        Param("classes", "setosa/versicolor", "Species", "The two species kept, or all three", "choice",
              choices=_IRIS_PAIRS),
    ),
)
def _iris(feature_x, feature_y, classes) -> Dataset:
    from sklearn.datasets import load_iris

    iris = load_iris()
    names = list(iris.target_names)
    cols = [_IRIS_FEATURES.index(feature_x), _IRIS_FEATURES.index(feature_y)]
    axes = (f"{feature_x} (cm)", f"{feature_y} (cm)")
    if classes == "all three":
        return Dataset(iris.data[:, cols], iris.target, axes, {str(n): c for c, n in enumerate(names)})
    first, second = (names.index(s) for s in classes.split("/"))
    keep = np.isin(iris.target, (first, second))
    y = (iris.target[keep] == second).astype(float)
    label_map = {str(names[first]): 0, str(names[second]): 1}
    return Dataset(iris.data[keep][:, cols], y, axes, label_map)


@_add(
    "blobs",
    "Gaussian clouds around k centres (k classes)",
    "More than two classes: one model per class (one-vs-rest) or one softmax model carve the plane.",
    (_count("n_samples", 300, "Count"),
     Param("centers", 3, "Classes", "Number of classes, one Gaussian cloud each", "int", 2, 10),
     Param("spread", 1.5, "Spread", "Standard deviation of each cloud", "float", 0, 100),
     _noise(), _seed()),
    classes=3,
)
def _blobs(n_samples, centers, spread, seed) -> Dataset:
    from sklearn.datasets import make_blobs

    X, y = make_blobs(n_samples=n_samples, centers=centers, cluster_std=spread, random_state=seed)
    return Dataset(X, y, (), {str(c): c for c in range(centers)})


@_add("breast-cancer", "Breast cancer diagnosis (30 features): malignant is class 1",
      "Thirty real features: L1 sets many weights to exactly zero; read which in the coefficient table.", ())
def _breast_cancer() -> Dataset:
    from sklearn.datasets import load_breast_cancer

    data = load_breast_cancer()
    # scikit-learn codes malignant as 0; here the condition to detect is the positive class.
    malignant = data.target == list(data.target_names).index("malignant")
    names = tuple(str(f) for f in data.feature_names)
    return Dataset(data.data, malignant.astype(float), names, {"benign": 0, "malignant": 1})
