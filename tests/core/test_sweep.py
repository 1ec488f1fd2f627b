"""Learning-rate sweeps: each entry equals what ``lrgui train --json`` prints for its configuration
alone, bit for bit, whatever the backend and the number of jobs; a cancel stops a sweep at once."""

import json
import time

import numpy as np
import pytest

from lrgui.core import kernels
from lrgui.core.dataset import Dataset
from lrgui.core.errors import ConfigError
from lrgui.core.generators import generate
from lrgui.core.sweep import Cancel, SweepGrid, check_grid, parse_lr_range, parse_param, run_sweep
from tests.core.test_cli import lrgui

SWEEP = ["gaussian", "--gen", "n0=60", "-o", "momentum", "--epochs", "150", "--standardize",
         "--lr", "0.01:3:3", "--param", "momentum=0,0.9"]


def test_each_entry_is_what_train_prints_for_it_alone():
    out = lrgui("sweep", *SWEEP, "--json", "--jobs", "2")
    assert out.returncode == 0, out.stderr
    entries = json.loads(out.stdout)
    assert [e["settings"]["momentum"] for e in entries] == [0, 0, 0, 0.9, 0.9, 0.9]
    assert [e["settings"]["lr"] for e in entries] == pytest.approx([0.01, 0.01 * 300 ** 0.5, 3.0] * 2, rel=1e-15)
    for entry in entries[::2] + entries[1::4]:
        s = entry.pop("settings")
        alone = lrgui("train", "gaussian", "--gen", "n0=60", "-o", "momentum", "--epochs", "150",
                      "--standardize", "--lr", repr(s["lr"]), "--momentum", repr(s["momentum"]), "--json")
        assert alone.returncode == 0, alone.stderr
        assert json.dumps(entry, allow_nan=False) == alone.stdout.strip()
    one_job = lrgui("sweep", *SWEEP, "--json", "--jobs", "1")
    assert one_job.stdout == out.stdout


def _wide_data(n=150_000):
    """More rows than one kernel chunk, so that the kernels split them over threads."""
    rng = np.random.default_rng(7)
    X = rng.normal(size=(n, 2)) + np.where(rng.random(n) < 0.5, 0.0, 1.5)[:, None]
    y = (X.sum(axis=1) + rng.normal(size=n) > 1.5).astype(int)
    return Dataset(X, y)


def test_kernel_sums_do_not_depend_on_the_number_of_threads(monkeypatch):
    data = _wide_data()
    D = kernels.SignedDesign(data.X, data.y.astype(float))
    theta = np.array([0.3, -0.7, 0.2])
    seen = []
    for threads in (1, 2, 3, 4):
        monkeypatch.setattr(kernels, "_THREADS", threads)
        seen.append(kernels._loss_sums(theta, D, kernels._cross_entropy_tail))
    for loss, grad, wrong in seen[1:]:
        assert loss == seen[0][0] and np.array_equal(grad, seen[0][1]) and wrong == seen[0][2]
    # and the sums are the sums: against a plain computation
    A = np.c_[np.ones(data.n), data.X]
    z = A @ theta
    assert seen[0][0] == pytest.approx(np.sum(np.logaddexp(0, z) - data.y * z), rel=1e-12)
    np.testing.assert_allclose(seen[0][1], A.T @ (1 / (1 + np.exp(-z)) - data.y), rtol=1e-10)


def test_the_dask_backend_gives_the_same_entries_as_processes_here():
    pytest.importorskip("distributed")
    data = _wide_data(80_000)
    configurations = check_grid({"epochs": 20}, SweepGrid(parse_lr_range("0.1:10:3")))
    here = run_sweep(data, configurations, "loky", 2)
    on_dask = run_sweep(data, configurations, "dask", 2)
    assert json.dumps(on_dask) == json.dumps(here)
    assert all(e["epochs"] == 20 for e in here)


def test_cancel_stops_a_sweep_within_a_second():
    data = generate("gaussian", n0=2000, n1=2000, seed=1)
    # the first configuration ends at once, the others would train for minutes
    configurations = check_grid({"tol": 0}, SweepGrid(parse_lr_range("0.01:0.1:2"), "epochs", (1, 10_000_000)))
    cancel = Cancel()
    arrived, cancelled_at = [], []

    def on_entry(i, entry):
        arrived.append(i)
        cancel.set()
        cancelled_at.append(time.perf_counter())

    try:
        entries = run_sweep(data, configurations, "loky", 2, on_entry=on_entry, cancel=cancel)
        stopped = time.perf_counter() - cancelled_at[0]
    finally:
        cancel.close()
    assert arrived and entries[2] is None and entries[3] is None
    assert stopped < 1.0, stopped


def test_ranges_and_params_are_read_as_stated():
    np.testing.assert_allclose(parse_lr_range("1e-3:10:5"), [1e-3, 1e-2, 1e-1, 1, 10], rtol=1e-14)
    assert parse_lr_range("0.5:0.5:1") == (0.5,)
    assert parse_lr_range("10:0.1:3") == pytest.approx((10, 1, 0.1))
    assert parse_param("batch_size=8,32,0") == ("batch-size", (8, 32, 0))
    assert parse_param("lam=0.01, 1") == ("lam", (0.01, 1.0))
    grid = SweepGrid((0.1, 1.0), "degree", (1, 2))
    assert [(c["degree"], c["lr"]) for c in grid.configurations({"epochs": 5})] == [(1, 0.1), (1, 1.0), (2, 0.1), (2, 1.0)]


@pytest.mark.parametrize("args,words", [
    (["--lr", "1:2"], "--lr takes FROM:TO:COUNT"),
    (["--lr", "0:1:3"], "above 0"),
    (["--lr", "1e-3:1:0"], "number of learning rates must lie in"),
    (["--lr", "1e-3:1:x"], "must be a number"),
    (["--lr", "1e-3:1:3", "--param", "colour=1,2"], "cannot vary 'colour'"),
    (["--lr", "1e-3:1:3", "--param", "momentum=0.5,a"], "'a' is not a number"),
    (["--lr", "1e-3:1:3", "--param", "momentum=0.5,1.5", "-o", "momentum"], "momentum = 1.5: momentum must lie in"),
    (["--lr", "1e-3:1:3", "-o", "newton"], "has no setting 'lr'"),
    (["--lr", "1e-3:1:3", "--scheduler", "tcp://nowhere:1"], "needs --backend dask"),
    (["--lr", "1e-3:1:3", "--jobs", "0"], "--jobs must be"),
])
def test_bad_sweeps_are_refused_in_one_line(args, words):
    out = lrgui("sweep", "gaussian", *args)
    assert out.returncode == 2, out.stdout
    assert words in out.stderr and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def test_the_table_lists_every_configuration():
    out = lrgui("sweep", "gaussian", "--lr", "0.01:1:3", "--param", "lam=0,10", "--penalty", "l2", "--epochs", "50")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert "6 configurations" in lines[0] and lines[1].split()[:2] == ["lr", "lam"]
    assert len(lines) == 8 and all("max_epochs" in line for line in lines[2:])


def test_a_grid_that_cannot_train_is_refused_with_the_configuration_named():
    with pytest.raises(ConfigError, match="lr = 1, momentum = 2"):
        check_grid({"optimizer": "momentum"}, SweepGrid((1.0,), "momentum", (0.5, 2.0)))


def test_configurations_are_handed_out_in_the_order_asked():
    """Learning rate by learning rate across the values, so that a cancelled sweep leaves a
    point on every curve; the entries still come back in grid order."""
    grid = SweepGrid((0.1, 1.0, 10.0), "momentum", (0.0, 0.9))
    assert grid.interleaved() == [0, 3, 1, 4, 2, 5]
    configurations = check_grid({"optimizer": "momentum", "epochs": 5}, grid)
    arrived = []
    entries = run_sweep(generate("gaussian"), configurations, "loky", 1,
                        on_entry=lambda i, e: arrived.append(i), order=grid.interleaved())
    assert arrived == grid.interleaved()
    assert [(e["settings"]["momentum"], e["settings"]["lr"]) for e in entries] == \
        [(m, lr) for m in (0.0, 0.9) for lr in (0.1, 1.0, 10.0)]
