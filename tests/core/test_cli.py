"""The headless trainer, run as a user runs it."""

import csv
import json
import subprocess
import sys

import numpy as np
import pytest


def lrgui(*args):
    return subprocess.run([sys.executable, "-m", "lrgui", *map(str, args)], capture_output=True, text=True, timeout=120)


def test_reproduces_the_published_ex2data1_results(shared_data, tmp_path):
    out = lrgui("train", shared_data / "ex2data1.txt", "-o", "newton", "--json", "--history", tmp_path / "h.csv")
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["status"] == "converged"
    np.testing.assert_allclose(result["theta"], [-25.161, 0.206, 0.201], atol=1e-3)
    assert result["loss"] == pytest.approx(0.2035, abs=1e-4)
    assert result["accuracy"] == pytest.approx(0.89)
    assert result["label_map"] == {"0": 0, "1": 1}
    b, w1, w2 = result["theta"]
    assert 1 / (1 + np.exp(-(b + 45 * w1 + 85 * w2))) == pytest.approx(0.776, abs=1e-3)
    rows = list(csv.DictReader(open(tmp_path / "h.csv")))
    assert float(rows[0]["loss"]) == pytest.approx(0.693, abs=1e-3)     # J at θ = 0
    assert len(rows) == result["epochs"] + 1


def test_reproduces_the_published_ex2data2_accuracy(shared_data):
    out = lrgui("train", shared_data / "ex2data2.txt", "--degree", "6", "--penalty", "l2", "--lam", "1",
                "-o", "lbfgs", "--json")
    result = json.loads(out.stdout)
    assert result["accuracy"] == pytest.approx(0.83, abs=0.01)
    assert len(result["theta"]) == 28


def test_summary_and_help():
    out = lrgui("train", "gaussian", "--gen", "n0=30", "--lr", "0.02", "--epochs", "20")
    assert out.returncode == 0 and "status      max_epochs after 20 epochs" in out.stdout
    assert "70 points" in out.stdout
    help_text = lrgui("train", "--help").stdout
    for word in ("--optimizer", "--lr", "--batch-size", "--beta1", "--penalty", "--history", "lbfgs", "breast-cancer"):
        assert word in help_text
    top = lrgui("--help").stdout
    assert "lrgui train" in top and "Space" in top and "Ctrl+Z" in top


@pytest.mark.parametrize("args,words", [
    (["missing.csv"], "no such file"),
    (["gaussian", "--momentum", "0.5"], "has no setting 'momentum'"),
    (["gaussian", "--degree", "9"], "degree"),
    (["gaussian", "--gen", "n0=-3"], "n0"),
    (["gaussian", "--init", "1,x"], "init takes zero, random or numbers"),
    (["gaussian", "-o", "newton", "--loss", "squared"], "cross-entropy"),
])
def test_bad_input_exits_2_with_one_line(args, words):
    out = lrgui("train", *args)
    assert out.returncode == 2
    assert words in out.stderr and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def test_diverged_run_is_valid_json_with_finite_theta():
    out = lrgui("train", "gaussian", "--lr", "1e6", "--json")
    result = json.loads(out.stdout)
    assert result["status"] == "diverged" and all(np.isfinite(result["theta"]))


def test_core_imports_no_qt():
    code = ("import sys, lrgui.core, lrgui.core.run, lrgui.core.kernels;"
            "bad=[m for m in sys.modules if m.split('.')[0] in ('PySide6','pyqtgraph','shiboken6')];"
            "print(bad); sys.exit(bool(bad))")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_import_linter_contract_holds():
    import shutil
    from pathlib import Path

    exe = shutil.which("lint-imports")
    if exe is None:
        pytest.skip("import-linter is not installed")
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([exe], cwd=root, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr


# -- training a session -----------------------------------------------------------------------------
SESSION_RUNS = [
    ({"optimizer": "adam", "lr": 0.05, "standardize": True, "epochs": 200},
     ["-o", "adam", "--lr", "0.05", "--standardize", "--epochs", "200"]),
    ({"optimizer": "gd", "lr": 0.5, "epochs": 300},
     ["-o", "gd", "--lr", "0.5", "--epochs", "300"]),
]


def _session_file(tmp_path):
    path = tmp_path / "lecture.lrgui.json"
    path.write_text(json.dumps({"data": {"generator": "gaussian", "params": {"seed": 3}},
                                "runs": [run for run, _ in SESSION_RUNS]}))
    return path


def test_training_a_session_prints_what_train_prints_for_each_run(tmp_path):
    path = _session_file(tmp_path)
    out = lrgui("train", path, "--json")
    assert out.returncode == 0, out.stderr
    assert len(out.stdout.strip().splitlines()) == 1
    results = json.loads(out.stdout)
    assert isinstance(results, list) and len(results) == len(SESSION_RUNS)
    for result, (_, flags) in zip(results, SESSION_RUNS):
        alone = lrgui("train", "gaussian", "--gen", "seed=3", *flags, "--json")
        assert alone.returncode == 0, alone.stderr
        assert result == json.loads(alone.stdout)
    assert [r["optimizer"] for r in results] == ["adam", "gd"]
    assert [r["epochs"] for r in results] == [200, 300]
    assert results[0]["config"]["standardize"] is True and results[1]["config"]["standardize"] is False

    # An independent computation of the plain-GD run: full-batch gradient descent on the mean
    # cross-entropy from θ = 0, on the same seeded data.
    from scipy.special import expit

    from lrgui.core.generators import generate

    d = generate("gaussian", seed=3)
    A = np.c_[np.ones(d.n), d.X]
    theta = np.zeros(3)
    for _ in range(300):
        theta -= 0.5 * A.T @ (expit(A @ theta) - d.y) / d.n
    np.testing.assert_allclose(results[1]["theta"], theta, rtol=1e-10, atol=1e-12)
    z = A @ theta
    assert results[1]["loss"] == pytest.approx(np.mean(np.logaddexp(0, z) - d.y * z), rel=1e-10)


@pytest.mark.parametrize("extra", [
    ["--lr", "0.1"],
    ["--standardize"],
    ["--gen", "seed=4"],
    ["--label-column", "2"],
    ["--history", "h.csv"],
])
def test_training_options_with_a_session_are_refused(tmp_path, extra):
    path = _session_file(tmp_path)
    before = path.read_bytes()
    out = subprocess.run([sys.executable, "-m", "lrgui", "train", str(path), *extra, "--json"],
                         capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert out.returncode == 2
    assert out.stdout == ""
    assert len(out.stderr.strip().splitlines()) == 1 and "Traceback" not in out.stderr
    assert "session's runs carry their own settings" in out.stderr
    assert path.read_bytes() == before
    assert not (tmp_path / "h.csv").exists()
