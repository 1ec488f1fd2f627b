"""Races: runs in lockstep on one timeline, and a reader that mirrors them from deltas."""

import numpy as np
import pytest

from lrgui.core.config import RunConfig
from lrgui.core.generators import generate
from lrgui.core.race import Plan, Race, RaceMirror
from lrgui.core.run import TrainingRun
from lrgui.core.session import RunSpec


def spec(i, **cfg):
    return RunSpec.make(f"run{i}", RunConfig(**cfg), i)


def race_of(data, *specs):
    race = Race()
    race.set_data(data, 0)
    race.set_runs(list(specs))
    return race


def settle(race):
    while race.catch_up(1000):
        pass


def train(race, epochs, mirror=None):
    for _ in range(epochs):
        settle(race)
        race.step()
        if mirror is not None:
            mirror.apply(race.delta())


def test_each_run_of_a_race_equals_the_same_run_alone_at_every_epoch():
    data = generate("gaussian")
    configs = [dict(optimizer="gd", hyper={"lr": 0.05}), dict(optimizer="adam", hyper={"lr": 0.05}, standardize=True)]
    race = race_of(data, *(spec(i, **c) for i, c in enumerate(configs)))
    mirror = RaceMirror()
    train(race, 60, mirror)
    assert race.position == 60
    for i, c in enumerate(configs):
        solo = TrainingRun(data, RunConfig(**c))
        solo.step(60)
        np.testing.assert_array_equal(race.tracks[f"run{i}"].run.history.theta, solo.history.theta)
        np.testing.assert_array_equal(mirror.runs[f"run{i}"].history.theta_original, solo.history.theta_original)
        np.testing.assert_array_equal(mirror.runs[f"run{i}"].history.loss, solo.history.loss)


def test_a_finished_run_waits_while_the_others_go_on():
    data = generate("gaussian")
    race = race_of(data, spec(0, optimizer="newton"), spec(1, hyper={"lr": 0.01}))
    train(race, 40)
    newton, gd = race.tracks["run0"].run, race.tracks["run1"].run
    assert newton.status == "converged" and newton.epoch < 40
    assert gd.epoch == 40 and race.position == 40
    assert race.state(race.tracks["run0"]).converged_at == newton.epoch


def test_scrubbing_shows_recorded_epochs_and_training_on_drops_the_later_ones():
    data = generate("gaussian")
    race = race_of(data, spec(0, hyper={"lr": 0.05}), spec(1, optimizer="momentum", hyper={"lr": 0.02}))
    mirror = RaceMirror()
    train(race, 30, mirror)
    before = {i: mirror.runs[i].history.theta_original.copy() for i in mirror.runs}
    race.seek(12)
    mirror.apply(race.delta())
    assert mirror.position == 12 and mirror.end == 30
    assert len(mirror.runs["run0"].history) == 31                 # nothing dropped by looking
    race.step()                                                  # training on from epoch 12
    mirror.apply(race.delta())
    assert race.position == 13 and race.end == 13
    for i in mirror.runs:
        assert len(mirror.runs[i].history) == 14
        np.testing.assert_array_equal(mirror.runs[i].history.theta_original, before[i][:14])


def test_a_rate_changed_at_a_scrubbed_epoch_applies_from_there():
    data = generate("gaussian")
    race = race_of(data, spec(0, optimizer="adam", hyper={"lr": 0.01}))
    train(race, 50)
    race.seek(20)
    race.set_runs([race.tracks["run0"].spec.with_config(hyper={"lr": 0.2})])
    train(race, 10)
    solo = TrainingRun(data, RunConfig(optimizer="adam", hyper={"lr": 0.01}))
    solo.step(20)
    solo.set_hyper(lr=0.2)
    solo.step(10)
    np.testing.assert_array_equal(race.tracks["run0"].run.history.theta, solo.history.theta)


def test_a_new_model_starts_over_and_catches_up_to_the_position():
    data = generate("gaussian")
    race = race_of(data, spec(0, hyper={"lr": 0.05}), spec(1, hyper={"lr": 0.05}))
    mirror = RaceMirror()
    train(race, 25, mirror)
    changed = race.tracks["run1"].spec.with_config(penalty="l2", lam=3.0)
    race.set_runs([race.tracks["run0"].spec, changed])
    mirror.apply(race.delta())
    assert mirror.runs["run1"].ghost is not None and len(mirror.runs["run1"].ghost) == 26
    assert race.behind() and not race.step()                     # nothing moves until it caught up
    settle(race)
    mirror.apply(race.delta())
    solo = TrainingRun(data, changed.config)
    solo.step(25)
    np.testing.assert_array_equal(mirror.runs["run1"].history.theta_original, solo.history.theta_original)


def test_removing_then_restoring_a_run_keeps_its_history_and_duplicates_start_as_copies():
    data = generate("gaussian")
    a, b = spec(0, hyper={"lr": 0.05}), spec(1, optimizer="adam")
    race = race_of(data, a, b)
    train(race, 20)
    run_b = race.tracks["run1"].run
    race.set_runs([a])
    race.set_runs([a, b])                     # undo of the removal
    assert race.tracks["run1"].run is run_b and not race.behind()
    twin = RunSpec.make("run2", b.config, 2)
    race.set_runs([a, b, twin])
    assert not race.behind()
    np.testing.assert_array_equal(race.tracks["run2"].run.history.theta, run_b.history.theta)
    train(race, 5)
    np.testing.assert_array_equal(race.tracks["run2"].run.history.theta, run_b.history.theta)


def test_a_run_whose_id_comes_back_as_another_run_is_mirrored_afresh():
    """A run removed, then a different run given its id (a removal undone after the data
    changed) between two reads: the reader drops the rows of the old one, whose width differs."""
    data = generate("gaussian")
    a, b = spec(0), spec(1, degree=2)
    race, mirror = race_of(data, a, b), RaceMirror()
    train(race, 10, mirror)
    assert mirror.runs["run1"].history.k == 6
    race.set_runs([a])                                                # the reader sees none of this…
    race.set_data(data.subset(np.zeros(data.n, dtype=bool)), 1)      # no points: a new run cannot train
    race.set_runs([a, spec(1, degree=1)])
    mirror.apply(race.delta())                                        # …only the run that came back
    back = mirror.runs["run1"]
    assert len(back.history) == 0 and back.state.theta_names == () and "no points" in back.state.notice
    race.set_data(data, 2)
    train(race, 3, mirror)
    back = mirror.runs["run1"]
    assert back.history.k == len(back.state.theta_names) == 3 and len(back.history) > 0


def test_data_edits_reach_every_run_and_unusable_data_block_without_losing_them():
    data = generate("gaussian")
    race = race_of(data, spec(0), spec(1, optimizer="adam"))
    train(race, 10)
    empty = data.subset(np.zeros(data.n, dtype=bool))
    race.set_data(empty, 1)
    assert all("no points" in race.tracks[i].notice for i in race.order)
    assert not race.step()
    race.set_data(data.with_point([1.0, 1.0], 1), 2)
    assert race.step() and race.position == 11
    assert all(race.tracks[i].run.train.n == 81 for i in race.order)


def test_a_reset_starts_every_run_again():
    race = race_of(generate("gaussian"), spec(0), spec(1, optimizer="adam"))
    train(race, 10)
    race.reset()
    assert race.position == 0 and all(race.tracks[i].run.epoch == 0 for i in race.order)


def test_a_plan_reproduces_a_run_with_edits_and_changes_bit_for_bit():
    data = generate("gaussian")
    edited = data.with_point([2.0, 9.0], 1)
    cfg = RunConfig(optimizer="momentum", hyper={"lr": 0.05}, standardize=True)
    original = TrainingRun(data, cfg)
    original.step(30)
    original.set_data(edited)
    original.step(20)
    original.set_hyper(lr=0.1)
    original.step(25)
    switches = [(s.start, s.data, s.config) for s in original.segments]
    race = Race()
    race.set_data(edited, 0)
    race.position = original.epoch
    final = RunSpec.make("run1", original.config)
    race.set_runs([final], {"run1": Plan(switches, original.epoch)})
    settle(race)
    again = race.tracks["run1"].run
    np.testing.assert_array_equal(again.history.theta, original.history.theta)
    assert again.config.hyper["lr"] == 0.1 and again.data is edited


def test_threshold_accuracy_agrees_with_predictions_at_that_threshold():
    from lrgui.core.metrics import accuracy_at

    data = generate("gaussian", seed=3)
    race = race_of(data, spec(0, hyper={"lr": 0.05}))
    train(race, 15)
    race.set_threshold(0.3)
    state = race.state(race.tracks["run0"])
    run = race.tracks["run0"].run
    assert state.accuracy == pytest.approx(accuracy_at(data.y, run.decision_function(data.X), 0.3))
    assert state.accuracy != run.history.at("accuracy", 15)


def test_a_reproduced_run_that_had_converged_stays_where_it_stopped():
    """A session's data arrive as a copy (from a file), not as the race's own object: the run
    reproduced on the copy must not take the copy for an edit and train on."""
    import pickle

    data = generate("gaussian", seed=2)
    original = TrainingRun(data, RunConfig(optimizer="lbfgs", standardize=True))
    original.step(500)
    assert original.status == "converged"
    race = race_of(data, spec(0, optimizer="gd"))
    train(race, original.epoch + 40)
    copy = pickle.loads(pickle.dumps(data))
    race.set_runs([RunSpec.make("run1", original.config)],
                  {"run1": Plan([(0, copy, original.config)], original.epoch)})
    settle(race)
    again = race.tracks["run1"].run
    assert again.epoch == original.epoch and again.status == "converged"
    np.testing.assert_array_equal(again.history.theta, original.history.theta)
    assert not race.behind()
