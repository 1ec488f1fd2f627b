"""scikit-learn and scipy's optimizers are imported where they are first needed, not at start-up:
the window and ``lrgui train --help`` start without them, and the first uses from two threads at
once in a fresh interpreter give what one thread gives."""

import json
import subprocess
import sys

import pytest

FRESH = {"timeout": 120, "capture_output": True, "text": True}


def test_the_window_and_the_command_line_start_without_scikit_learn():
    code = ("import sys, lrgui.cli, lrgui.explorer, lrgui.views.main_window, lrgui.core.session; "
            "s = lrgui.core.session.Session.default(); lrgui.cli._train_parser(); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'sklearn' "
            "or m.startswith(('scipy.optimize', 'scipy.linalg', 'scipy.special'))))")
    out = subprocess.run([sys.executable, "-c", code], **FRESH)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


THREADS = r"""
import json, sys, threading
import numpy as np
from lrgui.core.config import RunConfig
from lrgui.core.generators import generate
from lrgui.core.metrics import report
from lrgui.core.problem import build_problem
from lrgui.core.run import TrainingRun

def work(out, k):
    data = generate("moons", seed=k)                       # sklearn.datasets, first use
    problem = build_problem(data, RunConfig(test_fraction=0.25, class_weight="balanced", seed=k))
    z = problem.features.decision(np.zeros(problem.k) + 0.1, problem.test.X)
    run = TrainingRun(data, RunConfig(optimizer="lbfgs", max_epochs=30))    # scipy.optimize, first use
    run.step(30)
    three = TrainingRun(generate("blobs", seed=k), RunConfig(optimizer="newton", multiclass="multinomial"))
    three.step(5)                                          # scipy.special
    out[k] = [problem.train.n, float(problem.objective.loss(np.zeros(problem.k))),
              report(problem.test.y, z).as_dict()["accuracy"], run.theta.tolist(), run.problem_separable(),
              three.theta.tolist()]

results = {}
threads = [threading.Thread(target=work, args=(results, k)) for k in (1, 2)]
for t in threads:
    t.start()
for t in threads:
    t.join()
again = {}
for k in (1, 2):
    work(again, k)
print(json.dumps([results, again]))
"""


@pytest.mark.parametrize("attempt", range(3))
def test_first_uses_from_two_threads_at_once_give_what_one_thread_gives(attempt):
    out = subprocess.run([sys.executable, "-c", THREADS], **FRESH)
    assert out.returncode == 0, out.stderr
    together, alone = json.loads(out.stdout)
    assert together == alone and set(together) == {"1", "2"}


def test_lrgui_train_works_from_a_fresh_interpreter(tmp_path):
    out = subprocess.run([sys.executable, "-m", "lrgui", "train", "moons", "--test-fraction", "0.2",
                          "--class-weight", "balanced", "--json"], cwd=tmp_path, **FRESH)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["status"] in ("converged", "max_epochs") and "test" in result
