"""More than two classes: one-vs-rest and multinomial (softmax) logistic regression, against
scikit-learn's OneVsRestClassifier(LogisticRegression) and multinomial LogisticRegression at the
optimum, on iris with its three species and on generated data with four classes; the softmax
cost's gradient and Hessian against finite differences; k-class files, label noise and
resampling."""

import json
import subprocess
import sys

import numpy as np
import pytest
from sklearn import metrics
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier

from lrgui.core.config import RunConfig
from lrgui.core.errors import DataFileError
from lrgui.core.generators import generate
from lrgui.core.multiclass import OneVsRestCost, blocks, one_vs_rest, class_margin, class_probabilities
from lrgui.core.objective import Objective
from lrgui.core.outcome import train_alone
from lrgui.core.problem import split_data
from lrgui.core.run import TrainingRun
from lrgui.core.softmax import SoftmaxObjective
from lrgui.core.table_io import read_table

LAM = 1.0          # L2, λ = 1/C: both costs have a unique optimum (iris' setosa is separable)

DATA = {"iris": lambda: generate("iris", classes="all three", feature_x="petal length", feature_y="sepal width"),
        "four blobs": lambda: generate("blobs", centers=4, spread=2.0, seed=1)}


def at_optimum(run) -> bool:
    """Converged, or stopped by scipy's own test with a gradient below 1e-6 (L-BFGS stops itself
    a little above a tolerance of 1e-10)."""
    return run.status == "converged" or (run.status == "stalled" and run.last.gradient_norm < 1e-6)


def probabilities(run, X):
    return class_probabilities(run.decision_function(X), run.config.multiclass)


def predict(run, X):
    return np.argmax(run.decision_function(X), axis=1)


def config(method, optimizer, **more):
    return RunConfig(optimizer=optimizer, hyper={}, penalty="l2", lam=LAM, multiclass=method,
                     tol=1e-10, max_epochs=2000, **more)


@pytest.mark.parametrize("name", list(DATA))
@pytest.mark.parametrize("optimizer", ["newton", "lbfgs"])
def test_one_vs_rest_agrees_with_scikit_learn_at_the_optimum(name, optimizer):
    data = DATA[name]()
    run = train_alone(data, config("ovr", optimizer))
    assert at_optimum(run) and run.history.parts == data.classes
    ref = OneVsRestClassifier(LogisticRegression(C=1 / LAM, tol=1e-12, max_iter=100_000)).fit(data.X, data.y)
    theta = np.array([np.r_[e.intercept_, e.coef_[0]] for e in ref.estimators_])
    np.testing.assert_allclose(blocks(run.theta_original, data.classes), theta, atol=2e-6 * np.abs(theta).max())
    np.testing.assert_allclose(probabilities(run, data.X), ref.predict_proba(data.X), atol=1e-6)
    # the class each point goes to, on the data and on a grid over the plane (the winning regions)
    lo, hi = data.X.min(axis=0) - 1, data.X.max(axis=0) + 1
    g = np.stack(np.meshgrid(np.linspace(lo[0], hi[0], 60), np.linspace(lo[1], hi[1], 60)), -1).reshape(-1, 2)
    np.testing.assert_array_equal(predict(run, g), ref.predict(g))
    np.testing.assert_array_equal(predict(run, data.X), ref.predict(data.X))


@pytest.mark.parametrize("name", list(DATA))
@pytest.mark.parametrize("optimizer", ["newton", "lbfgs"])
def test_multinomial_agrees_with_scikit_learn_at_the_optimum(name, optimizer):
    data = DATA[name]()
    run = train_alone(data, config("multinomial", optimizer))
    assert at_optimum(run) and run.history.parts == 0
    ref = LogisticRegression(C=1 / LAM, tol=1e-12, max_iter=100_000).fit(data.X, data.y)
    ours = blocks(run.theta_original, data.classes)
    np.testing.assert_allclose(ours[:, 1:], ref.coef_, atol=2e-6 * np.abs(ref.coef_).max())
    # the intercepts are defined up to one number added to all: compare them centred
    np.testing.assert_allclose(ours[:, 0] - ours[:, 0].mean(), ref.intercept_ - ref.intercept_.mean(), atol=2e-5)
    np.testing.assert_allclose(probabilities(run, data.X), ref.predict_proba(data.X), atol=1e-6)
    lo, hi = data.X.min(axis=0) - 1, data.X.max(axis=0) + 1
    g = np.stack(np.meshgrid(np.linspace(lo[0], hi[0], 60), np.linspace(lo[1], hi[1], 60)), -1).reshape(-1, 2)
    np.testing.assert_array_equal(predict(run, g), ref.predict(g))


def test_balanced_class_weights_agree_with_scikit_learn():
    data = generate("blobs", centers=3, seed=4, spread=2.5, n_samples=300).subset(np.r_[0:150, 150:170, 170:300])
    keep = np.flatnonzero((data.y != 2) | (np.arange(data.n) % 4 == 0))     # class 2 made rare
    data = data.subset(keep)
    run = train_alone(data, config("multinomial", "newton", class_weight="balanced"))
    ref = LogisticRegression(C=1 / LAM, tol=1e-12, max_iter=100_000, class_weight="balanced").fit(data.X, data.y)
    np.testing.assert_allclose(blocks(run.theta_original, 3)[:, 1:], ref.coef_, atol=1e-6)
    run = train_alone(data, config("ovr", "newton", class_weight="balanced"))
    ref = OneVsRestClassifier(LogisticRegression(C=1 / LAM, tol=1e-12, max_iter=100_000, class_weight="balanced"))
    theta = np.array([np.r_[e.intercept_, e.coef_[0]] for e in ref.fit(data.X, data.y).estimators_])
    np.testing.assert_allclose(blocks(run.theta_original, 3), theta, atol=1e-6)


@pytest.mark.parametrize("penalty,lam", [("none", 0.0), ("l2", 3.0)])
def test_the_softmax_cost_has_the_gradient_and_hessian_of_finite_differences(penalty, lam):
    rng = np.random.default_rng(0)
    F, y, s = rng.normal(size=(40, 3)), rng.integers(0, 4, 40), rng.uniform(0.5, 2.0, 40)
    cost = SoftmaxObjective(F, y, 4, penalty, lam, s)
    theta = rng.normal(size=cost.k)
    h = 1e-6
    numeric = np.array([(cost.loss(theta + h * e) - cost.loss(theta - h * e)) / (2 * h) for e in np.eye(cost.k)])
    np.testing.assert_allclose(cost.gradient(theta), numeric, atol=1e-8)
    # the Hessian of the data, plus curvature 1 exactly along the flat directions
    flat = cost._flat_directions()
    second = np.array([(cost.gradient(theta + h * e) - cost.gradient(theta - h * e)) / (2 * h) for e in np.eye(cost.k)])
    np.testing.assert_allclose(cost.hessian(theta) - flat.T @ flat, second, atol=1e-7)
    np.testing.assert_allclose(flat @ cost.gradient(theta), 0.0, atol=1e-12)       # J is flat along them
    v = rng.normal(size=cost.k)
    np.testing.assert_allclose(cost.hessp(theta, v), cost.hessian(theta) @ v, atol=1e-12)
    # the same cost as scikit-learn's log-loss of softmax probabilities
    p = cost.probabilities(theta)
    assert cost.loss(theta) == pytest.approx(metrics.log_loss(y, p, sample_weight=s, labels=range(4)) * s.sum() / 40
                                             + (0.5 * lam / 40) * np.sum(theta.reshape(4, 4)[:, 1:] ** 2))


def test_every_optimizer_trains_the_softmax_model():
    data = DATA["iris"]()
    start = np.log(3)                         # J at Θ = 0
    for optimizer in ("gd", "momentum", "nesterov", "adam", "sgd", "cg", "bfgs", "lbfgs"):
        run = TrainingRun(data, RunConfig(optimizer=optimizer, penalty="l2", lam=LAM, multiclass="multinomial",
                                          standardize=True, max_epochs=400, tol=1e-9))
        run.step(400)
        assert run.status != "diverged" and run.last.loss < 0.4 * start, optimizer


@pytest.mark.parametrize("penalty,lam,loss", [("none", 0.0, "cross-entropy"), ("l2", 3.0, "cross-entropy"),
                                               ("l1", 2.0, "squared")])
def test_the_one_vs_rest_cost_is_the_sum_of_the_two_class_costs(penalty, lam, loss):
    rng = np.random.default_rng(1)
    F, y = rng.normal(size=(50, 2)), rng.integers(0, 3, 50)
    cost = OneVsRestCost.build(F, y, 3, loss, penalty, lam)
    theta = rng.normal(size=cost.k)
    alone = [Objective(F, (y == c).astype(float), loss, penalty, lam) for c in range(3)]
    parts = blocks(theta, 3)
    assert cost.loss(theta) == pytest.approx(sum(o.loss(t) for o, t in zip(alone, parts)), rel=1e-13)
    np.testing.assert_allclose(cost.class_losses(theta), [o.loss(t) for o, t in zip(alone, parts)], rtol=1e-13)
    np.testing.assert_allclose(cost.gradient(theta), np.concatenate([o.gradient(t) for o, t in zip(alone, parts)]),
                               rtol=1e-12, atol=1e-15)
    assert cost.evaluate(theta).accuracy == pytest.approx(np.mean(np.argmax(cost.scores(theta), axis=1) == y))
    h = 1e-6
    numeric = np.array([(cost.loss(theta + h * e) - cost.loss(theta - h * e)) / (2 * h) for e in np.eye(cost.k)])
    if penalty != "l1":
        np.testing.assert_allclose(cost.gradient(theta), numeric, atol=1e-8)
    if loss == "cross-entropy":
        second = np.array([(cost.gradient(theta + h * e) - cost.gradient(theta - h * e)) / (2 * h)
                           for e in np.eye(cost.k)])
        np.testing.assert_allclose(cost.hessian(theta), second, atol=1e-7)
        v = rng.normal(size=cost.k)
        np.testing.assert_allclose(cost.hessp(theta, v), cost.hessian(theta) @ v, atol=1e-12)
    rows = np.array([40, 3, 11, 7])                       # a mini-batch, in any order
    batch = cost.batch(rows)
    assert batch.loss(theta) == pytest.approx(sum(o.batch(rows).loss(t) for o, t in zip(alone, parts)), rel=1e-13)
    np.testing.assert_allclose(batch.scores(theta), cost.scores(theta)[rows], rtol=1e-14)


def test_a_gradient_step_of_one_vs_rest_is_each_models_own_step():
    """The K models train side by side: K two-class runs of gradient descent give the same θ."""
    data = generate("blobs", centers=3, seed=5)
    run = TrainingRun(data, RunConfig(optimizer="gd", hyper={"lr": 0.05}, max_epochs=50))
    run.step(50)
    for c in range(3):
        alone = TrainingRun(one_vs_rest(data, c), RunConfig(optimizer="gd", hyper={"lr": 0.05}, max_epochs=50))
        alone.step(50)
        np.testing.assert_allclose(blocks(run.theta_original, 3)[c], alone.theta_original, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(run.history.column(f"part_loss_{c}"), alone.history.loss, rtol=1e-12)
    np.testing.assert_allclose(run.history.loss, sum(run.history.column(f"part_loss_{c}") for c in range(3)),
                               rtol=1e-12)


def test_the_softmax_margin_gives_the_softmax_probability():
    z = np.random.default_rng(3).normal(size=(20, 4)) * 5
    for c in range(4):
        np.testing.assert_allclose(1 / (1 + np.exp(-class_margin(z, c, "multinomial"))),
                                   class_probabilities(z, "multinomial")[:, c], rtol=1e-12)
    np.testing.assert_array_equal(class_margin(z, 2, "ovr"), z[:, 2])


def test_the_json_gives_theta_per_class_and_the_k_by_k_confusion_matrix(tmp_path):
    out = subprocess.run([sys.executable, "-m", "lrgui", "train", "iris", "--gen", "classes=all three",
                          "--gen", "feature_x=petal length", "--gen", "feature_y=sepal width", "--penalty", "l2",
                          "--optimizer", "newton", "--tol", "1e-10", "--test-fraction", "0.2", "--json"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["multiclass"] == "ovr" and result["classes"] == ["setosa", "versicolor", "virginica"]
    assert len(result["theta"]) == 3 and len(result["theta"][0]) == 3 and len(result["class_losses"]) == 3
    assert result["loss"] == pytest.approx(sum(result["class_losses"].values()))
    data = DATA["iris"]()
    split = split_data(data, RunConfig(test_fraction=0.2), resample=False)
    ref = OneVsRestClassifier(LogisticRegression(C=1.0, tol=1e-12, max_iter=100_000)).fit(split.train.X, split.train.y)
    theta = np.array([np.r_[e.intercept_, e.coef_[0]] for e in ref.estimators_])
    np.testing.assert_allclose(result["theta"], theta, atol=1e-5)
    for part, rows in (("train", split.train), ("test", split.test)):
        predicted = ref.predict(rows.X)
        assert result[part]["confusion"] == metrics.confusion_matrix(rows.y, predicted).tolist()
        np.testing.assert_allclose(result[part]["recall"], metrics.recall_score(rows.y, predicted, average=None))
        assert result[part]["balanced_accuracy"] == pytest.approx(metrics.balanced_accuracy_score(rows.y, predicted))


def test_files_with_k_labels_read_as_k_classes_in_the_labels_order(tmp_path):
    path = tmp_path / "three.csv"
    path.write_text("a,b,kind\n1,2,pear\n3,4,apple\n5,6,fig\n7,8,apple\n")
    with pytest.raises(DataFileError, match="third label value 'fig'"):
        read_table(path)
    data = read_table(path, max_classes=10)
    assert data.label_map == {"apple": 0, "fig": 1, "pear": 2} and data.y.tolist() == [2, 0, 1, 0]
    numbers = tmp_path / "numbers.csv"
    numbers.write_text("a,b,c\n1,2,10\n3,4,9\n5,6,10.5\n")
    assert read_table(numbers, max_classes=3).label_map == {"9": 0, "10": 1, "10.5": 2}
    with pytest.raises(DataFileError, match="third label value '10.5'"):
        read_table(numbers, max_classes=2)
    numbers.write_text("a,b,c\n1,2,10\n3,4,9\n5,6,10.5\n7,8,11\n")
    with pytest.raises(DataFileError, match="line 5, column 3: label value number 4, '11': at most 3 classes"):
        read_table(numbers, max_classes=3)


def test_label_noise_with_k_classes_moves_the_stated_fraction_to_other_classes():
    clean = generate("blobs", centers=4, seed=2)
    noisy = generate("blobs", centers=4, seed=2, noise=0.2)
    changed = np.flatnonzero(noisy.y != clean.y)
    assert len(changed) == round(0.2 * clean.n)
    assert set(np.unique(noisy.y)) == {0, 1, 2, 3}


@pytest.mark.parametrize("how", ["under", "over"])
def test_resampling_k_classes_evens_every_class(how):
    data = generate("blobs", centers=3, seed=0).subset(np.r_[0:300][np.r_[0:300] % 3 != 0][:170])
    counts = data.class_counts()
    train = split_data(data, RunConfig(resample=how, multiclass="multinomial")).train
    want = min(counts) if how == "under" else max(counts)
    assert train.class_counts() == (want,) * 3


def test_clicked_data_gain_a_class_with_its_first_point_and_lose_it_with_its_last():
    from lrgui.core.dataset import Dataset

    data = Dataset(np.array([[0.0, 0.0], [1.0, 1.0]]), np.array([0, 1]))
    three = data.with_point([2.0, 2.0], 2)
    assert three.classes == 3 and three.label_map == {"0": 0, "1": 1, "2": 2}
    assert three.without_point(2).classes == 2
    assert three.subset(np.array([0, 1])).classes == 3          # a subset keeps every class
    named = generate("iris", classes="all three")
    with pytest.raises(Exception, match="there is no class 3: these data have 3 classes"):
        named.with_point([1.0, 1.0], 3)
    with pytest.raises(Exception, match="at most 10 classes"):
        data.with_point([1.0, 1.0], 10)


def test_a_session_of_three_classes_saves_and_opens_with_its_runs(tmp_path):
    from lrgui.core.examples import EXAMPLES
    from lrgui.core.session_file import read_session, write_session

    session = EXAMPLES.get("iris-species").build()
    path = tmp_path / "species.lrgui.json"
    write_session(path, session)
    back = read_session(path).session
    assert back.data.equals(session.data) and back.data.class_names() == ("setosa", "versicolor", "virginica")
    assert [r.config.multiclass for r in back.runs] == ["ovr", "multinomial"]


def test_a_sweep_trains_three_classes_and_the_script_refuses_them_in_one_line(tmp_path):
    out = subprocess.run([sys.executable, "-m", "lrgui", "sweep", "blobs", "--lr", "0.1:1:2", "--jobs", "1",
                          "--epochs", "50", "--json"], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    entries = json.loads(out.stdout)
    data = generate("blobs")
    for entry in entries:
        run = TrainingRun(data, RunConfig(optimizer="gd", hyper={"lr": entry["settings"]["lr"]}, max_epochs=50))
        run.step(50)
        assert entry["loss"] == pytest.approx(run.last.loss, rel=1e-12)
        assert entry["accuracy"] == pytest.approx(np.mean(predict(run, data.X) == data.y))
    code = subprocess.run([sys.executable, "-m", "lrgui", "code", "iris-species"], capture_output=True, text=True,
                          timeout=120, cwd=tmp_path)
    assert code.returncode == 2 and "Traceback" not in code.stderr and len(code.stderr.strip().splitlines()) == 1
    assert "these data have 3" in code.stderr


def test_separation_of_k_classes_is_found_and_a_finite_optimum_agrees_with_scikit_learn():
    from lrgui.core.diagnose import find_optimum, separable
    from lrgui.core.problem import build_problem

    iris = DATA["iris"]()                 # setosa lies apart from the rest: no finite optimum
    for method in ("ovr", "multinomial"):
        assert separable(build_problem(iris, RunConfig(multiclass=method)).objective) is True
    apart = build_problem(one_vs_rest(iris, 0), RunConfig()).objective
    assert separable(apart) is True
    overlapping = generate("blobs", centers=3, spread=3.0)
    for method in ("ovr", "multinomial"):
        problem = build_problem(overlapping, RunConfig(multiclass=method))
        assert separable(problem.objective) is False
    problem = build_problem(overlapping, RunConfig(multiclass="multinomial"))
    optimum = problem.features.to_original(find_optimum(problem.objective, tol=1e-9).theta)
    ref = LogisticRegression(C=np.inf, tol=1e-12, max_iter=100_000).fit(overlapping.X, overlapping.y)
    np.testing.assert_allclose(blocks(optimum, 3)[:, 1:], ref.coef_, atol=1e-5)
