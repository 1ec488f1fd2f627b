"""An update taken apart (core.anatomy) against second computations: the run's own recorded
history, the optimizers' rules worked by hand, finite differences, and the cost summed point by
point."""

import numpy as np
import pytest

from lrgui.core.anatomy import on_slice, point_terms, quadratic_model
from lrgui.core.config import RunConfig
from lrgui.core.dataset import Dataset
from lrgui.core.generators import generate
from lrgui.core.numerics import sigmoid
from lrgui.core.optimizers import OPTIMIZERS
from lrgui.core.run import TrainingRun

DATA = generate("gaussian", seed=3)


def _run(optimizer, epochs=30, **config):
    config = {"max_epochs": 200, "tol": 1e-12, "standardize": True, **config}
    run = TrainingRun(DATA, RunConfig(optimizer=optimizer, **config))
    run.step(epochs)
    return run


def _thetas(run):
    return run.history.rows("theta")


def _term(anatomy, symbol):
    return next(t.value for t in anatomy.update.terms if t.symbol == symbol)


@pytest.mark.parametrize("optimizer", sorted(OPTIMIZERS.names()))
def test_the_update_taken_apart_is_the_one_the_run_made(optimizer):
    """At scrubbed epochs (restored from checkpoints and replayed) and at the last one, θ and
    θ one epoch later are the recorded ones, bit for bit."""
    run = _run(optimizer, 20)
    thetas = _thetas(run)
    last = run.epoch
    for epoch in sorted({0, 3, last // 2, last - 1}):
        a = run.anatomy(epoch)
        assert np.array_equal(a.theta, thetas[epoch])
        assert a.epoch == epoch
        if a.next_theta is not None:
            assert np.array_equal(a.next_theta, thetas[epoch + 1])
        loss, gradient = run.problem.objective.loss_gradient(thetas[epoch])
        assert a.loss == loss and np.array_equal(a.gradient, gradient)
    assert run.epoch == last and np.array_equal(_thetas(run), thetas)       # the run is unchanged


def test_the_next_update_beyond_the_last_epoch_is_what_training_then_does():
    run = _run("adam", 12)
    a = run.anatomy(run.epoch)
    run.step(1)
    assert np.array_equal(a.next_theta, run.theta)


def test_an_epoch_before_a_change_of_learning_rate_shows_that_epoch_s_settings():
    run = _run("gd", 10, hyper={"lr": 0.5})
    run.set_hyper(lr=0.05)
    run.step(10)
    thetas = _thetas(run)
    before, after = run.anatomy(6), run.anatomy(15)
    assert _term(before, "η") == 0.5 and _term(after, "η") == 0.05
    assert np.array_equal(before.next_theta, thetas[7]) and np.array_equal(after.next_theta, thetas[16])
    assert before.current and after.current


def test_adam_moments_and_bias_correction_as_worked_by_hand():
    b1, b2, eps, lr = 0.8, 0.99, 1e-8, 0.05
    run = _run("adam", 15, hyper={"lr": lr, "beta1": b1, "beta2": b2})
    objective, thetas = run.problem.objective, _thetas(run)
    m = v = np.zeros(3)
    for t in range(13):
        g = objective.gradient(thetas[t])
        m, v = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g * g
    a = run.anatomy(12)                         # the 13th update
    m_hat, v_hat = m / (1 - b1**13), v / (1 - b2**13)
    assert _term(a, "t") == 13
    np.testing.assert_allclose(_term(a, "m"), m, rtol=1e-12)
    np.testing.assert_allclose(_term(a, "v"), v, rtol=1e-12)
    np.testing.assert_allclose(_term(a, "m̂"), m_hat, rtol=1e-12)
    np.testing.assert_allclose(_term(a, "v̂"), v_hat, rtol=1e-12)
    np.testing.assert_allclose(a.update.step_sizes, lr / (np.sqrt(v_hat) + eps), rtol=1e-12)
    np.testing.assert_allclose(a.step, -lr * m_hat / (np.sqrt(v_hat) + eps), rtol=1e-10, atol=1e-15)


@pytest.mark.parametrize("optimizer", ["momentum", "nesterov"])
def test_the_velocity_carried_in_is_the_last_step(optimizer):
    """θ ← θ + v: the velocity an update starts from is the step the previous one took, and μ of
    it is the momentum part of the next step."""
    run = _run(optimizer, 12, hyper={"lr": 0.05, "momentum": 0.8})
    thetas = _thetas(run)
    a = run.anatomy(9)
    np.testing.assert_allclose(_term(a, "v"), thetas[9] - thetas[8], rtol=1e-9, atol=1e-15)
    np.testing.assert_allclose(a.update.momentum, 0.8 * (thetas[9] - thetas[8]), rtol=1e-9, atol=1e-15)
    np.testing.assert_allclose(_term(a, "v′"), thetas[10] - thetas[9], rtol=1e-9, atol=1e-15)


@pytest.mark.parametrize("optimizer, accumulate", [
    ("adagrad", lambda s, g2, rho: s + g2),
    ("rmsprop", lambda s, g2, rho: rho * s + (1 - rho) * g2),
])
def test_per_coordinate_step_sizes_as_worked_by_hand(optimizer, accumulate):
    run = _run(optimizer, 10)
    objective, thetas = run.problem.objective, _thetas(run)
    hyper = run.optimizer.hyper
    s = np.zeros(3)
    for t in range(8):
        g = objective.gradient(thetas[t])
        s = accumulate(s, g * g, hyper.get("rho"))
    a = run.anatomy(7)
    sizes = hyper["lr"] / (np.sqrt(s) + hyper["eps"])
    np.testing.assert_allclose(a.update.step_sizes, sizes, rtol=1e-12)
    np.testing.assert_allclose(a.step, -sizes * objective.gradient(thetas[7]), rtol=1e-10)


def test_without_a_learning_rate_the_arrow_is_the_gradient_itself():
    run = _run("newton", 2)
    internals = on_slice(run.anatomy(1), (1, 2), span=4.0)
    np.testing.assert_array_equal(internals.gradient, -run.anatomy(1).gradient[[1, 2]])
    assert internals.gradient_label == "−∇J"


def test_the_loss_recorded_at_an_epoch_is_kept_beside_the_loss_on_edited_data():
    run = _run("gd", 5)
    recorded = run.history.at("loss", 5)
    run.set_data(DATA.with_point(np.array([9.0, 0.0]), 0))
    a = run.anatomy(5)
    assert a.recorded_loss == recorded and a.loss == run.problem.objective.loss(a.theta) != recorded


def test_newton_hessian_matches_finite_differences_and_its_step_is_the_solved_one():
    run = _run("newton", 2, standardize=False)
    a = run.anatomy(1)
    objective, theta = run.problem.objective, a.theta
    h = 1e-5
    fd = np.column_stack([(objective.gradient(theta + h * e) - objective.gradient(theta - h * e)) / (2 * h)
                          for e in np.eye(3)])
    np.testing.assert_allclose(a.update.hessian, fd, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(a.step, -np.linalg.solve(fd, a.gradient), rtol=1e-5)


def test_the_quadratic_model_is_the_second_order_taylor_expansion():
    run = _run("newton", 1, standardize=False)
    a = run.anatomy(1)
    axes = (1, 2)
    u = a.theta[1] + np.array([-1e-3, 0.0, 2e-3])
    v = a.theta[2] + np.array([0.0, 1e-3])
    model = quadratic_model(a, axes, u, v)
    assert model.shape == (2, 3)
    assert model[0, 1] == a.loss                          # at θ itself
    for j, vj in enumerate(v):
        for i, ui in enumerate(u):
            theta = a.theta.copy()
            theta[1], theta[2] = ui, vj
            assert abs(model[j, i] - run.problem.objective.loss(theta)) < 1e-7


@pytest.mark.parametrize("optimizer", ["cg", "bfgs", "lbfgs"])
def test_the_rebuilt_search_direction_is_the_direction_scipy_stepped_along(optimizer):
    run = _run(optimizer, 40, tol=1e-8)
    checked = 0
    for epoch in range(0, run.epoch - 1):
        a = run.anatomy(epoch)
        d, s = a.update.direction, a.step
        if s is None:               # scipy stopped short and restarts from here: θ stays
            continue
        checked += 1
        cosine = float(s @ d / np.linalg.norm(s) / np.linalg.norm(d))
        assert cosine > 1 - 1e-6, (epoch, cosine)
        assert a.update.step_length > 0
        np.testing.assert_allclose(a.update.step_length * d, s, rtol=1e-5, atol=1e-12)
    assert checked >= 8


@pytest.mark.parametrize("loss", ["cross-entropy", "squared"])
def test_point_terms_by_hand_and_summed_over_the_data(loss):
    run = _run("gd", 5, loss=loss, standardize=False)
    theta, objective = run.theta, run.problem.objective
    terms = [point_terms(run.features, objective.loss_kind, theta, x, y) for x, y in zip(DATA.X, DATA.y)]
    t = terms[4]
    z = theta[0] + DATA.X[4] @ theta[1:]
    p = 1 / (1 + np.exp(-z))
    y = DATA.y[4]
    assert t.z == pytest.approx(z, rel=1e-12) and t.p == pytest.approx(p, rel=1e-12)
    if loss == "cross-entropy":
        assert t.loss == pytest.approx(np.log1p(np.exp(z)) - y * z, rel=1e-10)
        assert t.slope == pytest.approx(p - y, rel=1e-10)
    else:
        assert t.loss == pytest.approx(0.5 * (p - y) ** 2, rel=1e-10)
        assert t.slope == pytest.approx((p - y) * p * (1 - p), rel=1e-10)
    np.testing.assert_allclose(t.gradient, t.slope * np.array([1.0, *DATA.X[4]]), rtol=1e-12)
    n = len(terms)
    assert sum(x.loss for x in terms) / n == pytest.approx(objective.loss(theta), rel=1e-10)
    np.testing.assert_allclose(sum(x.gradient for x in terms) / n, objective.gradient(theta), rtol=1e-9)


def test_a_point_is_taken_apart_at_the_scrubbed_theta():
    run = _run("adam", 10)
    x, y = DATA.X[7], DATA.y[7]
    a = run.anatomy(4, (x, y))
    theta_original = run.history.at("theta_original", 4)
    z = theta_original[0] + x @ theta_original[1:]
    assert a.point.z == pytest.approx(z, rel=1e-9)
    assert a.point.p == pytest.approx(float(sigmoid(np.array([z]))[0]), rel=1e-9)


def test_on_slice_draws_the_gradient_and_puts_the_step_on_the_step_size_ellipse():
    run = _run("rmsprop", 8)
    a = run.anatomy(5)
    internals = on_slice(a, (1, 2), span=4.0)
    lr = run.optimizer.hyper["lr"]
    np.testing.assert_array_equal(internals.gradient, -lr * a.gradient[[1, 2]])
    assert internals.gradient_label == "−η∇J"
    np.testing.assert_array_equal(internals.origin, a.theta[[1, 2]])
    longest = max(np.hypot(*internals.gradient), np.hypot(*internals.step))
    assert 0.12 * 4.0 < internals.scale * longest <= 0.3 * 4.0 + 1e-12
    # a magnification that still fits is kept; one that no longer does is chosen again
    assert on_slice(a, (1, 2), 4.0, scale=internals.scale * 1.2).scale == internals.scale * 1.2
    assert on_slice(a, (1, 2), 4.0, scale=internals.scale * 100).scale == internals.scale
    # the step −ηᵢ gᵢ lies on the ellipse with semi-axes ηᵢ ‖g‖ (g on the slice)
    ratio = internals.step / internals.ellipse_axes
    assert float(ratio @ ratio) == pytest.approx(1.0, rel=1e-9)


def test_a_converged_scipy_run_says_it_has_no_further_iterate():
    run = _run("lbfgs", 200, tol=1e-6)
    assert run.status == "converged"
    a = run.anatomy(run.epoch)
    assert a.next_theta is None and a.update.direction is None
    assert "no further iterate" in a.update.note


def test_a_large_hessian_is_neither_shown_nor_sent():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 70))
    data = Dataset(X, (X[:, 0] + rng.normal(size=300) > 0).astype(float))
    run = TrainingRun(data, RunConfig(optimizer="newton", penalty="l2", lam=1.0, max_epochs=5))
    run.step(1)
    a = run.anatomy(0)
    assert len(a.theta) == 71
    assert a.update.hessian is None and "71 × 71 Hessian is not shown" in a.update.note
    np.testing.assert_allclose(a.step, -np.linalg.solve(run.problem.objective.hessian(a.theta), a.gradient),
                               rtol=1e-6, atol=1e-9)


def test_cg_shows_its_beta_and_starts_along_minus_the_gradient():
    run = _run("cg", 10, tol=1e-8)
    thetas, objective = _thetas(run), run.problem.objective
    first = run.anatomy(0)
    assert _term(first, "β") == 0.0
    np.testing.assert_array_equal(first.update.direction, -first.gradient)
    g0, g1 = objective.gradient(thetas[2]), objective.gradient(thetas[3])
    assert _term(run.anatomy(3), "β") == pytest.approx(max(0.0, (g1 - g0) @ g1 / (g0 @ g0)), rel=1e-9)


def test_the_settings_in_a_rule_are_shown_with_their_values():
    run = _run("rmsprop", 3, hyper={"lr": 0.01, "rho": 0.8, "eps": 1e-6})
    a = run.anatomy(2)
    assert _term(a, "ρ") == 0.8 and _term(a, "ε") == 1e-6 and _term(a, "η") == 0.01
