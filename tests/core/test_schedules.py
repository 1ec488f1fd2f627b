"""Learning-rate schedules: η_t at chosen epochs against a hand computation, the updates they
drive, the options that set them and the ``lr`` column of the history."""

import csv
import json
import math

import numpy as np
import pytest

from lrgui.core.config import RunConfig
from lrgui.core.dataset import Dataset
from lrgui.core.errors import ConfigError
from lrgui.core.optimizers import OPTIMIZERS
from lrgui.core.options import config_from_options
from lrgui.core.run import TrainingRun
from lrgui.core.schedules import SCHEDULES
from tests.core.test_cli import lrgui

# (settings, max epochs, {epoch t: η_t worked out by hand})
HAND = {
    "constant": ({"lr": 0.3}, 50, {0: 0.3, 7: 0.3, 49: 0.3}),
    "step": ({"lr": 0.8, "step_every": 3, "step_factor": 0.5}, 50,
             {0: 0.8, 2: 0.8, 3: 0.4, 5: 0.4, 6: 0.2, 9: 0.1}),
    "exponential": ({"lr": 1.0, "gamma": 0.9}, 50, {0: 1.0, 1: 0.9, 2: 0.81, 10: 0.3486784401}),
    "inverse": ({"lr": 1.0, "decay": 0.5}, 50, {0: 1.0, 2: 0.5, 4: 1 / 3, 18: 0.1}),
    # 0.1 + 0.9·(1 + cos(π t/100))/2: t = 25 gives 0.1 + 0.9·0.8535533905932737
    "cosine": ({"lr": 1.0, "lr_min": 0.1}, 100, {0: 1.0, 25: 0.8681980515339464, 50: 0.55, 100: 0.1}),
    # from 0.2 up to 1 in 5 epochs and back down in the next 5
    "cyclic": ({"lr": 1.0, "lr_min": 0.2, "period": 10}, 50, {0: 0.2, 2: 0.52, 5: 1.0, 8: 0.52, 10: 0.2, 13: 0.68}),
}


def _data():
    rng = np.random.default_rng(0)
    X = np.r_[rng.normal(-1, 1, (30, 2)), rng.normal(1, 1, (30, 2))]
    return Dataset(X, np.r_[np.zeros(30), np.ones(30)].astype(int))


def test_every_schedule_has_a_hand_computation():
    assert set(SCHEDULES.names()) == set(HAND)


@pytest.mark.parametrize("name", list(HAND))
def test_the_history_records_the_stated_learning_rate(name):
    hyper, epochs, expected = HAND[name]
    run = TrainingRun(_data(), RunConfig(optimizer="gd", hyper={**hyper, "schedule": name},
                                         max_epochs=epochs, tol=0.0))
    run.step(epochs)
    assert run.epoch == epochs
    for t, eta in expected.items():
        assert run.history.at("lr", t) == pytest.approx(eta, rel=1e-12), t


def _gradient(theta, X, y):
    """∇J of the mean cross-entropy, written out: (1/n) Xᵀ(σ(Xθ) − y) with a column of ones."""
    A = np.c_[np.ones(len(X)), X]
    return A.T @ (1 / (1 + np.exp(-A @ theta)) - y) / len(X)


@pytest.mark.parametrize("name", ["step", "cyclic"])
def test_each_update_uses_the_scheduled_step(name):
    """θ_{t+1} = θ_t − η_t ∇J(θ_t), with η_t from the hand table and ∇J computed here."""
    hyper, _, expected = HAND[name]
    data = _data()
    run = TrainingRun(data, RunConfig(optimizer="gd", hyper={**hyper, "schedule": name}, max_epochs=20, tol=0.0))
    run.step(14)
    theta = np.zeros(3)
    etas = {t: run.history.at("lr", t) for t in range(14)}
    for t in range(14):
        theta = theta - etas[t] * _gradient(theta, data.X, data.y)
    np.testing.assert_allclose(run.history.at("theta_original", 14), theta, rtol=1e-12)
    for t in set(expected) & set(etas):
        assert etas[t] == pytest.approx(expected[t], rel=1e-12)


def test_a_cosine_spans_the_maximum_epochs_even_when_it_changes():
    run = TrainingRun(_data(), RunConfig(optimizer="gd", hyper={"lr": 1.0, "schedule": "cosine"},
                                         max_epochs=100, tol=0.0))
    run.step(10)
    run.set_max_epochs(200)
    run.step(90)
    assert run.history.at("lr", 100) == pytest.approx(0.5 * (1 + math.cos(math.pi * 100 / 200)), abs=1e-15)


def test_every_gradient_method_follows_a_schedule_and_the_others_have_no_learning_rate():
    for name, cls in OPTIMIZERS.items():
        config = RunConfig(optimizer=name, hyper={"schedule": "exponential", "gamma": 0.5} if cls.family == "gradient"
                           and any(p.name == "schedule" for p in cls.params) else {}, max_epochs=3, tol=0.0)
        run = TrainingRun(_data(), config)
        run.step(3)
        lr = run.history.rows("lr", 0, run.epoch + 1)
        if "lr" in run.config.hyper:
            np.testing.assert_allclose(lr, run.config.hyper["lr"] * 0.5 ** np.arange(len(lr)), rtol=1e-12)
        else:
            assert np.isnan(lr).all(), name


def test_a_decay_without_a_schedule_means_the_one_over_t_decay_it_always_meant():
    config = config_from_options({"optimizer": "sgd", "decay": 0.05})
    assert config.hyper["schedule"] == "inverse"
    assert RunConfig(optimizer="adam", hyper={"decay": 0.01}).validate().hyper["schedule"] == "inverse"
    assert config_from_options({"optimizer": "gd", "decay": 0}).hyper["schedule"] == "constant"


@pytest.mark.parametrize("options,words", [
    ({"schedule": "step", "gamma": 0.9}, "gamma is a setting of the exponential schedule, not of step"),
    ({"schedule": "cosine", "period": 10}, "period is a setting of the cyclic schedule"),
    ({"schedule": "weekly"}, "schedule must be one of constant, step"),
    ({"schedule": "step", "step_every": 0}, "step_every must lie in [1, "),
    ({"optimizer": "newton", "schedule": "step"}, "has no setting 'schedule'"),
])
def test_settings_a_schedule_would_ignore_are_refused(options, words):
    with pytest.raises(ConfigError, match=".*".join(map(_escape, words.split("*")))):
        config_from_options(options)


def _escape(text):
    import re
    return re.escape(text)


def test_the_command_line_writes_the_learning_rate_to_the_history(tmp_path):
    out = lrgui("train", "gaussian", "--schedule", "step", "--step-every", "10", "--step-factor", "0.1",
                "--lr", "0.5", "--epochs", "25", "--tol", "0", "--json", "--history", tmp_path / "h.csv")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["config"]["hyper"]["schedule"] == "step"
    rows = list(csv.DictReader(open(tmp_path / "h.csv")))
    assert [float(rows[t]["lr"]) for t in (0, 9, 10, 19, 20, 25)] == pytest.approx([0.5, 0.5, 0.05, 0.05, 0.005, 0.005])
    bad = lrgui("train", "gaussian", "--schedule", "step", "--gamma", "0.5")
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1 and "gamma" in bad.stderr
    newton = lrgui("train", "gaussian", "-o", "newton", "--history", tmp_path / "n.csv")
    assert newton.returncode == 0 and list(csv.DictReader(open(tmp_path / "n.csv")))[0]["lr"] == "nan"


def test_settings_of_a_schedule_no_longer_chosen_do_not_block_anything():
    """A decay set for 1/t, then the schedule changed to step: the decay is not an option of the
    run any more (so a sweep or a saved session of it is not refused), and the run is the same."""
    from lrgui.core.options import options_from_config

    config = RunConfig(optimizer="gd", hyper={"schedule": "step", "decay": 1.0, "lr_min": 0.5}).validate()
    options = options_from_config(config)
    assert "decay" not in options and "lr-min" not in options and options["step-every"] == 100
    again = config_from_options(options)
    a, b = TrainingRun(_data(), config), TrainingRun(_data(), again)
    a.step(30)
    b.step(30)
    np.testing.assert_array_equal(a.theta, b.theta)
