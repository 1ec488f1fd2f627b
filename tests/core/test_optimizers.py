"""Every optimizer reaches the optimum that scikit-learn finds, on convex cross-entropy problems."""

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression

from lrgui.core.config import RunConfig
from lrgui.core.dataset import Dataset
from lrgui.core.errors import ConfigError
from lrgui.core.objective import Objective
from lrgui.core.optimizers import OPTIMIZERS
from lrgui.core.run import TrainingRun
from tests.core.reference import l1_logistic_regression

# Settings that reach 1e-4 within the epochs given. Mini-batch and RMSProp steps only settle with
# a decaying learning rate.
GRADIENT_FAMILY = {
    "gd": ({"lr": 1.0}, 20000),
    "sgd": ({"lr": 1.0, "batch_size": 50, "decay": 0.05}, 3000),
    "momentum": ({"lr": 0.5}, 20000),
    "nesterov": ({"lr": 0.5}, 20000),
    "adagrad": ({"lr": 1.0}, 20000),
    "rmsprop": ({"lr": 0.2, "decay": 0.5}, 10000),
    "adam": ({"lr": 0.05, "decay": 0.01}, 20000),
}
EXACT = ("newton", "cg", "bfgs", "lbfgs")


def test_every_registered_optimizer_is_tested():
    assert set(OPTIMIZERS.names()) == set(GRADIENT_FAMILY) | set(EXACT)


def _problem(kind):
    weights = [0.75, 0.25] if kind == "balanced" else None
    X, y = make_classification(200, 2, n_informative=2, n_redundant=0, n_clusters_per_class=1,
                               flip_y=0.1, weights=weights, random_state=0)
    config = {"none": {}, "l2": {"penalty": "l2", "lam": 2.0}, "balanced": {"class_weight": "balanced"}}[kind]
    C = 1 / 2.0 if kind == "l2" else np.inf
    ref = LogisticRegression(C=C, tol=1e-12, max_iter=100_000,
                             class_weight="balanced" if kind == "balanced" else None).fit(X, y)
    return Dataset(X, y), config, np.r_[ref.intercept_, ref.coef_[0]]


def _relative_error(theta, reference):
    return np.linalg.norm(theta - reference) / np.linalg.norm(reference)


@pytest.mark.parametrize("kind", ["none", "l2", "balanced"])
@pytest.mark.parametrize("name", sorted(GRADIENT_FAMILY) + list(EXACT))
def test_reaches_scikit_learn_optimum(name, kind):
    data, extra, reference = _problem(kind)
    hyper, epochs = GRADIENT_FAMILY.get(name, ({}, 200))
    run = TrainingRun(data, RunConfig(optimizer=name, hyper=hyper, max_epochs=epochs, tol=1e-10, **extra))
    run.step(epochs)
    assert run.status in ("converged", "max_epochs", "stalled")
    if run.status == "stalled":          # a line search that lost precision just short of 1e-10
        assert run.last.gradient_norm < 1e-8 and "above the tolerance" in run.reason
    tolerance = 1e-6 if name in EXACT else 1e-4
    assert _relative_error(run.theta_original, reference) < tolerance


def test_l1_proximal_gradient_matches_saga_with_exact_zeros():
    X, y = make_classification(300, 5, n_informative=2, n_redundant=0, n_clusters_per_class=1,
                               flip_y=0.05, random_state=2)
    lam = 30.0
    reference = l1_logistic_regression(X, y, lam)
    run = TrainingRun(Dataset(X, y), RunConfig(optimizer="gd", hyper={"lr": 1.0}, penalty="l1", lam=lam,
                                               max_epochs=50_000, tol=1e-10))
    run.step(50_000)
    assert run.status == "converged"
    assert _relative_error(run.theta_original, reference) < 1e-4
    zeros = reference[1:] == 0
    assert zeros.any()                                       # the test needs some exact zeros
    assert np.array_equal(run.theta_original[1:] == 0, zeros)


def test_scipy_methods_replay_every_iterate_in_order():
    from scipy.optimize import minimize

    data, _, _ = _problem("none")
    run = TrainingRun(data, RunConfig(optimizer="bfgs", tol=1e-8))
    run.step(1000)
    seen = []
    gtol = 1e-8 / np.sqrt(3)
    minimize(run.objective.loss_gradient, np.zeros(3), jac=True, method="BFGS",
             callback=lambda intermediate_result: seen.append(intermediate_result.x.copy()),
             options={"gtol": gtol, "maxiter": 100_000})
    np.testing.assert_array_equal(run.history.theta[1:len(seen) + 1], np.array(seen))


def test_learning_rate_changes_between_steps_keep_adam_state():
    data, _, _ = _problem("none")
    run = TrainingRun(data, RunConfig(optimizer="adam"))
    run.step(5)
    m, v, t = run.optimizer.m.copy(), run.optimizer.v.copy(), run.optimizer.t
    run.set_hyper(lr=0.5)
    theta = run.theta.copy()
    g = run.objective.gradient(theta)
    run.step(1)
    b1, b2, eps = 0.9, 0.999, 1e-8
    m = b1 * m + (1 - b1) * g
    v = b2 * v + (1 - b2) * g * g
    expected = theta - 0.5 * (m / (1 - b1 ** (t + 1))) / (np.sqrt(v / (1 - b2 ** (t + 1))) + eps)
    np.testing.assert_allclose(run.theta, expected, rtol=1e-14)
    assert run.epoch == 6


def test_unsuitable_combinations_say_why():
    data, _, _ = _problem("none")
    obj = Objective(data.X, data.y, "squared")
    assert "cross-entropy" in OPTIMIZERS.get("newton").why_unsuitable(obj)
    with pytest.raises(ConfigError, match="L1"):
        TrainingRun(data, RunConfig(optimizer="newton", penalty="l1"))
    with pytest.raises(ConfigError, match="differentiable"):
        TrainingRun(data, RunConfig(optimizer="lbfgs", penalty="l1"))


def test_registry_describes_hyperparameters_as_data():
    for _name, cls in OPTIMIZERS.items():
        for p in cls.params:
            assert p.validate(p.default) == p.default
            assert p.label and p.help
    assert [p.name for p in OPTIMIZERS.get("adam").params] == ["lr", "batch_size", "schedule", "decay", "step_every",
                                                            "step_factor", "gamma", "lr_min", "period",
                                                            "beta1", "beta2", "eps"]
