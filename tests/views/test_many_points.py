"""A window on many points draws a stratified sample of them, says how many of how many it shows,
and its sample shows the statistics of the full data."""

import numpy as np
import pytest
from scipy import stats

from lrgui.core.generators import generate
from lrgui.core.session import DataOrigin, Session
from lrgui.views import data_plane, sigmoid_view

from .conftest import Driver, make_window

N0, N1 = 140_000, 60_000


@pytest.fixture
def crowded(qtbot, tmp_path):
    session = Session.default()
    session.update(data=generate("gaussian", n0=N0, n1=N1, seed=7), origin=DataOrigin.generator("gaussian"))
    window = make_window(qtbot, tmp_path, session)
    d = Driver(qtbot, window)
    d.settle()
    yield d
    window.controller.undo_stack.setClean()
    window.close()


def test_the_plane_draws_a_sample_with_each_class_in_its_share(crowded):
    snap = crowded.train(3)
    plane, data = crowded.window.plane, snap.data
    drawn = [plane.scatter_points(c) for c in (0, 1)]
    assert sum(len(p) for p in drawn) == data_plane.MAX_SHOWN
    for c, points in enumerate(drawn):
        full = data.X[data.y == c]
        assert abs(len(points) - data_plane.MAX_SHOWN * len(full) / data.n) <= 1
        assert len(np.unique(points, axis=0)) == len(points)          # drawn once each
        rows = {tuple(r) for r in full}
        assert all(tuple(p) in rows for p in points[:200])           # real points of the class
        for j in (0, 1):
            assert stats.ks_2samp(points[:, j], full[:, j]).pvalue > 1e-3
    assert f"showing {data_plane.MAX_SHOWN:,} of {data.n:,} points" in plane.note.textItem.toPlainText()


def test_the_sigmoid_view_shows_how_many_and_their_z_as_the_data_have_them(crowded):
    snap = crowded.train(5)
    view, data = crowded.window.sigmoid_view, snap.data
    run = snap.selected
    positions = [view.point_positions(c) for c in (0, 1)]
    assert sum(len(p) for p in positions) == sigmoid_view.MAX_SHOWN
    for c, pos in enumerate(positions):
        share = sigmoid_view.MAX_SHOWN * np.count_nonzero(data.y == c) / data.n
        assert abs(len(pos) - share) <= 1
    theta = run.theta                                 # in the data's units
    z = theta[0] + data.X @ theta[1:]                 # two features, degree 1: z = θᵀ(1, x)
    for c, pos in enumerate(positions):
        assert stats.ks_2samp(pos[:, 0], z[data.y == c]).pvalue > 1e-3
    assert f"{sigmoid_view.MAX_SHOWN:,} of {data.n:,} points shown" in view.note.textItem.toPlainText()


def _drawn(plane) -> set:
    return {tuple(p) for c in (0, 1) for p in plane.scatter_points(c)}


def test_a_point_clicked_among_many_is_drawn_and_the_sample_stays_put_through_undo(crowded):
    from PySide6.QtCore import Qt

    w, c = crowded.window, crowded.controller
    snap = crowded.train(2)
    plane, sigmoid = w.plane, w.sigmoid_view
    before, before_rows = _drawn(plane), sigmoid.shown_rows().copy()
    before_jitter = {tuple(snap.data.X[r]): j for r, j in zip(before_rows, sigmoid._jitter)}
    assert len(before) == data_plane.MAX_SHOWN and snap.data.n == N0 + N1
    # a click among the crowd adds a point (hidden points are never hit), and it is drawn in both views
    x, y = map(float, snap.data.X[snap.data.y == 0].mean(axis=0))
    crowded.click(x, y)
    snap = crowded.settle()
    assert snap.data.n == N0 + N1 + 1
    new = tuple(snap.data.X[-1])
    assert abs(new[0] - x) < 0.1 and abs(new[1] - y) < 0.1
    assert _drawn(plane) == before | {new}
    rows = sigmoid.shown_rows()
    assert snap.data.n - 1 in rows and len(rows) == len(before_rows) + 1
    kept = {tuple(snap.data.X[r]): j for r, j in zip(rows, sigmoid._jitter) if r != snap.data.n - 1}
    assert kept == before_jitter                                   # the sigmoid's points did not move
    assert "showing 10,001 of 200,001 points" in plane.note.textItem.toPlainText()
    # Ctrl+click right on a point that is not drawn removes nothing (it cannot be seen)
    hidden = np.setdiff1d(np.arange(snap.data.n), plane._shown)
    hx, hy = snap.data.X[hidden[0]]
    hit = plane.point_at(hx, hy)
    assert hit == -1 or hit in set(plane._shown.tolist())
    if hit == -1:
        crowded.click(hx, hy, modifier=Qt.KeyboardModifier.ControlModifier)
        assert crowded.settle().data.n == N0 + N1 + 1
    # undo: the sample drawn before, point for point
    c.undo_stack.undo()
    snap = crowded.settle()
    assert snap.data.n == N0 + N1 and _drawn(plane) == before
    np.testing.assert_array_equal(sigmoid.shown_rows(), before_rows)


def test_edits_quicker_than_frames_keep_the_sample_and_draw_every_edited_point(crowded):
    """Several clicks, a drag and two undos between two frames: the plane follows them all."""
    w, c = crowded.window, crowded.controller
    plane = w.plane
    before = _drawn(plane)
    centre = c.session.data.X.mean(axis=0)
    for k in range(4):                                            # no frame in between
        c.add_point(float(centre[0]) + 0.1 * k, float(centre[1]), k % 2)
    index = c.session.data.n - 1
    c.begin_move(index)
    for step in range(5):
        c.move_point(index, float(centre[0]) + 0.2 * step, float(centre[1]) - 0.3)
    c.end_move(index)
    snap = crowded.settle()
    added = {tuple(p) for p in snap.data.X[-4:]}
    assert _drawn(plane) == before | added
    assert tuple(snap.data.X[-1]) == (float(centre[0]) + 0.8, float(centre[1]) - 0.3)
    c.undo_stack.undo()                                          # the drag
    c.undo_stack.undo()                                          # the fourth click
    snap = crowded.settle()
    assert _drawn(plane) == before | {tuple(p) for p in snap.data.X[-3:]}
    assert len(w.sigmoid_view.shown_rows()) == 2_000 + 3
