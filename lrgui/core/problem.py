"""The training problem a run's settings make of a data set: the rows trained and tested on, the
fitted feature maps and the costs. Built the same way wherever it is needed (the trainer, the
landscape, the optimum), so every place sees the same problem for the same data and settings."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .config import RunConfig
from .dataset import Dataset
from .diagnose import separable
from .errors import ConfigError, DatasetError
from .features import BlockFeatures, FeatureChain
from .objective import Objective
from .multiclass import OneVsRestCost
from .softmax import SoftmaxObjective
from .resampling import balanced_weights, resample_rows

# The settings that change the problem (the others change only how it is solved).
MODEL_FIELDS = ("loss", "penalty", "lam", "class_weight", "resample", "standardize", "degree",
                "test_fraction", "seed", "multiclass")


@dataclass(frozen=True)
class Split:
    """The rows a run trains and tests on (after resampling of the training rows)."""

    train: Dataset
    test: Dataset | None


def split_rows(data: Dataset, config: RunConfig, resample: bool = True) -> tuple[np.ndarray, np.ndarray | None]:
    """Indices into ``data`` of the training rows (sorted; with ``resample``, as resampling leaves
    them: rows dropped, repeated rows twice or more) and of the test rows (sorted; None without a
    test set). Seeded, stratified hold-out, then resampling of the training rows."""
    data.require_trainable()
    rng = np.random.default_rng([config.seed, 1])
    train, test = np.arange(data.n), None
    if config.test_fraction > 0:
        from sklearn.model_selection import train_test_split

        try:
            tr, te = train_test_split(train, test_size=config.test_fraction, stratify=data.y,
                                      random_state=int(rng.integers(2**31)))
        except ValueError as exc:
            raise DatasetError(f"cannot hold out a test set of {config.test_fraction:.0%}: {exc}") from None
        train, test = np.sort(tr), np.sort(te)
        data.subset(train).require_trainable()
    if resample:
        train = train[resample_rows(data.y[train], config.resample, np.random.default_rng([config.seed, 2]))]
    return train, test


def split_data(data: Dataset, config: RunConfig, resample: bool = True) -> Split:
    """The training and test rows of ``split_rows`` as data sets (``data`` itself when every row
    trains once)."""
    train, test = split_rows(data, config, resample)
    whole = test is None and len(train) == data.n and np.array_equal(train, np.arange(data.n))
    return Split(data if whole else data.subset(train), None if test is None else data.subset(test))


@dataclass(frozen=True, eq=False)
class RowUse:
    """How a run uses each of the data's n rows: ``test`` (n,) bool marks the held-out rows;
    ``count`` (n,) int is how many times a row is in the training set: 0 for test rows and rows
    undersampling dropped, 2 or more for rows oversampling repeated."""

    test: np.ndarray
    count: np.ndarray

    @property
    def dropped(self) -> np.ndarray:
        """(n,) bool: training rows resampling left out."""
        return (self.count == 0) & ~self.test

    @property
    def repeated(self) -> np.ndarray:
        """(n,) bool: rows trained on more than once."""
        return self.count >= 2


def row_use(data: Dataset, config: RunConfig) -> RowUse:
    """Each row's part in the run of ``config`` on ``data`` (raises DatasetError as split_rows)."""
    train, test = split_rows(data, config)
    is_test = np.zeros(data.n, dtype=bool)
    if test is not None:
        is_test[test] = True
    return RowUse(is_test, np.bincount(train, minlength=data.n))


def model_key(config: RunConfig) -> tuple:
    """What of ``config`` decides the problem: equal keys on equal data give equal problems."""
    return tuple(getattr(config, name) for name in MODEL_FIELDS)


@dataclass(frozen=True, eq=False)
class Problem:
    """``objective`` is J on the training rows over the model columns of ``features``;
    ``test_objective`` the same cost (unweighted) on the test rows, or None."""

    data: Dataset
    train: Dataset
    test: Dataset | None
    features: FeatureChain
    objective: Objective
    test_objective: Objective | None

    @property
    def k(self) -> int:
        return self.objective.k

    @property
    def extent(self) -> float:
        """The largest |value| of the columns the model trains on (0 for none)."""
        F = self.objective.columns
        return float(np.max(np.abs(F))) if F.size else 0.0

    def scale_advice(self) -> str:
        """A sentence on features so large or so small that optimizers struggle, or ""."""
        extent = self.extent
        if extent == 0.0 or 1e-60 <= extent <= 1e60:
            return ""
        size = "large" if extent > 1 else "small"
        cure = "scale the data" if self.features.standardized else "standardise the features"
        return f"the features are very {size} (largest |x| = {extent:.3g}): {cure}"

    def separable(self) -> bool | None:
        """Whether the training classes are separable (see ``diagnose.separable``); None when
        that is not decided."""
        return separable(self.objective)

    def feature_names(self) -> tuple[str, ...]:
        """Names of the weights of θ in original units (after the bias)."""
        return self.features.names(self.data.feature_names)

    def theta_names(self) -> tuple[str, ...]:
        """A name for every number of θ: "b" and the weights' names, each followed by its class
        in parentheses when θ has a block per class."""
        names = ("b",) + self.feature_names()
        if self.data.classes <= 2:
            return names
        return tuple(f"{name} ({label})" for label in self.data.class_names() for name in names)


def build_problem(data: Dataset, config: RunConfig) -> Problem:
    """Raises DatasetError or ConfigError (with the reason) when ``config`` cannot be applied.
    Data of more than two classes make one model per class (``multiclass`` "ovr", the sum of K
    two-class costs) or one softmax model ("multinomial"), over a flat θ of K blocks."""
    if data.classes > 2 and config.multiclass == "multinomial" and config.loss != "cross-entropy":
        raise ConfigError("the multinomial model is trained on cross-entropy only")
    split = split_data(data, config)
    balanced = config.class_weight == "balanced"
    with np.errstate(over="ignore", invalid="ignore"):     # overflow is checked for just below
        features = FeatureChain.build(config.degree, config.standardize).fit(split.train.X)
        columns = features.transform(split.train.X)
    if not np.all(np.isfinite(columns)):
        raise DatasetError(_overflow_reason(split.train.X, config))
    classes = data.classes
    if classes > 2:
        features = BlockFeatures(features, classes)

    def cost(columns, y, weighted):
        if classes > 2 and config.multiclass == "ovr":
            return OneVsRestCost.build(columns, y, classes, config.loss, config.penalty, config.lam,
                                       balanced_weights if weighted else None)
        weights = balanced_weights(y) if weighted else None
        if classes > 2:
            return SoftmaxObjective(columns, y, classes, config.penalty, config.lam, weights)
        return Objective(columns, y, config.loss, config.penalty, config.lam, weights)

    objective = cost(columns, split.train.y, balanced)
    test_objective = None
    if split.test is not None:
        with np.errstate(over="ignore", invalid="ignore"):
            test_columns = features.transform(split.test.X)
        if not np.all(np.isfinite(test_columns)):
            raise DatasetError(_overflow_reason(split.test.X, config))
        test_objective = cost(test_columns, split.test.y, False)
    return Problem(data, split.train, split.test, features, objective, test_objective)


def _overflow_reason(X: np.ndarray, config: RunConfig) -> str:
    largest = float(np.max(np.abs(X))) if X.size else 0.0
    if config.degree > 1:
        return (f"the polynomial terms of degree {config.degree} exceed the range of floating point "
                f"(the inputs reach {largest:.3g}): scale the data down or lower the degree")
    return f"the model's columns exceed the range of floating point (the inputs reach {largest:.3g})"
