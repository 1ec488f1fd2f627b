"""Decimated curves: bounded size, the extremes, the first and the last point kept."""

import numpy as np
import pytest

from lrgui.views.series import Envelope, Thinned


@pytest.mark.parametrize("chunks", [[1] * 700, [3, 500, 1, 20000, 7, 77777], [100000]])
def test_the_envelope_keeps_extremes_ends_and_stays_small(chunks):
    rng = np.random.default_rng(len(chunks))
    y = np.cumsum(rng.normal(size=sum(chunks)))
    y[len(y) // 3] = 1e6                                  # a spike anywhere must stay visible
    y[5] = np.nan                                         # never drawn
    env = Envelope(capacity=256)
    start = 0
    for c in chunks:
        env.extend(y[start:start + c])
        start += c
    x, drawn = env.arrays()
    assert len(x) <= 2 * 256 + 2 and np.all(np.isfinite(drawn))
    finite = np.isfinite(y)
    assert drawn.max() == y[finite].max() and drawn.min() == y[finite].min()
    assert (x[0], drawn[0]) == (0, y[0]) and (x[-1], drawn[-1]) == (len(y) - 1, y[-1])
    assert np.all(np.diff(x) >= 0)
    np.testing.assert_array_equal(drawn, y[x.astype(int)])   # every vertex is a true point


def test_thinned_rows_keep_the_newest_and_an_even_stride():
    t = Thinned(capacity=100)
    rows = np.arange(1001, dtype=float)[:, None] * [1.0, -1.0]
    for a in range(0, 1001, 37):
        t.extend(rows[a:a + 37])
    kept = t.array()
    assert len(kept) <= 101 and np.array_equal(kept[-1], rows[-1])
    assert np.all(np.diff(kept[:-1, 0]) == t.stride)
