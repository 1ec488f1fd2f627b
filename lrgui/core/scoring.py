"""How good a θ is, by the figures a practitioner reads: for the training and test rows of a
run's settings, every metric of ``metrics.report`` at a threshold, and the ROC and
precision-recall curves with the threshold's point on each. With more than two classes: the
figures of ``multiclass.multiclass_report`` (per-class recall and precision, the K × K confusion
matrix); no threshold applies there.

The training rows are the run's own before any resampling (repeated rows would count twice);
the test rows are those its seeded split holds out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .config import RunConfig
from .dataset import Dataset
from .errors import DatasetError
from .features import class_scores_in_original_units, decision_in_original_units, theta_length
from .metrics import Curves, Report, curves, report
from .multiclass import multiclass_report
from .problem import split_data


@dataclass(frozen=True)
class Part:
    """One set of rows: its name ("train" or "test"), size, report and curves (None with only
    one class present); with more than two classes ``classes`` holds the multiclass report and
    ``report`` and ``curves`` are None."""

    name: str
    n: int
    report: Report | None
    curves: Curves | None
    classes: dict | None = None


@dataclass(frozen=True)
class Scores:
    threshold: float
    train: Part
    test: Part | None
    names: tuple[str, ...] = ("0", "1")         # the classes' label texts


def _part(name: str, rows: Dataset, theta_original: np.ndarray, config: RunConfig, threshold: float) -> Part:
    degree = config.degree
    if rows.classes > 2:
        with np.errstate(over="ignore", invalid="ignore"):
            z = class_scores_in_original_units(theta_original, rows.X, degree, rows.classes)
        return Part(name, rows.n, None, None, multiclass_report(rows.y, z, config.multiclass, rows.classes))
    with np.errstate(over="ignore", invalid="ignore"):
        z = decision_in_original_units(theta_original, rows.X, degree)
    r = report(rows.y, z, threshold)
    both = len(np.unique(rows.y)) == 2
    return Part(name, rows.n, r, curves(rows.y, z, r.confusion) if both else None)


def score(data: Dataset, config: RunConfig, theta_original: np.ndarray, threshold: float) -> Scores:
    """The scores of ``theta_original`` (θ in the data's units) on ``data`` split as ``config``
    splits it. Raises DatasetError when the data cannot be split so, or θ is not of the model
    ``config`` makes of them."""
    theta = np.asarray(theta_original, dtype=np.float64)
    if len(theta) != theta_length(data.d, config.degree, data.classes):
        raise DatasetError(f"θ has {len(theta)} numbers; the model of these data and settings has "
                           f"{theta_length(data.d, config.degree, data.classes)}")
    split = split_data(data, config, resample=False)
    test = None if split.test is None else _part("test", split.test, theta, config, threshold)
    return Scores(float(threshold), _part("train", split.train, theta, config, threshold), test, data.class_names())
