"""The Dask engine of ``lrgui train``: on data that fit in memory, chunk by chunk on a cluster, it
gives what the in-memory run gives (θ, the loss of every epoch, accuracy, epochs, the stop), from
CSV parts, Parquet row groups or chunks read again every epoch; bad input is refused in one line."""

import json
import re
import subprocess
import sys

import numpy as np
import pytest

pytest.importorskip("dask.dataframe")
pytest.importorskip("dask.distributed")
pytest.importorskip("pyarrow")

from lrgui import cli  # noqa: E402
from lrgui.core import distributed  # noqa: E402
from lrgui.core.config import RunConfig  # noqa: E402
from lrgui.core.dataset import Dataset  # noqa: E402
from lrgui.core.features import Standardizer  # noqa: E402
from lrgui.core.objective import Objective  # noqa: E402
from lrgui.core.optimizers import OPTIMIZERS as OPTIMIZER_NAMES  # noqa: E402
from lrgui.core.outcome import train_alone, train_result  # noqa: E402
from lrgui.core.table_io import read_table, write_table  # noqa: E402

TOL = 1e-10
N = 900


@pytest.fixture(scope="module")
def cluster():
    from dask.distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as c:
        yield c.scheduler_address


@pytest.fixture(scope="module")
def client(cluster):
    from dask.distributed import Client

    with Client(cluster) as c:
        yield c


def _dataset(n: int = N, seed: int = 1) -> Dataset:
    """Two overlapping classes ("no", "yes") on two features of different scales and offsets."""
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.4).astype(float)
    X = np.column_stack([rng.normal(2.0, 2.0, n) + 2.5 * y, rng.normal(50.0, 9.0, n) + 6.0 * y])
    return Dataset(X, y, ("size", "age"), {"no": 0, "yes": 1})


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """The same rows as one CSV file, as three CSV parts in a directory, and as a Parquet file of
    row groups of 200 rows; beside them two bad files."""
    import pandas as pd

    root = tmp_path_factory.mktemp("dask-engine")
    data = _dataset()
    write_table(data, root / "whole.csv")
    (root / "parts").mkdir()
    for i, rows in enumerate(np.array_split(np.arange(data.n), 3)):
        write_table(data.subset(rows), root / "parts" / f"part-{i}.csv")
    frame = pd.DataFrame(data.X, columns=list(data.feature_names))
    frame["label"] = np.where(data.y == 1, "yes", "no")
    frame.to_parquet(root / "rows.parquet", row_group_size=200)
    (root / "three.csv").write_text("x1,x2,label\n1,2,a\n3,4,b\n5,6,c\n")
    (root / "text.csv").write_text("x1,x2,label\n1,2,a\n3,x,b\n")
    (root / "comment.csv").write_text("x1,x2,label\n# a note\n1,2,a#b\n3,4,b\n")
    return root


def _on_cluster(cluster, data, config, **kw):
    kw.setdefault("chunk_rows", 130)
    return distributed.train_on_cluster(str(data), config, scheduler=cluster, **kw)


def _stop(result: dict) -> tuple[str, str]:
    """The status and reason of a result, ‖∇J‖ in the reason left out (at convergence it may be
    rounding noise, e.g. 9.4e-12 against 9.41e-12)."""
    return result["status"], re.sub(r"‖∇J‖ = \S+", "‖∇J‖ = …", result["reason"])


def _assert_same_run(ours, run_ours, reference, run_reference):
    """The engine's result and run equal the in-memory ones: every epoch's loss and accuracy, θ in
    both units, the number of epochs and the stop, the threshold metrics."""
    assert ours["epochs"] == reference["epochs"] > 0
    assert _stop(ours) == _stop(reference)
    np.testing.assert_allclose(run_ours.history.loss, run_reference.history.loss, rtol=0, atol=TOL)
    np.testing.assert_allclose(run_ours.history.accuracy, run_reference.history.accuracy, rtol=0, atol=TOL)
    # rounding differences grow a little along an ill-conditioned path (lbfgs on unscaled columns):
    # relative 1e-10 per epoch
    np.testing.assert_allclose(run_ours.history.theta, run_reference.history.theta, rtol=TOL, atol=TOL)
    np.testing.assert_allclose(ours["theta"], reference["theta"], rtol=0, atol=TOL)
    assert ours["loss"] == pytest.approx(reference["loss"], abs=TOL)
    assert ours["accuracy"] == reference["accuracy"]
    assert ours["label_map"] == reference["label_map"] and ours["theta_names"] == reference["theta_names"]
    for key, value in ours["train"].items():
        np.testing.assert_allclose(value, reference["train"][key], rtol=1e-12, err_msg=key)


OPTIMIZERS = [
    ("gd", {"lr": 0.5}, True, 40),
    ("momentum", {"lr": 0.1, "momentum": 0.8}, True, 40),
    ("nesterov", {"lr": 0.1, "momentum": 0.8}, True, 30),
    ("adagrad", {"lr": 0.5}, True, 30),
    ("rmsprop", {"lr": 0.02}, True, 30),
    ("adam", {"lr": 0.05}, True, 30),
    ("newton", {}, False, 50),
    ("lbfgs", {}, False, 200),
    ("bfgs", {}, True, 200),
    ("cg", {}, True, 200),
]


def test_the_supported_optimizers_are_the_full_batch_ones_and_all_are_compared_here():
    supported = distributed.supported_optimizers()
    assert set(supported) == {o[0] for o in OPTIMIZERS}
    assert [name for name in OPTIMIZER_NAMES.names() if name not in supported] == ["sgd"]


@pytest.mark.parametrize("optimizer,hyper,standardize,epochs", OPTIMIZERS, ids=[o[0] for o in OPTIMIZERS])
def test_every_supported_optimizer_equals_the_in_memory_run_on_csv_parts(cluster, files, optimizer, hyper,
                                                                         standardize, epochs):
    config = RunConfig(optimizer=optimizer, hyper=hyper, standardize=standardize, max_epochs=epochs)
    run_reference = train_alone(read_table(files / "whole.csv"), config)
    ours, run_ours = _on_cluster(cluster, files / "parts", config)
    assert ours["engine"]["files"] == 3 and ours["engine"]["rows"] == N and ours["engine"]["chunks"] >= 6
    _assert_same_run(ours, run_ours, train_result(run_reference), run_reference)


@pytest.mark.parametrize("source,options,persist", [
    ("rows.parquet", {"optimizer": "lbfgs", "penalty": "l2", "lam": 3.0, "class_weight": "balanced"}, None),
    ("parts", {"optimizer": "gd", "hyper": {"lr": 0.3}, "penalty": "l1", "lam": 20.0, "standardize": True,
               "max_epochs": 25}, False),
    ("parts/part-*.csv", {"optimizer": "gd", "hyper": {"lr": 2.0}, "loss": "squared", "standardize": True,
                          "max_epochs": 25}, None),
    ("parts", {"optimizer": "newton", "degree": 2, "standardize": True, "class_weight": "balanced"}, False),
], ids=["parquet-balanced-l2", "reread-l1", "glob-squared", "reread-degree-2"])
def test_parquet_globs_penalties_weights_degrees_and_chunks_read_again_equal_the_in_memory_run(
        cluster, files, source, options, persist):
    config = RunConfig(**options)
    run_reference = train_alone(read_table(files / "whole.csv"), config)
    ours, run_ours = _on_cluster(cluster, files / source, config, persist=persist)
    if persist is not None:
        assert ours["engine"]["persisted"] is persist
    if source.endswith(".parquet"):
        assert ours["engine"]["chunks"] == N // 200 + 1                 # one chunk per row group
    _assert_same_run(ours, run_ours, train_result(run_reference), run_reference)


def test_a_run_is_reproducible_bit_for_bit(cluster, files):
    config = RunConfig(optimizer="lbfgs", standardize=True)
    first, run1 = _on_cluster(cluster, files / "parts", config)
    again, run2 = _on_cluster(cluster, files / "parts", config)
    assert first["theta"] == again["theta"] and np.array_equal(run1.history.loss, run2.history.loss)


def test_standardisation_takes_numpys_means_and_scales_in_one_pass(client, tmp_path):
    rng = np.random.default_rng(5)
    n = 1000
    y = (rng.random(n) < 0.5).astype(float)
    X = np.column_stack([rng.normal(1e5, 3.0, n), np.full(n, 7.25), np.zeros(n), rng.normal(0, 1e-3, n) * 1e-150,
                         rng.exponential(2.0, n)])
    write_table(Dataset(X, y), tmp_path / "wide.csv")
    problem = distributed.cluster_problem(client, str(tmp_path / "wide.csv"), RunConfig(standardize=True),
                                          chunk_rows=97)
    fitted = problem.features.maps[-1]
    assert len(problem.objective.chunks) >= 9
    np.testing.assert_allclose(fitted.mean, X.mean(axis=0), rtol=1e-13, atol=0)
    varying = [0, 3, 4]
    np.testing.assert_allclose(fitted.scale[varying], X.std(axis=0, ddof=0)[varying], rtol=1e-12, atol=0)
    reference = Standardizer().fit(X)
    np.testing.assert_allclose(fitted.scale, reference.scale, rtol=1e-12, atol=0)
    assert fitted.scale[1] == reference.scale[1] == 7.25 and fitted.scale[2] == reference.scale[2] == 1.0
    columns = problem.objective.rows()[0]
    np.testing.assert_allclose(columns.mean(axis=0), 0.0, atol=1e-10)
    np.testing.assert_allclose(columns.std(axis=0)[varying], 1.0, rtol=1e-12)


@pytest.mark.parametrize("penalty,loss", [("none", "cross-entropy"), ("l2", "cross-entropy"), ("l2", "squared")])
def test_the_chunked_gradient_and_hessian_are_the_derivatives_of_the_chunked_loss(client, files, penalty, loss):
    config = RunConfig(standardize=True, penalty=penalty, lam=4.0, loss=loss)
    cost = distributed.cluster_problem(client, str(files / "parts"), config, chunk_rows=100).objective
    theta = np.array([0.3, -0.7, 1.1])
    loss_value, gradient = cost.loss_gradient(theta)
    h = 1e-6
    steps = np.eye(3) * h
    numeric = np.array([(cost.loss(theta + e) - cost.loss(theta - e)) / (2 * h) for e in steps])
    np.testing.assert_allclose(gradient, numeric, rtol=1e-6, atol=1e-9)
    columns, y = cost.rows()
    in_memory = Objective(columns, y, loss, penalty, 4.0)
    assert loss_value == pytest.approx(in_memory.loss(theta), rel=1e-14)
    np.testing.assert_allclose(gradient, in_memory.gradient(theta), rtol=1e-13, atol=1e-15)
    if loss == "cross-entropy":
        H = cost.hessian(theta)
        numeric_H = np.array([(cost.gradient(theta + e) - cost.gradient(theta - e)) / (2 * h) for e in steps])
        np.testing.assert_allclose(H, numeric_H, rtol=1e-6, atol=1e-8)
        np.testing.assert_allclose(H, in_memory.hessian(theta), rtol=1e-13, atol=1e-15)
        v = np.array([1.0, -2.0, 0.5])
        np.testing.assert_allclose(cost.hessp(theta, v), H @ v, rtol=1e-13, atol=1e-15)


def _cli_json(capsys, *args) -> dict:
    assert cli.main(["train", *map(str, args), "--json"]) == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


def test_the_command_line_on_a_directory_prints_what_it_prints_for_the_whole_file(cluster, files, capsys):
    options = ["-o", "lbfgs", "--standardize", "--penalty", "l2", "--lam", "2", "--threshold", "0.4"]
    reference = _cli_json(capsys, files / "whole.csv", *options)
    ours = _cli_json(capsys, files / "parts", *options, "--engine", "dask", "--scheduler", cluster,
                     "--chunk-rows", "150")
    assert set(reference) - set(ours) == set() and set(ours) - set(reference) == {"engine"}
    assert set(reference["train"]) - set(ours["train"]) == {"auc", "average_precision"}
    assert ours["engine"] == {"name": "dask", "scheduler": cluster, "workers": 2, "files": 3, "chunks": 6,
                              "rows": N, "persisted": True}
    assert _stop(ours) == _stop(reference)
    for key in ("epochs", "label_map", "theta_names", "optimizer", "config", "accuracy"):
        assert ours[key] == reference[key], key
    np.testing.assert_allclose(ours["theta"], reference["theta"], rtol=TOL, atol=TOL)
    for key in ("loss", "grad_norm"):
        assert ours[key] == pytest.approx(reference[key], abs=TOL)
    for key, value in ours["train"].items():
        np.testing.assert_allclose(value, reference["train"][key], rtol=1e-12, err_msg=key)
    assert cli.main(["train", str(files / "parts"), *options, "--engine", "dask", "--scheduler", cluster]) == 0
    text = capsys.readouterr().out
    assert f"engine      dask at {cluster} (2 workers): 900 rows in 3 chunks of 3 files" in text
    assert "θ (original units)" in text and "AUC" not in text


def test_a_local_cluster_starts_when_no_scheduler_is_given_and_help_imports_no_dask(files):
    out = subprocess.run([sys.executable, "-m", "lrgui", "train", files / "parts", "--engine", "dask", "-o",
                          "newton", "--json"], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    ours = json.loads(out.stdout)
    reference = train_result(train_alone(read_table(files / "whole.csv"), RunConfig(optimizer="newton")))
    np.testing.assert_allclose(ours["theta"], reference["theta"], rtol=TOL, atol=TOL)
    assert ours["epochs"] == reference["epochs"] and ours["engine"]["scheduler"].startswith("tcp://")
    code = ("import sys\nfrom lrgui.cli import main\ntry:\n    main(['train', '--help'])\nexcept SystemExit:\n"
            "    pass\nprint(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed', 'pyarrow')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and out.stdout.strip().endswith("[]"), out.stdout + out.stderr
    for words in ("--engine {memory,dask}", "--scheduler ADDRESS", "--chunk-rows N", "Parquet"):
        assert words in out.stdout


def _refusal(capsys, *args) -> str:
    assert cli.main(["train", *map(str, args)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    return err


@pytest.mark.parametrize("args,words", [
    (["{parts}", "-o", "sgd"], "trains full-batch optimizers (gd, momentum, nesterov"),
    (["{parts}", "-o", "adam", "--batch-size", "16"], "adam with batch size 16 makes mini-batch updates"),
    (["{root}/missing.csv"], "missing.csv: no such file or directory"),
    (["{root}/nothing-*.csv"], "nothing-*.csv: no file matches this pattern"),
    (["{root}/three.csv"], "3 label values ('a', 'b', 'c'): the dask engine trains two classes"),
    (["{root}/text.csv"], "a feature value is not a finite number (could not convert string to float: 'x'"),
    (["{root}/comment.csv"], "a feature value is not a finite number"),     # never a label a#b cut to a
    (["{parts}", "--test-fraction", "0.2"], "--test-fraction is not supported"),
    (["{parts}", "--resample", "over"], "does not resample"),
    (["gaussian"], "trains data files (CSV or Parquet), not generated data"),
    (["{parts}", "--scheduler", "nowhere"], "cannot reach the Dask scheduler nowhere"),
    (["{parts}", "--chunk-rows", "0"], "--chunk-rows must be a whole number of rows ≥ 1"),
])
def test_bad_input_is_refused_in_one_line(capsys, cluster, files, args, words):
    args = [a.format(parts=files / "parts", root=files) for a in args]
    scheduler = [] if "--scheduler" in args else ["--scheduler", cluster]
    assert words in _refusal(capsys, *args, "--engine", "dask", *scheduler)


def test_an_unreachable_scheduler_and_a_missing_dask_are_said_in_one_line(capsys, files, monkeypatch):
    assert "need --engine dask" in _refusal(capsys, files / "parts", "--scheduler", "tcp://127.0.0.1:1")
    monkeypatch.setattr(distributed.cluster, "CONNECT_TIMEOUT", "0.5s")
    err = _refusal(capsys, files / "parts", "--engine", "dask", "--scheduler", "tcp://127.0.0.1:1")
    assert "cannot reach the Dask scheduler tcp://127.0.0.1:1" in err
    monkeypatch.setitem(sys.modules, "dask.dataframe", None)
    err = _refusal(capsys, files / "parts", "--engine", "dask")
    assert "the dask engine needs Dask: pip install 'lrgui[dask]'" in err
