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


def test_after_each_edit_the_same_rows_are_drawn_and_the_edited_one_too():
    """follow_edit against the rows found again by their values: every row drawn before is drawn
    after (but a removed one), and an added or moved row is drawn."""
    from lrgui.core.sampling import follow_edit

    rng = np.random.default_rng(5)
    data = generate("gaussian", n0=30_000, n1=20_000, seed=4)
    shown = shown_rows(data.y, 1_000)
    edits = [("add", 0), ("add", 50_001), ("add", 123), ("remove", int(shown[3])), ("remove", 7),
             ("move", int(shown[10])), ("move", 11), ("remove", 0)]
    for kind, index in edits:
        if kind == "add":
            after = data.with_point(rng.normal(size=2) + 50.0, 1, index)
        elif kind == "remove":
            after = data.without_point(index)
        else:
            after = data.with_point_moved(index, rng.normal(size=2) - 50.0)
        assert after.edits_from(data) == [(kind, index)] and after.edits_from(after) == []
        rows, came_from = follow_edit(shown, kind, index)
        before = {tuple(data.X[i]) for i in shown if not (kind != "add" and i == index)}
        now = {tuple(after.X[i]) for i in rows}
        assert np.all(np.diff(rows) > 0) and rows.max() < after.n
        if kind == "remove":
            assert now == before
        else:
            assert now == before | {tuple(after.X[index])} and index in rows
        edited = rows == index if kind != "remove" else np.zeros(len(rows), dtype=bool)
        assert np.all(came_from[edited] == -1)
        np.testing.assert_array_equal(after.X[rows[~edited]], data.X[shown[came_from[~edited]]])
        data, shown = after, rows
    rows, came_from = follow_edit(shown, "move", 3, keep=False)           # a point that cannot be drawn
    assert 3 not in rows and -1 not in came_from
