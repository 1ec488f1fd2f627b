"""What explains a run: separable classes, the optimum (L1 included), an oscillating loss."""

import re

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC

from lrgui.core.config import RunConfig
from lrgui.core.dataset import Dataset
from lrgui.core.diagnose import find_optimum, separable
from lrgui.core.generators import generate
from lrgui.core.objective import Objective
from lrgui.core.run import TrainingRun
from tests.core.reference import l1_logistic_regression


def clouds(gap, seed=0, n=60):
    rng = np.random.default_rng(seed)
    X = np.vstack([rng.normal([0, 0], 1, (n, 2)), rng.normal([gap, gap], 1, (n, 2))])
    return Dataset(X, np.repeat([0.0, 1.0], n))


@pytest.mark.parametrize("gap,seed", [(9.0, 0), (7.0, 1), (1.0, 2), (2.5, 3), (0.0, 4)])
def test_separability_agrees_with_a_hard_margin_linear_svm(gap, seed):
    data = clouds(gap, seed)
    svm = LinearSVC(C=1e6, max_iter=200_000, tol=1e-10).fit(data.X, data.y)
    reference = svm.score(data.X, data.y) == 1.0
    assert separable(Objective(data.X, data.y)) == reference


def test_quasi_separation_counts_and_a_penalty_gives_a_finite_optimum():
    X = np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [2.0, 1.0], [1.0, 0.5], [1.0, 0.5]])
    y = np.array([0, 0, 1, 1, 0, 1.0])          # two points on the boundary x₁ = 1 with opposite labels
    assert separable(Objective(X, y))
    free = find_optimum(Objective(X, y))
    assert free.theta is None and "separable" in free.reason
    assert find_optimum(Objective(X, y, penalty="l2", lam=1.0)).theta is not None


def test_l1_optimum_matches_saga_with_exact_zeros():
    data = generate("classification", n_samples=200, n_features=5, n_informative=2, seed=3)
    lam = 20.0
    optimum = find_optimum(Objective(data.X, data.y, penalty="l1", lam=lam))
    reference = l1_logistic_regression(data.X, data.y, lam)
    np.testing.assert_allclose(optimum.theta, reference, atol=2e-5)
    assert np.array_equal(optimum.theta[1:] == 0, reference[1:] == 0) and (reference[1:] == 0).any()


def test_smooth_optimum_matches_lbfgs_of_scikit_learn():
    data = generate("gaussian")
    optimum = find_optimum(Objective(data.X, data.y, penalty="l2", lam=1.0))
    ref = LogisticRegression(C=1.0, tol=1e-12, max_iter=10_000).fit(data.X, data.y)
    np.testing.assert_allclose(optimum.theta, np.concatenate((ref.intercept_, ref.coef_[0])), rtol=1e-5)


def test_a_separable_run_says_so_when_it_stops():
    run = TrainingRun(clouds(9.0), RunConfig(hyper={"lr": 0.5}, max_epochs=300))
    assert run.step(1000) == "max_epochs"
    assert "separable" in run.reason and "grow without bound" in run.reason
    overlapping = TrainingRun(generate("gaussian"), RunConfig(hyper={"lr": 0.01}, max_epochs=50))
    overlapping.step(100)
    assert "separable" not in overlapping.reason


def test_an_oscillating_loss_is_named_and_a_calm_one_is_not():
    data = generate("gaussian")
    wild = TrainingRun(data, RunConfig(hyper={"lr": 1.0}, max_epochs=5000))
    wild.step(300)
    assert wild.status == "ready" and "learning rate is too large" in wild.warning
    losses = wild.history.loss[-101:]
    claimed = int(re.search(r"rose in (\d+) of the last 100", wild.warning).group(1))
    assert claimed == np.sum(np.diff(losses) > 0) >= 15          # what the message claims
    chaotic = TrainingRun(data, RunConfig(hyper={"lr": 70.0}, standardize=True, max_epochs=5000))
    chaotic.step(400)
    assert "learning rate is too large" in chaotic.warning
    for optimizer, hyper in (("gd", {"lr": 0.3}), ("momentum", {}), ("adam", {}), ("sgd", {}), ("rmsprop", {})):
        calm = TrainingRun(data, RunConfig(optimizer=optimizer, hyper=hyper, standardize=True, max_epochs=5000))
        for _ in range(20):
            calm.step(100)
            assert calm.warning == ""
