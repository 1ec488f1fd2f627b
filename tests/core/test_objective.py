import itertools

import numpy as np
import pytest
from scipy.optimize import approx_fprime
from scipy.special import expit

from lrgui.core.errors import ConfigError
from lrgui.core.numerics import softplus
from lrgui.core.objective import LOSSES, PENALTIES, Objective


@pytest.fixture(scope="module")
def problem():
    rng = np.random.default_rng(7)
    n = 300
    F = rng.normal(size=(n, 3)) * [1.0, 2.0, 0.5]
    y = (rng.random(n) < 0.4).astype(float)
    return F, y, rng.uniform(0.2, 3.0, n)


def reference_cost(F, y, theta, loss, penalty, lam, weights):
    """The cost written out directly from DESIGN.md's formulas."""
    n = len(y)
    s = np.ones(n) if weights is None else weights
    z = theta[0] + F @ theta[1:]
    if loss == "cross-entropy":
        J = np.mean(s * (softplus(z) - y * z))
    else:
        J = np.sum(s * (expit(z) - y) ** 2) / (2 * n)
    w = theta[1:]
    J += {"none": 0.0, "l2": lam / (2 * n) * w @ w, "l1": lam / n * np.abs(w).sum()}[penalty]
    return J


CASES = list(itertools.product(LOSSES.names(), PENALTIES.names(), (False, True)))


@pytest.mark.parametrize("loss,penalty,weighted", CASES)
def test_value_and_gradient_match_formula_and_finite_differences(problem, loss, penalty, weighted):
    F, y, s = problem
    weights = s if weighted else None
    obj = Objective(F, y, loss, penalty, 3.0, weights)
    theta = np.array([0.3, -0.7, 1.1, 0.4])       # no zero weight, so L1 is differentiable here
    J, g = obj.loss_gradient(theta)
    assert J == pytest.approx(reference_cost(F, y, theta, loss, penalty, 3.0, weights), rel=1e-12)
    fd = approx_fprime(theta, lambda t: reference_cost(F, y, t, loss, penalty, 3.0, weights), 1e-7)
    np.testing.assert_allclose(g, fd, rtol=1e-5, atol=1e-7)
    assert obj.loss(theta) == J and np.array_equal(obj.gradient(theta), g)


@pytest.mark.parametrize("penalty,weighted", list(itertools.product(("none", "l2"), (False, True))))
def test_hessian_and_hessp_match_finite_differences_of_the_gradient(problem, penalty, weighted):
    F, y, s = problem
    obj = Objective(F, y, "cross-entropy", penalty, 2.0, s if weighted else None)
    theta = np.array([0.1, 0.5, -0.3, 0.8])
    H = obj.hessian(theta)
    h = 1e-6
    fd = np.column_stack([(obj.gradient(theta + h * e) - obj.gradient(theta - h * e)) / (2 * h)
                          for e in np.eye(4)])
    np.testing.assert_allclose(H, fd, rtol=1e-6, atol=1e-9)
    v = np.array([1.0, -2.0, 0.5, 3.0])
    np.testing.assert_allclose(obj.hessp(theta, v), H @ v, rtol=1e-12, atol=1e-14)


def test_gradient_is_a_mean_for_bias_and_weights_alike(problem):
    F, y, _ = problem
    obj = Objective(F, y)
    theta = np.array([0.2, 0.1, -0.1, 0.3])
    r = expit(theta[0] + F @ theta[1:]) - y
    np.testing.assert_allclose(obj.gradient(theta), np.concatenate(([r.mean()], F.T @ r / len(y))), rtol=1e-12)


def test_accuracy_predicts_class_one_at_z_zero(problem):
    F, y, _ = problem
    obj = Objective(F, y)
    assert obj.evaluate(np.zeros(4)).accuracy == pytest.approx(y.mean())
    theta = np.array([0.2, 1.0, -1.0, 0.5])
    z = theta[0] + F @ theta[1:]
    assert obj.evaluate(theta).accuracy == pytest.approx(np.mean((z >= 0) == (y == 1)))


@pytest.mark.parametrize("loss", LOSSES.names())
@pytest.mark.parametrize("z", [1e20, -1e20, 800.0, -800.0])
def test_no_warning_and_right_limits_at_huge_z(loss, z):
    F = np.array([[z], [z]])
    y = np.array([0.0, 1.0])
    obj = Objective(F, y, loss)
    with np.errstate(all="raise"):
        J, g = obj.loss_gradient(np.array([0.0, 1.0]))
        acc = obj.evaluate(np.array([0.0, 1.0])).accuracy
    assert np.isfinite(J) and np.all(np.isfinite(g))
    if loss == "cross-entropy":
        # one point costs |z|, the other nothing; the gradient of the wrong one is ±1·(1, z)
        assert J == pytest.approx(abs(z) / 2, rel=1e-15)
        assert g[0] == pytest.approx(0.5 if z > 0 else -0.5)
    else:
        assert J == pytest.approx(0.25)
        assert np.array_equal(g, [0.0, 0.0])
    assert acc == 0.5


def test_large_data_takes_the_threaded_path_and_agrees(problem):
    rng = np.random.default_rng(3)
    n = 200_003
    F = rng.normal(size=(n, 2))
    y = (rng.random(n) < 0.5).astype(float)
    s = rng.random(n)
    obj = Objective(F, y, "cross-entropy", "l2", 0.5, s)
    theta = np.array([0.1, -0.4, 0.9])
    J, g = obj.loss_gradient(theta)
    z = theta[0] + F @ theta[1:]
    assert J == pytest.approx(np.mean(s * (softplus(z) - y * z)) + 0.5 / (2 * n) * theta[1:] @ theta[1:], rel=1e-12)
    r = s * (expit(z) - y)
    np.testing.assert_allclose(g[0], r.mean(), rtol=1e-10)
    np.testing.assert_allclose(g[1:], F.T @ r / n + 0.5 / n * theta[1:], rtol=1e-10)
    assert obj.evaluate(theta).accuracy == pytest.approx(np.mean((z >= 0) == (y == 1)), rel=1e-14)


def test_l1_gradient_is_the_minimum_norm_subgradient():
    F = np.array([[1.0], [-1.0], [2.0]])
    y = np.array([1.0, 0.0, 1.0])
    obj = Objective(F, y, "cross-entropy", "l1", 100.0)
    # With a huge λ, w = 0 is optimal: the subgradient there must be 0 for w.
    g = obj.gradient(np.array([0.3, 0.0]))
    assert g[1] == 0.0
    # soft threshold at step·λ/n, bias untouched
    assert obj.prox(np.array([0.3, 0.5]), 0.01)[1] == pytest.approx(0.5 - 0.01 * 100 / 3)
    assert np.array_equal(obj.prox(np.array([0.3, 0.5]), 0.1), [0.3, 0.0])


def test_second_order_needs_cross_entropy_and_no_l1(problem):
    F, y, _ = problem
    with pytest.raises(ConfigError):
        Objective(F, y, "squared").hessian(np.zeros(4))
    with pytest.raises(ConfigError):
        Objective(F, y, "cross-entropy", "l1").hessp(np.zeros(4), np.ones(4))


def test_mini_batch_penalty_keeps_the_full_data_scale(problem):
    F, y, _ = problem
    obj = Objective(F, y, "cross-entropy", "l2", 4.0)
    rows = np.arange(0, 300, 3)
    batch = obj.batch(rows)
    theta = np.array([0.0, 1.0, 2.0, 3.0])
    expected = Objective(F[rows], y[rows]).gradient(theta)
    expected[1:] += 4.0 / 300 * theta[1:]
    np.testing.assert_allclose(batch.gradient(theta), expected, rtol=1e-12)


@pytest.mark.parametrize("loss", ["cross-entropy", "squared"])
def test_each_losss_slope_is_the_derivative_of_its_per_point_loss(loss):
    """∂ℓ/∂z against central finite differences of ℓ(z) = log(1 + e^z) − y z or ½(σ(z) − y)²."""
    from lrgui.core.objective import LOSSES

    def point_loss(z, y):
        if loss == "cross-entropy":
            return np.logaddexp(0, z) - y * z
        return 0.5 * (1 / (1 + np.exp(-z)) - y) ** 2

    z = np.linspace(-8, 8, 33)
    h = 1e-6
    for y in (0.0, 1.0):
        numeric = (point_loss(z + h, y) - point_loss(z - h, y)) / (2 * h)
        np.testing.assert_allclose(LOSSES.get(loss).slope(z, np.full_like(z, y)), numeric, rtol=1e-6, atol=1e-9)
