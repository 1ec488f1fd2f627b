"""Numbers a careless or hostile user can give: data at every scale from 1e-300 to 1e300, every
optimizer × loss × penalty, separable data for a long time, constant columns, contradictory and
single points. Nothing may raise (other than a documented refusal), warn, or report a number that
is not finite; the status must say what happened."""

import json
import math
import sys
import tracemalloc
import warnings

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.preprocessing import StandardScaler

from lrgui.cli import main
from lrgui.core.config import RunConfig
from lrgui.core.dataset import Dataset
from lrgui.core.errors import ConfigError, DatasetError, LrguiError
from lrgui.core.history import History
from lrgui.core.metrics import report
from lrgui.core.numerics import norm
from lrgui.core.objective import LOSSES, PENALTIES, Objective
from lrgui.core.optimizers import OPTIMIZERS
from lrgui.core.outcome import train_result
from lrgui.core.run import TERMINAL, TrainingRun

STATUSES = {"ready", *TERMINAL}
SCALES = (1e-300, 1e-150, 1.0, 1e150, 1e300)


def _overlapping(n: int = 40, seed: int = 0) -> Dataset:
    rng = np.random.default_rng(seed)
    X = np.vstack([rng.normal(-1.0, 1.5, (n // 2, 2)), rng.normal(1.0, 1.5, (n // 2, 2))])
    return Dataset(X, np.r_[np.zeros(n // 2), np.ones(n // 2)])


def _scaled(data: Dataset, scale: float) -> Dataset:
    return Dataset(data.X * scale, data.y)


def _all_finite(value) -> bool:
    """Whether JSON can hold ``value`` as it is (it has no NaN and no infinity)."""
    try:
        json.dumps(value, allow_nan=False)
    except ValueError:
        return False
    return True


def _train_quietly(data: Dataset, config: RunConfig) -> TrainingRun | LrguiError:
    """Train as ``lrgui train`` does, with every warning (numpy's overflow, invalid value and
    division warnings included) raised as an error."""
    with warnings.catch_warnings(), np.errstate(over="warn", invalid="warn", divide="warn"):
        warnings.simplefilter("error")
        try:
            run = TrainingRun(data, config)
        except LrguiError as refusal:
            return refusal
        run.step(max(1, config.max_epochs))
        result = train_result(run)
    assert _all_finite(result), result
    assert json.loads(json.dumps(result, allow_nan=False)) == result
    for column in ("loss", "grad_norm", "accuracy"):
        assert np.all(np.isfinite(run.history.column(column))), column
    assert np.all(np.isfinite(run.history.column("theta_original")))
    assert run.status in STATUSES
    if run.status != "ready":
        assert run.reason
    return run


COMBINATIONS = [(o, loss, p) for o in OPTIMIZERS.names() for loss in LOSSES.names() for p in PENALTIES.names()]


@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize("standardize", [False, True])
def test_every_optimizer_loss_and_penalty_at_every_scale(scale, standardize):
    data = _scaled(_overlapping(), scale)
    refused = 0
    for optimizer, loss, penalty in COMBINATIONS:
        config = RunConfig(optimizer=optimizer, loss=loss, penalty=penalty, lam=0.1,
                           standardize=standardize, max_epochs=25)
        outcome = _train_quietly(data, config)
        if isinstance(outcome, LrguiError):
            refused += 1
            assert isinstance(outcome, ConfigError), (optimizer, loss, penalty, outcome)
            assert len(str(outcome).splitlines()) == 1
    # Only the documented unsuitable pairs are refused: second-order methods need cross-entropy and
    # a smooth penalty; the scipy methods need a smooth penalty.
    unsuitable = sum(1 for o, loss, p in COMBINATIONS
                     if (o == "newton" and (loss != "cross-entropy" or p == "l1"))
                     or (o in ("cg", "bfgs", "lbfgs") and p == "l1"))
    assert refused == unsuitable


@pytest.mark.parametrize("scale", [1e-300, 1e-170, 1e154, 1e300, 1.7e308 / 6])
def test_standardised_training_does_not_depend_on_the_scale(scale):
    """The z-scores of x·s are those of x for any s: the run must reach what scikit-learn reaches
    on the unscaled data (not the base rate, not 'converged' at θ = 0)."""
    data = _overlapping(200, seed=4)
    run = _train_quietly(_scaled(data, scale), RunConfig(optimizer="newton", standardize=True, max_epochs=50))
    assert run.status == "converged"
    X = StandardScaler().fit_transform(data.X)
    reference = LogisticRegression(C=np.inf, tol=1e-12).fit(X, data.y)
    assert run.last.accuracy == pytest.approx(reference.score(X, data.y))
    np.testing.assert_allclose(run.theta, np.r_[reference.intercept_, reference.coef_[0]], rtol=1e-5)


def test_separable_data_for_a_hundred_thousand_epochs():
    X = np.array([[0.0, 0.0], [0.5, 0.2], [0.1, 0.9], [3.0, 3.0], [3.5, 2.5], [2.8, 4.0]])
    run = _train_quietly(Dataset(X, [0, 0, 0, 1, 1, 1]), RunConfig(hyper={"lr": 5.0}, max_epochs=100_000, tol=0.0))
    assert run.status == "max_epochs" and run.epoch == 100_000
    assert "separable" in run.reason
    assert run.last.accuracy == 1.0


def test_a_constant_column_is_kept_at_weight_zero_with_standardisation():
    data = _overlapping()
    X = np.column_stack([data.X, np.full(data.n, 7.25)])
    run = _train_quietly(Dataset(X, data.y), RunConfig(optimizer="lbfgs", standardize=True, max_epochs=200))
    assert run.status == "converged"
    assert run.theta_original[3] == 0.0
    reference = LogisticRegression(C=np.inf, tol=1e-12).fit(data.X, data.y)
    np.testing.assert_allclose(run.theta_original[:3], np.r_[reference.intercept_, reference.coef_[0]], rtol=1e-4)


@pytest.mark.parametrize("optimizer", sorted(OPTIMIZERS.names()))
def test_duplicate_points_with_opposite_labels_give_the_coin_toss(optimizer):
    X = np.array([[1.0, 2.0], [1.0, 2.0], [-1.0, 0.5], [-1.0, 0.5]])
    run = _train_quietly(Dataset(X, [0, 1, 0, 1]), RunConfig(optimizer=optimizer, max_epochs=300))
    assert run.last.loss == pytest.approx(math.log(2), abs=1e-6)


@pytest.mark.parametrize("X, y", [([[1.0, 2.0]], [1]), ([[1.0, 2.0], [3.0, 4.0]], [0, 0]), (np.empty((0, 2)), [])])
def test_a_single_point_or_one_class_is_refused_in_words_about_data(X, y):
    outcome = _train_quietly(Dataset(X, y), RunConfig())
    assert isinstance(outcome, DatasetError)
    assert "class" in str(outcome) and "click" not in str(outcome)


# -- the defects found with hostile input, one by one -------------------------------------------
def _cli(capsys, *args):
    """(exit status, stdout, stderr) of ``lrgui train ARGS``, run in this process."""
    try:
        code = main(["train", *map(str, args)])
    except SystemExit as exit_:            # argparse's own refusals leave this way
        code = exit_.code
    out, err = capsys.readouterr()
    return code, out, err


def _write(path, X, y):
    with open(path, "w") as fh:
        fh.write("a,b,label\n")
        for row, label in zip(X, y):
            fh.write(",".join(f"{v:.17g}" for v in row) + f",{int(label)}\n")
    return path


def test_polynomial_terms_that_overflow_are_refused(tmp_path, capsys):
    data = _overlapping()
    code, out, err = _cli(capsys, _write(tmp_path / "d.csv", data.X * 1e100, data.y), "--degree", "6", "--json")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "polynomial terms of degree 6" in err


def test_a_start_beyond_float_range_is_refused(tmp_path, capsys):
    data = _overlapping()
    code, _, err = _cli(capsys, _write(tmp_path / "d.csv", data.X, data.y), "--init", "1e308,1e308,1e308")
    assert code == 2 and "starting θ" in err and err.count("\n") == 1


@pytest.mark.parametrize("optimizer", ["gd", "newton", "lbfgs", "cg"])
def test_huge_features_give_finite_json_and_blame_the_scale(tmp_path, capsys, optimizer):
    data = _overlapping()
    code, out, err = _cli(capsys, _write(tmp_path / "d.csv", data.X * 1e200, data.y), "-o", optimizer, "--json")
    assert code == 0 and err == ""
    result = json.loads(out)
    assert _all_finite(result) and "null" not in out
    assert result["status"] != "converged"
    assert "standardise" in result["reason"] and "learning rate" not in result["reason"]


def test_newton_on_columns_of_opposite_extremes_ends_in_words_not_a_traceback(tmp_path, capsys):
    data = _overlapping()
    X = data.X * np.array([1e300, 1e-300])
    code, out, err = _cli(capsys, _write(tmp_path / "d.csv", X, data.y), "-o", "newton", "--json")
    assert code == 0 and err == ""
    result = json.loads(out)
    assert result["status"] == "diverged" and "Hessian" in result["reason"]


@pytest.mark.parametrize("optimizer", ["cg", "bfgs", "lbfgs"])
def test_converged_means_the_tolerance_was_met(tmp_path, capsys, optimizer):
    path = tmp_path / "two.csv"
    path.write_text("a,b,label\n1e10,2.5,0\n1,-3,1\n")
    code, out, _ = _cli(capsys, path, "-o", optimizer, "--json")
    result = json.loads(out)
    assert code == 0
    assert (result["status"] == "converged") == (result["grad_norm"] <= 1e-6)
    if result["status"] == "stalled":
        assert "above the tolerance" in result["reason"]
    _, out, _ = _cli(capsys, path, "-o", "newton", "--json")
    assert json.loads(out)["accuracy"] == 1.0


@pytest.mark.parametrize("args, words", [
    (["--seed", "-1"], "seed must be a whole number"),
    (["--epochs", "999999999999999999999"], "maximum epochs"),
    (["--lr", "1_000"], "lr must be a number"),
    (["--lr", "١٢"], "lr must be a number"),
    (["--optimizer", "nope"], "invalid choice"),
    (["--bogus"], "unrecognized arguments"),
    (["--lr", "x" * 5_000_000], "lr must be a number"),
    (["--lr", "1" * 1_000_000 + "x"], "lr must be a number"),     # a backtracking pattern: hours
    (["--lr", "1" * 400], "lr must be a finite number"),
])
def test_bad_options_are_one_short_line(tmp_path, capsys, args, words):
    data = _overlapping()
    code, out, err = _cli(capsys, _write(tmp_path / "d.csv", data.X, data.y), *args)
    assert code == 2 and out == "" and words in err
    assert err.count("\n") == 1 and len(err) < 500


def test_a_whole_number_beyond_float_range_is_refused_not_overflowed():
    from lrgui.core.params import parse_number
    with pytest.raises(ConfigError, match="lr must be a finite number"):
        parse_number(10 ** 400, "lr")
    assert parse_number(10 ** 400, "epochs", "int") == 10 ** 400     # exact; the range check is the caller's


def test_zero_epochs_is_a_documented_status(tmp_path, capsys):
    data = _overlapping()
    code, out, _ = _cli(capsys, _write(tmp_path / "d.csv", data.X, data.y), "--epochs", "0", "--json")
    result = json.loads(out)
    assert code == 0 and result["status"] == "max_epochs" and result["epochs"] == 0


def test_a_nan_margin_is_never_counted_as_correct():
    data = _overlapping()
    objective = Objective(data.X, data.y)
    with np.errstate(invalid="ignore"):
        ev = objective.evaluate(np.array([0.0, np.nan, 0.0]))
    assert math.isnan(ev.loss) and math.isnan(ev.accuracy)


def test_metrics_of_decision_values_beyond_float_range():
    y = np.array([0, 1, 0, 1, 1, 0.0])
    z = np.array([-np.inf, np.inf, 3.0, 1e308, -2.0, -1e308])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = report(y, z)
    surrogate = np.array([-1e6, 1e6, 3.0, 1e5, -2.0, -1e5])          # same order, moderate values
    assert r.auc == pytest.approx(roc_auc_score(y, surrogate))
    assert math.isfinite(r.log_loss) and r.accuracy == pytest.approx(4 / 6)


@pytest.mark.parametrize("v", [[3e200, 4e200], [3e-200, 4e-200], [1e308, 1e308], [5e-324, 0.0], [1.0, -2.0, 2.0]])
def test_norm_neither_overflows_nor_underflows(v):
    assert norm(np.array(v)) == pytest.approx(math.hypot(*v), rel=1e-15)


@pytest.mark.parametrize("column", [[1.7e308, 1.6e308, -1e308], [1e-310, 3e-310, 2e-310], [1.0, 2.0, 4.0],
                                    [1e308, -1e308, 5.0]])
def test_column_means_are_exact_means_even_where_a_plain_sum_overflows(column):
    from fractions import Fraction

    from lrgui.core.numerics import column_means

    X = np.column_stack([column, [1.0, 2.0, 3.0]])
    exact = float(sum(Fraction(v) for v in column) / len(column))
    np.testing.assert_allclose(column_means(X), [exact, 2.0], rtol=1e-15, atol=1e-320)


# -- memory -------------------------------------------------------------------------------------
def test_history_keeps_theta_within_its_budget_and_reads_the_nearest_kept_epoch():
    k, epochs = 50, 3000
    rng = np.random.default_rng(0)
    thetas = rng.normal(size=(epochs, k))
    budget = 8 * k * 2 * 200                                   # room for 200 rows of both columns
    appended, extended = (History(k, vector_budget=budget, chunk_rows=64) for _ in range(2))
    for i in range(epochs):
        appended.append(theta=thetas[i], theta_original=2 * thetas[i], loss=float(i))
    for lo in range(0, epochs, 137):
        hi = min(epochs, lo + 137)
        extended.extend({"theta": thetas[lo:hi], "theta_original": 2 * thetas[lo:hi], "loss": np.arange(lo, hi, dtype=float)})
    for h in (appended, extended):
        assert h.stride == 16
        assert sum(c.nbytes for name in h.vectors for c in h._chunks[name]) <= budget + 2 * 64 * k * 8
        np.testing.assert_array_equal(h.column("loss"), np.arange(epochs))
        held = (np.arange(epochs) // h.stride) * h.stride
        held[-1] = epochs - 1                                  # the last epoch is always exact
        np.testing.assert_array_equal(h.column("theta"), thetas[held])
        np.testing.assert_array_equal(h.take("theta_original", np.array([0, 17, epochs - 1])), 2 * thetas[held[[0, 17, -1]]])
        assert h.exact(32) and not h.exact(33) and h.exact(epochs - 1)
    copy = appended.copy()
    copy.truncate(1000)
    assert not copy.exact(999)
    np.testing.assert_array_equal(copy.at("theta", 999), thetas[992])
    copy.replace_last(theta=thetas[999], theta_original=2 * thetas[999])
    np.testing.assert_array_equal(copy.at("theta", -1), thetas[999])
    np.testing.assert_array_equal(appended.at("theta", 999), thetas[992])


class _Reference:
    """What a history should read back: plain arrays of every epoch."""

    def __init__(self):
        self.theta, self.loss, self.segment = np.empty((0, 2)), np.empty(0), np.empty(0, dtype=np.int32)

    def add(self, theta, loss, segment):
        self.theta = np.vstack([self.theta, theta])
        self.loss, self.segment = np.append(self.loss, loss), np.append(self.segment, segment)

    def cut(self, length):
        self.theta, self.loss, self.segment = self.theta[:length], self.loss[:length], self.segment[:length]


def _same_as(h: History, ref: _Reference, rng) -> None:
    n = len(ref.loss)
    assert len(h) == n
    np.testing.assert_array_equal(h.theta, ref.theta)
    np.testing.assert_array_equal(h.loss, ref.loss)
    np.testing.assert_array_equal(h.segment, ref.segment)
    for _ in range(5):
        lo, hi = sorted(rng.integers(0, n + 1, size=2))
        np.testing.assert_array_equal(h.rows("theta", lo, hi), ref.theta[lo:hi])
        np.testing.assert_array_equal(h.rows("loss", lo, hi), ref.loss[lo:hi])
        picks = np.unique(rng.integers(0, n, size=7))
        np.testing.assert_array_equal(h.take("theta", picks), ref.theta[picks])
        np.testing.assert_array_equal(h.take("segment", picks), ref.segment[picks])
        i = int(rng.integers(0, n))
        assert h.at("loss", i) == ref.loss[i] and h.at("segment", i) == ref.segment[i]
        np.testing.assert_array_equal(h.at("theta", i), ref.theta[i])
    np.testing.assert_array_equal(h.spread("loss", n, 10), ref.loss[np.unique(np.r_[np.arange(0, n, -(-n // 10)), n - 1])])


@pytest.mark.parametrize("writable", [True, False])
def test_full_chunks_leave_memory_and_read_back_exactly(monkeypatch, writable):
    """Appends, extends, cuts and copies of a history whose full chunks go to a file (or stay in
    memory where no file can be written) read back as plain arrays of every epoch would."""
    if not writable:
        def refuse(*args, **kwargs):
            raise OSError(28, "No space left on device")
        monkeypatch.setattr("lrgui.core.history.tempfile.TemporaryFile", refuse)
    rng = np.random.default_rng(4)
    h, ref = History(2, chunk_rows=8), _Reference()
    most = 0                                  # the most bytes of chunks held at once
    for step in range(60):
        action = rng.choice(["append", "extend", "cut", "copy"], p=[0.4, 0.3, 0.2, 0.1])
        if action == "append":
            theta, loss, segment = rng.normal(size=2), float(rng.normal()), int(rng.integers(0, 9))
            h.append(theta=theta, theta_original=theta, loss=loss, segment=segment)
            ref.add(theta, loss, segment)
        elif action == "extend":
            m = int(rng.integers(1, 40))
            theta, loss, segment = rng.normal(size=(m, 2)), rng.normal(size=m), rng.integers(0, 9, size=m)
            h.extend({"theta": theta, "theta_original": theta, "loss": loss, "segment": segment})
            ref.add(theta, loss, segment)
        elif action == "cut" and len(h):
            length = int(rng.integers(1, len(h) + 1))
            h.truncate(length)
            ref.cut(length)
        elif action == "copy":
            h = h.copy()
        if len(h):
            _same_as(h, ref, rng)
        most = max(most, sum(c.nbytes for name in h.columns for c in h._chunks[name]))
    in_memory = [c for name in h.columns for c in h._chunks[name] if isinstance(c, np.ndarray)]
    if writable:
        assert len(in_memory) == len(h.columns)            # the newest chunk of each column
        assert h._spill._end <= most                        # freed blocks were used again
    else:
        assert len(in_memory) == sum(len(h._chunks[name]) for name in h.columns)


def test_a_run_of_millions_of_epochs_holds_its_history_out_of_memory():
    """300,000 epochs of a 3-weight model: 28 MB of history rows, a few hundred kB in memory."""
    rows = 300_000
    tracemalloc.start()
    try:
        h = History(3)
        before = tracemalloc.get_traced_memory()[0]
        block = {"theta": np.ones((1000, 3)), "theta_original": np.ones((1000, 3)), "loss": np.ones(1000)}
        for _ in range(rows // 1000):
            h.extend(block)
        for _ in range(1000):
            h.append(theta=np.ones(3), theta_original=np.ones(3), loss=1.0)
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    full = (rows + 1000) * (8 * 3 * 2 + 8 * 5 + 4)
    assert full > 25e6 and held < 1e6
    assert h.at("loss", 5) == 1.0 and h.take("theta", np.array([0, 150_000, rows + 999])).sum() == 9.0


def test_a_long_history_hands_freed_heap_memory_back_now_and_then(monkeypatch):
    """Chunks freed after spilling are returned to the system every TRIM_EVERY chunks written and
    after every thinning of θ, so a run of hours does not keep a growing heap."""
    from lrgui.core import history

    trims = []
    monkeypatch.setattr(history, "release_free_memory", lambda: trims.append(1))
    h = History(3, chunk_rows=8, vector_budget=8 * 3 * 2 * 10_000)
    block = {"theta": np.ones((8, 3)), "theta_original": np.ones((8, 3)), "loss": np.ones(8)}
    for _ in range(200):
        h.extend(block)
    spilled = h._spill._puts
    assert spilled > 2 * history.TRIM_EVERY and h.stride == 1
    assert len(trims) == spilled // history.TRIM_EVERY
    for _ in range(1100):
        h.extend(block)
    assert h.stride > 1 and len(trims) > h._spill._puts // history.TRIM_EVERY


def test_release_free_memory_does_what_the_platform_allows():
    from lrgui.core.memory import release_free_memory

    assert release_free_memory() is sys.platform.startswith("linux")


def test_a_wide_model_trains_in_bounded_memory():
    """2 rows × 200,000 columns for 300 epochs: every θ kept would take 960 MB."""
    rng = np.random.default_rng(0)
    data = Dataset(rng.normal(size=(2, 200_000)), [0, 1])
    config = RunConfig(penalty="l2", lam=1e3, hyper={"lr": 1e-6}, max_epochs=300, tol=0.0)
    tracemalloc.start()
    try:
        run = TrainingRun(data, config)
        run.step(300)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert run.epoch == 300 and run.history.stride > 1
    assert peak < 400e6
    rewound = run.clone()
    rewound.rewind(299)
    assert rewound.history.exact(299)
    np.testing.assert_array_equal(rewound.history.at("theta", -1), rewound.theta)


def test_newton_refuses_a_hessian_that_cannot_fit():
    rng = np.random.default_rng(0)
    outcome = _train_quietly(Dataset(rng.normal(size=(2, 20_000)), [0, 1]), RunConfig(optimizer="newton"))
    assert isinstance(outcome, ConfigError) and "Hessian" in str(outcome) and "GB" in str(outcome)


@pytest.mark.parametrize("a, b, c, rect", [
    (1.44e-154, 5.4e-156, -0.817, (-3e154, -3e154, 3e154, 3e154)),
    (1e-308, 1e-308, 1.0, (-1.7e308, -1.7e308, 1.7e308, 1.7e308)),
    (3e-308, 1e-300, -1.0, (-1.7e308, -1.7e308, 1.7e308, 1.7e308)),
    (5e-324, 0.0, 1.0, (-1.0, -1.0, 1.0, 1.0)),
])
def test_a_boundary_near_the_float_limit_is_clipped_without_a_warning(a, b, c, rect):
    from fractions import Fraction

    from lrgui.core.geometry import line_in_rect

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ends = line_in_rect(np.float64(a), np.float64(b), np.float64(c), rect)
    if ends is None:                       # the line lies beyond the rectangle
        return
    for x, y in ends:                      # on the line, to rounding, and inside the rectangle
        assert rect[0] <= x <= rect[2] and rect[1] <= y <= rect[3]
        residual = Fraction(a) * Fraction(float(x)) + Fraction(b) * Fraction(float(y)) + Fraction(c)
        scale = abs(Fraction(a) * Fraction(float(x))) + abs(Fraction(b) * Fraction(float(y))) + abs(Fraction(c))
        assert abs(residual) <= scale * Fraction(1, 10 ** 12)
