"""Training runs: statuses, history, repeatability, live changes, class imbalance, metrics."""

import numpy as np
import pytest

from lrgui.core.config import RunConfig
from lrgui.core.dataset import Dataset
from lrgui.core.errors import ConfigError, DatasetError
from lrgui.core.generators import generate
from lrgui.core.metrics import report
from lrgui.core.resampling import balanced_weights, resample_rows
from lrgui.core.run import TrainingRun


def test_history_records_every_epoch():
    run = TrainingRun(generate("gaussian"), RunConfig(max_epochs=50, hyper={"lr": 0.01}))
    assert run.step(100) == "max_epochs" and run.epoch == 50
    h = run.history
    assert len(h) == 51 and np.array_equal(h.epoch, np.arange(51))
    assert h.loss[0] == pytest.approx(np.log(2))
    assert h.theta.shape == (51, 3) and np.array_equal(h.theta[0], [0, 0, 0])
    assert np.all(np.diff(h.loss) < 0)                  # small steps only go down
    assert not h.has_test


@pytest.mark.parametrize("optimizer,hyper", [("sgd", {"batch_size": 7}), ("adam", {"batch_size": 16})])
def test_seeded_runs_repeat_bit_for_bit(optimizer, hyper):
    cfg = dict(optimizer=optimizer, hyper=hyper, init="random", seed=11, test_fraction=0.25, resample="over")
    runs = [TrainingRun(generate("moons"), RunConfig(**cfg)) for _ in range(2)]
    for r in runs:
        r.step(40)
    assert np.array_equal(runs[0].history.theta, runs[1].history.theta)
    assert np.array_equal(runs[0].history.test_loss, runs[1].history.test_loss)
    other = TrainingRun(generate("moons"), RunConfig(**{**cfg, "seed": 12}))
    other.step(40)
    assert not np.array_equal(other.history.theta[-1], runs[0].history.theta[-1])


def test_huge_learning_rate_diverges_and_keeps_finite_theta():
    run = TrainingRun(generate("gaussian"), RunConfig(hyper={"lr": 1e6}))
    with np.errstate(all="raise"):
        status = run.step(100)
    assert status == "diverged" and "learning rate" in run.reason
    assert np.all(np.isfinite(run.theta)) and np.isfinite(run.history.loss).all()
    assert run.step(5) == "diverged"                    # stays stopped


def test_step_back_restores_optimizer_state_exactly():
    run = TrainingRun(generate("gaussian"), RunConfig(optimizer="momentum", hyper={"lr": 0.01}))
    run.step(5)
    theta6 = None
    run.step(1)
    theta6 = run.theta.copy()
    assert run.step_back() and run.epoch == 5
    run.step(1)
    np.testing.assert_array_equal(run.theta, theta6)


def test_editing_data_continues_the_run_from_the_same_model():
    data = generate("gaussian")
    run = TrainingRun(data, RunConfig(standardize=True, hyper={"lr": 0.3}))
    run.step(10)
    before = run.theta_original.copy()
    run.set_data(data.with_point([20.0, 20.0], 0))
    np.testing.assert_allclose(run.theta_original, before, rtol=1e-12)
    run.step(1)
    assert run.epoch == 11 and run.train.n == 81
    with pytest.raises(DatasetError):
        run.set_data(Dataset(data.X[:3], np.zeros(3)))
    assert run.train.n == 81                            # unchanged after the refusal


def test_start_points():
    data = generate("gaussian")
    given = TrainingRun(data, RunConfig(init=[1.0, -2.0, 0.5], standardize=True))
    np.testing.assert_allclose(given.theta_original, [1.0, -2.0, 0.5])
    r1 = TrainingRun(data, RunConfig(init="random", seed=4))
    assert not np.array_equal(r1.theta, np.zeros(3))
    assert np.array_equal(r1.theta, TrainingRun(data, RunConfig(init="random", seed=4)).theta)
    with pytest.raises(DatasetError, match="needs 3 numbers"):
        TrainingRun(data, RunConfig(init=[1.0]))


def test_bad_configuration_is_refused_with_a_reason():
    with pytest.raises(ConfigError, match="unknown optimizer 'nope'"):
        RunConfig(optimizer="nope").validate()
    with pytest.raises(ConfigError, match="degree"):
        RunConfig(degree=9).validate()
    with pytest.raises(ConfigError, match="lr"):
        RunConfig(hyper={"lr": -1}).validate()
    assert RunConfig.from_dict(RunConfig(optimizer="adam").as_dict()).hyper["beta2"] == 0.999


def test_resampling_and_balanced_weights():
    y = np.array([0.0] * 8 + [1.0] * 2)
    rng = np.random.default_rng(0)
    under = resample_rows(y, "under", rng)
    over = resample_rows(y, "over", rng)
    assert np.bincount(y[under].astype(int)).tolist() == [2, 2]
    assert np.bincount(y[over].astype(int)).tolist() == [8, 8]
    np.testing.assert_allclose(balanced_weights(y), np.where(y == 0, 10 / 16, 10 / 4))


def test_test_split_is_stratified_and_tracked():
    run = TrainingRun(generate("gaussian", n0=60, n1=40), RunConfig(test_fraction=0.25, hyper={"lr": 0.01}))
    run.step(20)
    assert run.test.n == 25 and run.test.class_counts() == (15, 10)
    assert run.history.has_test and np.isfinite(run.history.test_loss).all()


def test_metrics_match_scikit_learn():
    from sklearn import metrics

    rng = np.random.default_rng(2)
    y = (rng.random(200) < 0.3).astype(float)
    z = rng.normal(size=200) + 2 * y
    p = 1 / (1 + np.exp(-z))
    for t in (0.3, 0.5, 0.8):
        r = report(y, z, t)
        pred = p >= t
        assert r.accuracy == metrics.accuracy_score(y, pred)
        assert r.f1 == pytest.approx(metrics.f1_score(y, pred))
        assert r.confusion == metrics.confusion_matrix(y, pred).tolist()
    assert r.log_loss == pytest.approx(metrics.log_loss(y, p), rel=1e-12)
    assert r.auc == pytest.approx(metrics.roc_auc_score(y, p))


def test_roc_curve_matches_scikit_learn():
    from sklearn import metrics

    from lrgui.core.metrics import roc_curve

    rng = np.random.default_rng(4)
    y = (rng.random(300) < 0.4).astype(float)
    z = rng.normal(size=300) + y
    fpr, tpr, thresholds = roc_curve(y, z)
    ref_fpr, ref_tpr, ref_thr = metrics.roc_curve(y, 1 / (1 + np.exp(-z)))
    np.testing.assert_allclose(fpr, ref_fpr)
    np.testing.assert_allclose(tpr, ref_tpr)
    np.testing.assert_allclose(thresholds[1:], ref_thr[1:], rtol=1e-12)
    assert np.all((thresholds >= 0) & (thresholds <= 1))


@pytest.mark.parametrize("penalty", ["none", "l2", "l1"])
@pytest.mark.parametrize("axes", [(1, 2), (0, 2)])
def test_landscape_slice_is_the_cost_at_every_grid_point(penalty, axes):
    from lrgui.core.landscape import loss_slice
    from lrgui.core.objective import Objective

    data = generate("classification", n_samples=300, n_features=3, n_informative=3)
    obj = Objective(data.X, data.y, "cross-entropy", penalty, 7.0, np.linspace(0.5, 2.0, data.n))
    theta = np.array([0.3, -0.8, 1.2, 0.4])
    u, v = np.linspace(-2, 2, 5), np.linspace(-1, 3, 4)
    land = loss_slice(obj, theta, axes, u, v)
    for r, c in [(0, 0), (3, 4), (2, 1)]:
        t = theta.copy()
        t[axes[0]], t[axes[1]] = u[c], v[r]
        assert land.values[r, c] == pytest.approx(obj.loss(t), rel=1e-12)
