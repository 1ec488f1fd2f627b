import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from scipy.special import expit

from lrgui.core.numerics import sigmoid, sigmoid_minus_label, softplus

finite = st.floats(allow_nan=False, allow_infinity=False)


@given(finite)
def test_softplus_matches_logaddexp_and_never_overflows(z):
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        value = softplus(np.array([z]))[0]
    assert np.isfinite(value)
    assert np.isclose(value, np.logaddexp(0.0, z), rtol=1e-14, atol=0)


@given(finite)
def test_sigmoid_matches_expit(z):
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        p = sigmoid(np.array([z]))[0]
    assert 0.0 <= p <= 1.0
    assert np.isclose(p, expit(z), rtol=1e-14, atol=1e-300)


def test_sigmoid_minus_label_keeps_tiny_values_for_label_one():
    z = np.array([40.0, -40.0])
    out = sigmoid_minus_label(z, np.array([1.0, 0.0]))
    # σ(40) − 1 = −σ(−40): naive 1 − 1 would give 0
    assert np.allclose(out, [-expit(-40.0), expit(-40.0)], rtol=1e-14)


def test_limits_at_huge_z():
    z = np.array([-1e20, 1e20])
    with np.errstate(all="raise"):
        assert np.array_equal(sigmoid(z), [0.0, 1.0])
        assert np.array_equal(softplus(z), [0.0, 1e20])
