"""The session model, its file format and safe writing."""

import json
import os
import stat

import numpy as np
import pytest

from lrgui.core.config import RunConfig
from lrgui.core.fileio import write_text
from lrgui.core.generators import generate
from lrgui.core.options import config_from_options, options_from_config, run_options
from lrgui.core.session import DataOrigin, RunSpec, Session, ViewOptions, describe
from lrgui.core.session_file import (
    VERSION,
    Recording,
    RecordedRun,
    SessionFileError,
    read_session,
    session_from_dict,
    session_json,
    write_session,
)


def two_run_session():
    s = Session.default()
    adam = RunSpec.make("run2", RunConfig(optimizer="adam", hyper={"lr": 0.05}, penalty="l2", lam=2.0,
                                          init=[0.5, -1.0, 2.0], seed=7), 1, name="fast one", muted=True)
    s.update(runs=s.runs + (adam,), selected="run2",
             view=ViewOptions(threshold=0.3, shading=False, landscape_axes=(0, 2), equal_aspect=True))
    return s


# -- the model ------------------------------------------------------------------------------------
def test_every_change_names_what_changed_and_equal_values_emit_nothing():
    s = Session.default()
    seen = []
    s.events.connect(seen.append)
    s.update(view=ViewOptions(threshold=0.4))
    assert seen[-1].fields == {"view"} and seen[-1].runs == set()
    changed = s.runs[0].with_config(optimizer="adam")
    s.update(runs=(changed,))
    assert seen[-1].fields == {"runs"} and seen[-1].runs == {"run1"}
    assert s.runs[0].config.hyper == {"lr": 0.01, "batch_size": 0, "decay": 0.0, "beta1": 0.9,
                                      "beta2": 0.999, "eps": 1e-8}      # the new optimizer's defaults
    before = len(seen)
    assert s.update(view=ViewOptions(threshold=0.4), runs=(changed,)) is None
    assert len(seen) == before
    data = s.data.with_point([1.0, 2.0], 1)
    s.update(data=data, origin=DataOrigin("generator", "gaussian", (), True))
    assert seen[-1].fields == {"data", "origin"}


def test_undo_is_putting_old_values_back():
    s = Session.default()
    before = s.values()
    s.update(runs=(s.runs[0].with_config(penalty="l1", lam=3.0),), view=ViewOptions(log_loss=True))
    s.update(**before)
    assert s.runs[0].config.penalty == "none" and not s.view.log_loss


def test_runs_are_named_from_their_settings():
    assert describe(RunConfig(optimizer="adam", hyper={"lr": 0.05}).validate()) == "Adam η = 0.05"
    assert describe(RunConfig(optimizer="newton", penalty="l2", lam=1.0).validate()) == "Newton, L2 λ = 1"
    spec = RunSpec.make("a", RunConfig(), name="mine")
    assert spec.label == "mine"


def test_bad_settings_are_refused_by_the_model_with_a_reason():
    from lrgui.core.errors import ConfigError

    s = Session.default()
    with pytest.raises(ConfigError, match="degree"):
        s.runs[0].with_config(degree=12)
    with pytest.raises(ConfigError, match="at least one run"):
        s.update(runs=())


# -- options ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("config", [
    RunConfig(),
    RunConfig(optimizer="sgd", hyper={"batch_size": 8, "lr": 0.3}, standardize=True, degree=3, seed=4),
    RunConfig(optimizer="adam", penalty="l1", lam=0.5, class_weight="balanced", resample="under",
              test_fraction=0.25, init=[1.0, 2.0, 3.0], tol=1e-9, max_epochs=77),
    RunConfig(optimizer="lbfgs", loss="cross-entropy", init="random"),
])
def test_options_give_back_the_config(config):
    config.validate()
    options = options_from_config(config)
    assert json.loads(json.dumps(options)) == options
    assert config_from_options(options).as_dict() == config.as_dict()
    assert set(options) <= {o.name for o in run_options()}


def test_hand_written_options_use_the_trainer_defaults_and_name_bad_keys():
    from lrgui.core.errors import ConfigError

    c = config_from_options({"optimizer": "adam", "lr": 0.05, "standardize": True, "epochs": 500,
                             "batch_size": "4", "init": "0,1,2"})
    assert (c.optimizer, c.hyper["lr"], c.hyper["batch_size"], c.standardize, c.max_epochs, c.init) == \
           ("adam", 0.05, 4, True, 500, [0.0, 1.0, 2.0])
    assert c.penalty == "none" and c.tol == 1e-6
    with pytest.raises(ConfigError, match="unknown run setting 'speed'"):
        config_from_options({"speed": 3})
    with pytest.raises(ConfigError, match="has no setting 'momentum'"):
        config_from_options({"optimizer": "gd", "momentum": 0.9})
    with pytest.raises(ConfigError, match="standardize must be true or false"):
        config_from_options({"standardize": "yes"})


# -- the file ---------------------------------------------------------------------------------------
def test_round_trip_through_json_keeps_everything():
    s = two_run_session()
    s.update(data=s.data.with_point([1e-300, -3.5e307], 1), origin=DataOrigin("generator", "gaussian", (), True))
    loaded = session_from_dict(json.loads(session_json(s, layout={"state": "abc"})))
    t = loaded.session
    assert t.data.equals(s.data) and t.origin == s.origin
    assert [r.config.as_dict() for r in t.runs] == [r.config.as_dict() for r in s.runs]
    assert [(r.name, r.color, r.muted) for r in t.runs] == [(r.name, r.color, r.muted) for r in s.runs]
    assert t.view == s.view and t.selected == t.runs[1].id and loaded.layout == {"state": "abc"}
    assert set(json.loads(session_json(s))) == {"format", "version", "data", "runs", "view", "layout"}


def test_a_hand_written_file_needs_only_data_and_runs(tmp_path):
    path = tmp_path / "lecture.lrgui.json"
    path.write_text(json.dumps({
        "data": {"generator": "gaussian", "params": {"seed": 3}},
        "runs": [{"optimizer": "adam", "lr": 0.05, "standardize": True, "epochs": 500}, {"optimizer": "newton"}],
    }))
    loaded = read_session(path)
    s = loaded.session
    assert s.data.equals(generate("gaussian", seed=3)) and s.origin.kind == "generator"
    assert [r.config.optimizer for r in s.runs] == ["adam", "newton"]
    assert s.runs[0].config.max_epochs == 500 and s.runs[1].config.max_epochs == 1000
    assert len({r.color for r in s.runs}) == 2 and s.view == ViewOptions()
    assert s.path == str(path) and loaded.recording is None


def test_data_may_come_from_a_file_beside_the_session(tmp_path, shared_data):
    import shutil

    shutil.copy(shared_data / "ex2data1.txt", tmp_path / "scores.txt")
    path = tmp_path / "s.lrgui.json"
    path.write_text(json.dumps({"data": {"file": "scores.txt"}, "runs": [{"optimizer": "newton"}]}))
    s = read_session(path).session
    assert s.data.n == 100 and s.origin.title() == "scores.txt"


@pytest.mark.parametrize("content,words", [
    ({"format": "lrgui-session", "version": VERSION + 1, "data": {}, "runs": []}, "newer lrgui"),
    ({"data": {"generator": "gaussian"}, "runs": [{"optimizer": "adamw"}]}, "run 1"),
    ({"data": {"generator": "gaussian"}, "runs": [{"optimizer": "gd", "lr": "fast"}]}, "lr must be a number"),
    ({"data": {"generator": "gaussian"}}, "'data' and 'runs'"),
    ({"data": {"generator": "gaussian"}, "runs": [{}], "extra": 1}, "unknown key 'extra'"),
    ({"data": {"generator": "gaussian"}, "runs": [{}], "view": {"threshold": 2}}, "threshold"),
    ({"data": {"X": [[1, 2]], "y": [3]}, "runs": [{}]}, "labels must be 0 or 1"),
    ({"format": "something-else", "data": {}, "runs": []}, "not an lrgui session"),
    ([1, 2], "one JSON object"),
])
def test_bad_files_are_refused_with_a_reason_and_left_alone(tmp_path, content, words):
    path = tmp_path / "bad.lrgui.json"
    text = json.dumps(content)
    path.write_text(text)
    with pytest.raises(SessionFileError, match=words):
        read_session(path)
    assert path.read_text() == text


def test_json_without_nan_is_required_both_ways(tmp_path):
    path = tmp_path / "nan.lrgui.json"
    path.write_text('{"data": {"X": [[NaN, 1], [2, 3]], "y": [0, 1]}, "runs": [{}]}')
    with pytest.raises(SessionFileError, match="NaN is not a JSON number"):
        read_session(path)


def test_recorded_histories_round_trip_exactly(tmp_path):
    s = two_run_session()
    rng = np.random.default_rng(0)
    rows = {"theta_original": rng.normal(size=(6, 3)) * 1e-7, "loss": rng.random(6), "grad_norm": rng.random(6),
            "accuracy": rng.random(6), "test_loss": np.full(6, np.nan), "test_accuracy": np.full(6, np.nan)}
    earlier = s.data.with_point([0.0, 0.0], 0)
    recording = Recording(4, (earlier,), (
        RecordedRun(((0, 0, s.runs[0].config), (3, None, s.runs[0].config)), rows), None))
    path = tmp_path / "h.lrgui.json"
    write_session(path, s, recording)
    back = read_session(path).recording
    assert back.epoch == 4 and back.data_versions[0].equals(earlier) and back.runs[1] is None
    run = back.runs[0]
    assert [(a, b) for a, b, _ in run.segments] == [(0, 0), (3, None)]
    for name, values in rows.items():
        np.testing.assert_array_equal(run.rows[name], values)


# -- writing safely ---------------------------------------------------------------------------------
def test_writes_follow_links_keep_the_mode_and_never_replace_devices(tmp_path):
    target = tmp_path / "real.json"
    target.write_text("old")
    os.chmod(target, 0o640)
    link = tmp_path / "link.json"
    link.symlink_to(target)
    write_text(link, "new")
    assert link.is_symlink() and target.read_text() == "new"
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o640
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    import threading

    got = []
    reader = threading.Thread(target=lambda: got.append(open(fifo).read()))
    reader.start()
    write_text(fifo, "through")
    reader.join(5)
    assert got == ["through"] and stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
