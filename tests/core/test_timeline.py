"""Going back in a run: exact for every optimizer at any epoch, across data edits and live changes."""

import numpy as np
import pytest

from lrgui.core.config import RunConfig
from lrgui.core.generators import generate
from lrgui.core.history import History
from lrgui.core.optimizers import OPTIMIZERS
from lrgui.core.run import CHECKPOINT_EVERY, TrainingRun

HYPER = {"gd": {"lr": 0.1}, "sgd": {"lr": 0.05, "batch_size": 7}, "momentum": {"lr": 0.05},
         "nesterov": {"lr": 0.05}, "adagrad": {"lr": 0.3}, "rmsprop": {"lr": 0.01},
         "adam": {"lr": 0.02, "batch_size": 16}, "newton": {}, "cg": {}, "bfgs": {}, "lbfgs": {}}


def test_every_optimizer_has_a_case():
    assert set(HYPER) == set(OPTIMIZERS.names())


@pytest.mark.parametrize("optimizer", list(HYPER))
def test_rewind_to_any_epoch_then_training_on_repeats_the_same_bits(optimizer):
    data = generate("moons", n_samples=120)
    cfg = RunConfig(optimizer=optimizer, hyper=HYPER[optimizer], standardize=True, degree=2,
                    init="random", seed=5, tol=1e-12, max_epochs=400)
    run = TrainingRun(data, cfg)
    run.step(3 * CHECKPOINT_EVERY + 10)
    reference = run.history.theta.copy()
    last = run.epoch
    assert last > 5
    for target in sorted({last - 1, 2 * CHECKPOINT_EVERY + 7, CHECKPOINT_EVERY, last // 2, 3, 0} & set(range(last)),
                         reverse=True):
        run.rewind(target)
        assert run.epoch == target
        np.testing.assert_array_equal(run.theta, reference[target])
        for _ in range(last - target):
            run.step(1, force=True)
        assert run.epoch == last
        np.testing.assert_array_equal(run.history.theta, reference)


def test_step_back_across_a_data_edit_restores_the_recorded_theta_in_its_own_units():
    data = generate("gaussian")
    edited = data.with_point([30.0, -10.0], 0)
    run = TrainingRun(data, RunConfig(standardize=True, hyper={"lr": 0.3}))
    run.step(5)
    recorded = run.history.theta_original.copy()
    run.set_data(edited)
    run.step(1)
    assert run.history.at("segment", 6) == 1 and run.history.at("segment", 5) == 0
    assert run.step_back() and run.step_back()
    assert run.epoch == 4
    np.testing.assert_array_equal(run.history.theta_original, recorded[:5])
    np.testing.assert_allclose(run.theta_original, recorded[4], rtol=1e-13, atol=1e-15)
    # training on goes on with the edited data, as if the edit had been made at epoch 4
    run.step(1)
    reference = TrainingRun(data, RunConfig(standardize=True, hyper={"lr": 0.3}))
    reference.step(4)
    reference.set_data(edited)
    reference.step(1)
    np.testing.assert_array_equal(run.theta, reference.theta)
    assert run.train.n == 81


def test_bfgs_after_going_back_across_a_data_edit_solves_the_new_problem():
    data = generate("gaussian")
    edited = data.with_point([3.0, 9.0], 1)
    cfg = RunConfig(optimizer="bfgs", tol=1e-10)
    run = TrainingRun(data, cfg)
    run.step(4)
    run.set_data(edited)
    run.step(3)
    run.rewind(2)
    run.step(3)
    reference = TrainingRun(data, cfg)
    reference.step(2)
    reference.set_data(edited)
    reference.step(3)
    np.testing.assert_array_equal(run.history.theta, reference.history.theta)


def test_a_learning_rate_change_is_a_segment_that_replays_exactly():
    data = generate("gaussian")
    run = TrainingRun(data, RunConfig(optimizer="adam", hyper={"lr": 0.01}))
    run.step(100)
    run.set_hyper(lr=0.1)
    run.step(100)
    reference = run.history.theta.copy()
    run.rewind(150)
    assert run.config.hyper["lr"] == 0.1
    run.step(50)
    np.testing.assert_array_equal(run.history.theta, reference)
    run.rewind(40)                       # before the change: training on uses the current rate
    assert run.segments[-1].config.hyper["lr"] == 0.1 and run.segments[-1].start == 40


def test_a_diverged_run_goes_back_to_its_last_good_epoch_when_the_rate_is_lowered():
    run = TrainingRun(generate("gaussian"), RunConfig(hyper={"lr": 1e6}))
    assert run.step(100) == "diverged"
    good = run.theta.copy()
    run.set_hyper(lr=0.01)
    assert run.status == "ready"
    np.testing.assert_array_equal(run.theta, good)
    assert run.step(5) == "ready" and run.epoch > 1


def test_clone_is_independent_and_identical():
    run = TrainingRun(generate("moons"), RunConfig(optimizer="sgd", hyper={"batch_size": 10}, init="random"))
    run.step(30)
    twin = run.clone()
    run.step(20)
    twin.step(20)
    np.testing.assert_array_equal(run.history.theta, twin.history.theta)
    twin.step(1)
    assert twin.epoch == run.epoch + 1


def test_history_chunks_append_cut_and_read_like_one_array():
    h = History(2, chunk_rows=8)
    rows = np.arange(60, dtype=float)
    for i in range(25):
        h.append(theta=[i, -i], theta_original=[i, i], loss=rows[i], segment=i % 3)
    assert len(h) == 25 and np.array_equal(h.loss, rows[:25])
    assert np.array_equal(h.rows("loss", 5, 19), rows[5:19]) and h.rows("loss", 3, 3).size == 0
    h.truncate(11)
    h.extend({"theta": np.c_[rows[11:40], -rows[11:40]], "theta_original": np.c_[rows[11:40], rows[11:40]],
              "loss": rows[11:40], "segment": np.ones(29, dtype=int)})
    assert np.array_equal(h.loss, rows[:40]) and h.at("theta", 39).tolist() == [39.0, -39.0]
    assert np.isnan(h.test_loss).all() and not h.has_test
    view = h.rows("loss", 0, 8)
    h.append(theta=[0, 0], theta_original=[0, 0], loss=99.0)
    assert np.array_equal(view, rows[:8]) and not view.flags.writeable


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
@pytest.mark.parametrize("edit", [False, True])
def test_a_long_run_keeps_few_checkpoints_and_still_rewinds_exactly(monkeypatch, optimizer, edit):
    """With a checkpoint every 8 epochs and room for 4, 220 epochs (and a data edit at 100, whose
    checkpoint stays): going back to any epoch of the segment and training on repeats the same bits."""
    monkeypatch.setattr("lrgui.core.run.CHECKPOINT_EVERY", 8)
    monkeypatch.setattr("lrgui.core.run.CHECKPOINTS_KEPT", 4)
    data = generate("moons", n_samples=120)
    cfg = RunConfig(optimizer=optimizer, hyper=HYPER[optimizer], standardize=True, init="random", seed=2,
                    tol=0.0, max_epochs=5000)
    run = TrainingRun(data, cfg)
    run.step(100)
    if edit:
        run.set_data(data.with_point([0.5, 0.5], 1))
    run.step(120)
    last = run.epoch
    reference = run.history.theta.copy()
    assert len(run._checkpoints) <= 4 + len(run.segments) + 1 and run._checkpoint_every >= 32
    assert any(c.epoch == 100 for c in run._checkpoints) == edit
    # (epoch 100 itself was trained before the edit: going back there continues on the edited data)
    for target in (last - 1, 190, 150, 101) + (() if edit else (100, 99, 45, 1, 0)):
        run.rewind(target)
        np.testing.assert_array_equal(run.theta, reference[target])
        run.step(last - target, force=True)
        np.testing.assert_array_equal(run.history.theta, reference)
