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
