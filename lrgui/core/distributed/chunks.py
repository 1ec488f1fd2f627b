"""What a worker computes on one chunk of rows: its model columns and labels, their moments, its
signed design, its confusion counts; and the sum of per-chunk results in chunk order."""

from __future__ import annotations

from functools import reduce

import numpy as np

from .. import kernels
from ..errors import DatasetError
from ..features import FeatureChain
from ..numerics import sigmoid, softplus
from .moments import Moments
from .reading import Layout


def chunk_columns(frame, layout: Layout, chain: FeatureChain):
    """(the model columns (m, k − 1) of a chunk's rows after ``chain``, the labels: a pandas
    Series (m,) of text without surrounding spaces and tabs, "" for a missing one). Raises
    DatasetError for a value that is not finite."""
    X = frame[list(layout.features)].to_numpy(dtype=np.float64)
    if not np.all(np.isfinite(X)):
        raise DatasetError("a feature value is NaN or infinite: every value must be a finite number")
    with np.errstate(over="ignore", invalid="ignore"):
        columns = chain.transform(X)
    if not np.all(np.isfinite(columns)):
        raise DatasetError(f"the model's columns exceed the range of floating point (the inputs reach "
                           f"{float(np.max(np.abs(X))):.3g}): scale the data down or lower the degree")
    labels = frame[layout.label].astype(str).str.strip(" \t").fillna("")
    return columns, labels


def chunk_moments(frame, layout: Layout, chain: FeatureChain) -> Moments:
    return Moments.of(*chunk_columns(frame, layout, chain))


def chunk_design(frame, layout: Layout, chain: FeatureChain, positive: str,
                  weights: tuple[float, float] | None) -> kernels.SignedDesign:
    """The chunk's rows as the kernels' signed design: model columns after ``chain``, y = 1 for
    the label ``positive``, per-class weights (class 0, class 1) or None."""
    columns, labels = chunk_columns(frame, layout, chain)
    y = (labels == positive).to_numpy(dtype=np.float64)
    w = None if weights is None else np.where(y == 1.0, weights[1], weights[0])
    return kernels.SignedDesign(columns, y, w)


def chunk_counts(theta: np.ndarray, threshold: float, D: kernels.SignedDesign) -> np.ndarray:
    """(TN, FP, FN, TP, Σ log-loss) of a chunk, unweighted: a point is predicted as class 1 when
    σ(z) ≥ ``threshold``; the log-loss of a point is log(1 + e^(mᵢ)) with its signed margin."""
    m = D.margins(theta)
    z = np.concatenate((m[:D.n0], -m[D.n0:]))
    positive = sigmoid(z) >= threshold
    zero, one = positive[:D.n0], positive[D.n0:]
    fp, tp = np.count_nonzero(zero), np.count_nonzero(one)
    return np.array([len(zero) - fp, fp, len(one) - tp, tp, softplus(m).sum()])


def chunk_rows(D: kernels.SignedDesign) -> tuple[np.ndarray, np.ndarray]:
    """(model columns, labels) of a chunk, unsigned again."""
    F = D.F.copy()
    F[D.n0:] *= -1.0
    return F, D.y


def in_order(parts: list) -> list:
    """The element-wise sums of the per-chunk tuples ``parts``, added in chunk order (the result
    does not depend on which worker finished first)."""
    return reduce(lambda total, part: [t + np.asarray(p, dtype=np.float64) for t, p in zip(total, part)],
                  parts[1:], [np.array(p, dtype=np.float64) for p in parts[0]])
