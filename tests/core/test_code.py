"""'Show the code': the script ``lrgui code`` writes, run by plain python in a process of its own,
prints the θ that ``lrgui train SESSION --json`` gives, for every optimizer."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from lrgui.cli import main
from lrgui.core.code import EMBEDDED_ROWS, script
from lrgui.core.config import RunConfig
from lrgui.core.errors import ConfigError
from lrgui.core.generators import generate
from lrgui.core.optimizers import OPTIMIZERS
from lrgui.core.session import DataOrigin, RunSpec, Session
from lrgui.core.session_file import write_session

# one run per optimizer, each with other features, costs and options around it
RUNS = {
    "gd": dict(hyper={"lr": 0.5}, standardize=True),
    "sgd": dict(hyper={"lr": 0.1, "batch_size": 16}, max_epochs=60, standardize=True),
    "momentum": dict(hyper={"lr": 0.1, "schedule": "step", "step_every": 20}, penalty="l2", lam=2.0,
                     standardize=True),
    "nesterov": dict(hyper={"lr": 0.05, "schedule": "cyclic", "lr_min": 0.01, "period": 40}, degree=2,
                     standardize=True, max_epochs=300),
    "adagrad": dict(hyper={"lr": 0.5}, penalty="l1", lam=3.0, standardize=True, max_epochs=400),
    "rmsprop": dict(hyper={"lr": 0.01, "batch_size": 20, "schedule": "exponential", "gamma": 0.995},
                    class_weight="balanced", max_epochs=200, standardize=True),
    "adam": dict(hyper={"lr": 0.05, "schedule": "cosine"}, test_fraction=0.25, resample="over", init="random",
                 max_epochs=300),
    "newton": dict(penalty="l2", lam=1.0),
    "cg": dict(standardize=True),
    "bfgs": dict(init=[0.5, -0.2, 0.1]),
    "lbfgs": dict(degree=3, standardize=True, penalty="l2", lam=0.5),
}


@pytest.fixture(scope="module")
def race(tmp_path_factory):
    assert set(RUNS) == set(OPTIMIZERS.names())          # a new optimizer needs a case here
    data = generate("gaussian", n0=50, n1=30, seed=4)
    specs = [RunSpec.make(f"r{i}", RunConfig.from_dict({"optimizer": name, **kw}), color=i % 8, name=name)
             for i, (name, kw) in enumerate(RUNS.items())]
    session = Session(data, DataOrigin.generator("gaussian"), tuple(specs), specs[0].id)
    path = tmp_path_factory.mktemp("code") / "race.lrgui.json"
    write_session(path, session)
    return path


def plain_python(path, cwd) -> subprocess.CompletedProcess:
    """``python path`` with nothing of lrgui importable (no PYTHONPATH, another folder)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run([sys.executable, "-I", str(path)], capture_output=True, text=True, cwd=cwd,
                          env=env, timeout=300)


def test_every_optimizers_script_prints_the_theta_of_lrgui_train(race, tmp_path, capsys):
    assert main(["train", str(race), "--json"]) == 0
    trained = json.loads(capsys.readouterr().out)
    for k, (name, result) in enumerate(zip(RUNS, trained), 1):
        out = tmp_path / f"{name}.py"
        assert main(["code", str(race), "--run", str(k), "--out", str(out)]) == 0
        text = out.read_text()
        assert "lrgui" not in text.split('"""', 2)[2]          # nothing of lrgui past the docstring
        done = plain_python(out, tmp_path)
        assert done.returncode == 0, done.stderr
        theta = json.loads(done.stdout.strip().splitlines()[-1])
        want = result["theta"]
        assert len(theta) == len(want)
        assert np.allclose(theta, want, rtol=1e-10, atol=1e-10), (name, np.subtract(theta, want))
        assert done.stdout.splitlines()[-2].startswith(f"{result['status']} after {result['epochs']} epochs")


def test_the_script_is_plain_readable_numpy(race, capsys):
    assert main(["code", str(race), "--run", "adam"]) == 0
    text = capsys.readouterr().out
    compile(text, "adam.py", "exec")
    assert "import numpy as np" in text and "m ← β₁ m + (1 − β₁) g" in text
    assert "grad = P.T @ slope / m" in text and "∂ℓ/∂z = p − y" in text      # a mean, σ at z
    assert max(len(line) for line in text.splitlines() if not line.startswith("    [")) <= 120


def test_large_data_go_to_a_csv_file_beside_the_script(tmp_path, capsys):
    data = generate("gaussian", n0=EMBEDDED_ROWS, n1=200, seed=1)
    config = RunConfig.from_dict({"optimizer": "lbfgs", "standardize": True})
    session = Session(data, DataOrigin.generator("gaussian"), (RunSpec.make("r1", config),), "r1")
    path = tmp_path / "big.lrgui.json"
    write_session(path, session)
    assert main(["code", str(path)]) == 2
    assert "--data-file" in capsys.readouterr().err
    rows, out = tmp_path / "rows.csv", tmp_path / "big.py"
    assert main(["code", str(path), "--data-file", str(rows), "--out", str(out)]) == 0
    assert main(["train", str(path), "--json"]) == 0
    want = json.loads(capsys.readouterr().out.strip().splitlines()[-1])[0]["theta"]
    done = plain_python(out, tmp_path)
    assert done.returncode == 0, done.stderr
    assert np.allclose(json.loads(done.stdout.splitlines()[-1]), want, rtol=1e-10, atol=1e-10)


def test_a_run_that_cannot_train_says_why_in_one_line(tmp_path, capsys):
    assert main(["code", "gaussian-clouds", "--run", "9"]) == 2
    err = capsys.readouterr().err
    assert "no run '9'" in err and err.count("\n") == 1
    with pytest.raises(ConfigError, match="cannot handle the L1 penalty"):
        script(generate("gaussian"), RunConfig.from_dict({"optimizer": "newton", "penalty": "l1"}), "t")
