"""The sample a view draws of many points holds each class in its share and is distributed as the
data are (checked against the full data with scipy's two-sample tests)."""

import numpy as np
from scipy import stats

from lrgui.core.generators import generate
from lrgui.core.sampling import shown_rows


def test_few_rows_are_all_shown():
    np.testing.assert_array_equal(shown_rows(np.array([0, 1, 1, 0]), 10), np.arange(4))


def test_the_sample_keeps_every_class_share_and_its_distribution():
    data = generate("gaussian", n0=700_000, n1=300_000, seed=3)
    rows = shown_rows(data.y, 10_000)
    assert len(np.unique(rows)) == len(rows) == 10_000 and np.all(np.diff(rows) > 0)
    for c in (0, 1):
        full, sample = data.X[data.y == c], data.X[rows][data.y[rows] == c]
        assert abs(len(sample) - 10_000 * len(full) / data.n) <= 1          # its share, to a row
        for j in range(data.d):
            se = full[:, j].std() / np.sqrt(len(sample))
            assert abs(sample[:, j].mean() - full[:, j].mean()) < 4 * se
            assert stats.ks_2samp(sample[:, j], full[:, j]).pvalue > 1e-3
            assert np.isclose(sample[:, j].std(), full[:, j].std(), rtol=0.05)
    np.testing.assert_array_equal(rows, shown_rows(data.y, 10_000))          # the same every time


def test_a_rare_class_is_never_left_out():
    y = np.zeros(1_000_000)
    y[[10, 500_000]] = 1
    y[777] = 2
    rows = shown_rows(y, 1_000)
    assert {1, 2} <= set(y[rows]) and abs(len(rows) - 1_000) <= 2
