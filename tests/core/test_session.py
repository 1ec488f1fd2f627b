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
    assert s.runs[0].config.hyper == {"lr": 0.01, "batch_size": 0, "schedule": "constant", "decay": 0.0,
                                      "step_every": 100, "step_factor": 0.5, "gamma": 0.99, "lr_min": 0.0,
                                      "period": 100, "beta1": 0.9, "beta2": 0.999,
                                      "eps": 1e-8}      # the new optimizer's defaults
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
            "accuracy": rng.random(6), "test_loss": np.full(6, np.nan), "test_accuracy": np.full(6, np.nan),
            "lr": 0.5 ** np.arange(6)}
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


# -- strict reading ("never crash, never lie, never lose data") ----------------------------------------
def _session_refusal(path) -> SessionFileError:
    """The SessionFileError of reading ``path``: one short line that starts with the file's name."""
    with pytest.raises(SessionFileError) as info:
        read_session(path)
    message = str(info.value)
    assert message.startswith(str(path)) and "\n" not in message and len(message) <= 300
    return info.value


def _points(**changes) -> dict:
    data = {"X": [[1.0, 2.0], [3.0, 4.0]], "y": [0, 1]}
    data.update(changes)
    return {"data": data, "runs": [{}]}


@pytest.mark.parametrize("content,words", [
    (_points(X=[["1_000", 2.0], [3.0, 4.0]]), "holds text where numbers belong"),
    (_points(X=[["١٢", 2.0], [3.0, 4.0]]), "holds text where numbers belong"),
    (_points(X=[[True, 2.0], [3.0, 4.0]]), "holds true or false where numbers belong"),
    (_points(X=[[1.0, 2.0], [3.0]]), "different lengths"),
    (_points(X=[[1.0, [2.0]], [3.0, 4.0]]), "holds a list where numbers belong"),
    (_points(X=[[1.0, None], [3.0, 4.0]]), "holds null"),
    (_points(X=[[10 ** 350, 2.0], [3.0, 4.0]]), "beyond the range of floating point"),
    (_points(X=7), "list of rows"),
    (_points(y=["1", 0]), "y must be a list of numbers"),
    (_points(y=[0, 2]), "labels must be 0 or 1"),
    (_points(features=["a", 2]), "every name must be text"),
    (_points(features=["a\nb", "c"]), "line break"),
    (_points(classes=["no", "no"]), "two to 10 different classes"),
    (_points(classes=[" no", "yes"]), "without spaces around it"),
    (_points(lable_column=2), "has no key 'lable_column'"),
    (_points(edited="yes"), "edited must be true or false"),
    ({"data": {"generator": "gaussian", "params": [1]}, "runs": [{}]}, "params must be an object"),
    ({"data": {"generator": "gaussian", "params": {"seed": [1]}}, "runs": [{}]}, "'seed' must be a number"),
    ({"data": {"generator": 3}, "runs": [{}]}, "generator must be text"),
    ({"data": {"file": {"a": 1}}, "runs": [{}]}, "file must be text"),
    ({"data": {"generator": "gaussian"}, "runs": [{"name": 3}]}, "name must be text"),
    ({"data": {"generator": "gaussian"}, "runs": [{"muted": "no"}]}, "muted must be true or false"),
    ({"data": {"generator": "gaussian"}, "runs": [{"lr": "1_000"}]}, "lr must be a number"),
    ({"data": {"generator": "gaussian"}, "runs": [{"epochs": "١٢"}]}, "must be a number"),
])
def test_values_of_the_wrong_kind_are_refused(tmp_path, content, words):
    path = tmp_path / "s.lrgui.json"
    path.write_text(json.dumps(content, ensure_ascii=False))
    assert words in _session_refusal(path).args[0]


@pytest.mark.parametrize("text,words", [
    ('{"data": {"X": [[1e400, 1], [2, 3]], "y": [0, 1]}, "runs": [{}]}', "1e400' is beyond the range"),
    ('{"data": {"X": [[-Infinity, 1], [2, 3]], "y": [0, 1]}, "runs": [{}]}', "-Infinity is not a JSON number"),
    ('{"data": {"X": [[1' + "0" * 5000 + ', 1], [2, 3]], "y": [0, 1]}, "runs": [{}]}', "5,001 digits is beyond the range"),
    ('{"data": ' + "[" * 100_000 + "]" * 100_000 + ', "runs": [{}]}', "nested too deeply"),
    ('{"data": {"generator": "gaussian"},\n "runs": [{}],,}', "line 2, column 15: not valid JSON"),
    ('{"data": {"generator": "gaussian", "params": {"seed": 3}, "runs": [{}]}', "not valid JSON"),
    ('{"data": {"X": [[1, 2], [2, 3]], "y": [0, 1], "features": ["\\ud800", "b"]}, "runs": [{}]}', "surrogate"),
    ("", "line 1, column 1: not valid JSON"),
    ('{"data": {"generator": "gaussian"}, "runs": [{"name": "' + "x" * 5_000_000 + '"}], "view": 1}', "view"),
    ('{"data": {"generator": "gaussian"}, "runs": [{"optimizer": "' + "x" * 5_000_000 + '"}]}', "longer than any"),
    ('{"data": {"generator": "gaussian"}, "runs": [{}], "' + "k" * 5_000_000 + '": 1}', "unknown key"),
    ('{"format": "' + "f" * 5_000_000 + '", "data": {}, "runs": []}', "not an lrgui session"),
], ids=lambda value: value[:30] if isinstance(value, str) else None)
def test_json_a_session_cannot_hold_is_refused_in_one_short_line(tmp_path, text, words):
    path = tmp_path / "s.lrgui.json"
    path.write_text(text)
    assert words in _session_refusal(path).args[0]


def test_text_that_is_not_utf8_is_refused_at_its_place(tmp_path):
    path = tmp_path / "s.lrgui.json"
    path.write_bytes('{"data": {"generator": "gaussian"},\n "runs": [{"name": "caf\xe9"}]}'.encode("latin-1"))
    assert ", line 2, column 24: not UTF-8 text" in _session_refusal(path).args[0]


def test_an_unpaired_surrogate_is_still_written_as_json(tmp_path):
    s = Session.default()
    s.update(runs=(RunSpec.make("run1", s.runs[0].config, name="a\ud800b"),))
    text = session_json(s)
    assert json.loads(text)["runs"][0]["name"] == "a\ud800b"
    text.encode("utf-8")


def _history(theta, **extra) -> dict:
    entry = {"segments": [{"from": 0, "data": "session", "settings": {}}], "theta": theta}
    entry.update(extra)
    return entry


@pytest.mark.parametrize("histories,words", [
    ({"data": 5}, "'data' must be a list"),
    ({"runs": [[1]]}, "must be an object"),
    ({"runs": [_history([[0, 0, 0]], segments=["x"])]}, "a segment is an object"),
    ({"runs": [_history([[0, 0, 0]], segments=[{"from": 1, "settings": {}}])]}, "segments start at epoch 0"),
    ({"runs": [_history([[0, 0, 0]] * 3, segments=[{"from": 0, "settings": {}},
                                                    {"from": 0, "settings": {}}])]}, "then later"),
    ({"runs": [_history([[0, 0, 0]] * 3, segments=[{"from": 0, "settings": {}},
                                                    {"from": 5, "settings": {}}])]}, "after the last recorded"),
    ({"runs": [_history([[0, 0, 0]], segments=[{"from": 0, "data": 0, "settings": {}}])]}, "data version 0"),
    ({"runs": [_history([[0, 0, 0]], segments=[{"from": 0, "settings": []}])]}, "settings must be an object"),
    ({"runs": [_history([[0, 0]])]}, "θ has 2 numbers per epoch, where the data and settings give 3"),
    ({"runs": [_history([])]}, "at least the row of epoch 0"),
    ({"runs": [_history(5)]}, "list of rows"),
    ({"runs": [_history([[0, 0, 0]], loss=[1.0, 2.0])]}, "'loss' has 2 rows"),
    ({"runs": [_history([[0, 0, 0]], loss="low")]}, "loss must be a list of numbers"),
    ({"runs": [_history([[0, 0, 0]], epochs=4)]}, "'epochs' is 4"),
    ({"runs": [_history([[0, 0, 0]], extra=1)]}, "no key 'extra'"),
    ({"runs": [_history([[0, 0, 0]])], "epoch": 3}, "epoch must be a whole number from 0 to 0"),
    ({"runs": [None, None]}, "at most one history per run"),
])
def test_malformed_histories_are_refused(tmp_path, histories, words):
    path = tmp_path / "s.lrgui.json"
    path.write_text(json.dumps({"data": {"generator": "gaussian"}, "runs": [{}], "histories": histories}))
    assert words in _session_refusal(path).args[0]


def test_a_well_formed_history_is_read(tmp_path):
    path = tmp_path / "s.lrgui.json"
    theta = [[0.0, 0.0, 0.0], [0.1, 0.2, 0.3]]
    path.write_text(json.dumps({"data": {"generator": "gaussian"}, "runs": [{}],
                                "histories": {"runs": [_history(theta, loss=[0.7, 0.6], epochs=1)]}}))
    run = read_session(path).recording.runs[0]
    np.testing.assert_array_equal(run.rows["theta_original"], theta)
    assert run.epochs == 1 and np.isnan(run.rows["test_loss"]).all()


@pytest.mark.parametrize("settings", [{"lr": "1" * 1_000_000 + "x"}, {"init": "0," + "2" * 1_000_000 + "x"}],
                         ids=["lr", "init"])
def test_a_setting_of_a_million_characters_is_refused_at_once(tmp_path, settings):
    path = tmp_path / "s.lrgui.json"
    path.write_text(json.dumps({"data": {"generator": "gaussian"}, "runs": [settings]}))
    assert "longer than any setting" in _session_refusal(path).args[0]


@pytest.mark.parametrize("names", [("x",), ("a", "b", "c")])
def test_a_session_without_points_reopens_with_its_columns(tmp_path, names):
    from lrgui.core.dataset import Dataset

    empty = Dataset(np.empty((0, len(names))), np.empty(0), names, {"no": 0, "yes": 1})
    path = tmp_path / "empty.lrgui.json"
    write_session(path, Session(empty, DataOrigin("file", "points", (), True)))
    back = read_session(path).session.data
    assert back.equals(empty) and back.X.shape == (0, len(names))


def test_the_data_tables_are_written_as_json_writes_them_in_one_piece():
    """The data's tables are encoded a block of rows at a time; the text is json.dumps(indent=1)'s."""
    from lrgui.core.session_file import _Table

    rng = np.random.default_rng(0)
    tables = [rng.normal(size=(5, 2)), rng.normal(size=(3, 1)), rng.normal(size=(4, 3)) * 1e300,
              np.array([[-0.0, 1e-320], [5e-324, 1.0]]), rng.integers(0, 3, 7), np.empty((0, 2)), np.array([1]),
              rng.normal(size=(2 * _Table.BLOCK + 3, 2)), rng.integers(0, 2, _Table.BLOCK + 1)]
    for a in tables:
        for depth in (0, 2, 3):
            assert _Table(a).text(depth) == json.dumps(a.tolist(), indent=1).replace("\n", "\n" + " " * depth)


def test_tables_anywhere_in_a_session_are_written_as_json_writes_them():
    """Data versions in histories hold tables too, deeper down: the text is json.dumps(indent=1)'s."""
    from lrgui.core.session_file import _Table, indented_json

    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(70, 2)), rng.integers(0, 2, 70)
    content = {"data": {"X": _Table(X), "y": _Table(y), "features": ["a", "b"]},
               "histories": {"data": [{"X": _Table(X[:5]), "y": _Table(y[:5])}, {"X": _Table(X), "y": _Table(y)}],
                             "loss": [0.5, 0.25], "rows": [[1, 2], [3, 4]]}}
    plain = {"data": {"X": X.tolist(), "y": y.tolist(), "features": ["a", "b"]},
             "histories": {"data": [{"X": X[:5].tolist(), "y": y[:5].tolist()}, {"X": X.tolist(), "y": y.tolist()}],
                           "loss": [0.5, 0.25], "rows": [[1, 2], [3, 4]]}}
    assert indented_json(content) == json.dumps(plain, indent=1) + "\n"
