"""Editing a data set point by point: the edits equal data built and checked whole, and say what
they were."""

import numpy as np
import pytest

from lrgui.core.dataset import LINEAGE, Dataset
from lrgui.core.errors import DatasetError


def test_edits_equal_the_data_built_and_checked_whole_and_remember_what_they_were():
    """An edit takes its new arrays as they are (no copy and check of the whole data): what it
    gives must equal a Dataset built and checked from the same values, read-only, with the
    same facts worked out afresh."""
    import pickle

    from lrgui.core.generators import generate

    data = generate("gaussian", n0=300, n1=200, seed=2)
    assert data.class_counts() == (300, 200)
    cases = [
        (data.with_point([1.5, -2.0], 1), np.vstack([data.X, [1.5, -2.0]]), np.append(data.y, 1.0)),
        (data.with_point([0.5, 0.5], 0, 0), np.vstack([[0.5, 0.5], data.X]), np.insert(data.y, 0, 0.0)),
        (data.with_point([9.0, 9.0], 2, 17), np.insert(data.X, 17, [9.0, 9.0], axis=0), np.insert(data.y, 17, 2.0)),
        (data.without_point(-1), data.X[:-1], data.y[:-1]),
        (data.with_point_moved(4, [3.0, 4.0]), np.where(np.arange(500)[:, None] == 4, [3.0, 4.0], data.X), data.y),
    ]
    for edited, X, y in cases:
        built = Dataset(X, y, data.feature_names, {str(c): c for c in range(int(y.max()) + 1)})
        assert edited.equals(built) and edited.classes == built.classes
        assert edited.class_counts() == tuple(np.bincount(y.astype(int), minlength=built.classes))
        assert not edited.X.flags.writeable and not edited.y.flags.writeable and edited.X.flags.c_contiguous
        np.testing.assert_array_equal(edited.feature_means(), X.mean(axis=0))
        copy = pickle.loads(pickle.dumps(edited))                # what the training process receives
        assert copy.equals(edited) and "_facts" not in vars(copy) and copy.edits_from(data) is None
    assert cases[3][0].edits_from(data) == [("remove", 499)]     # the index counted from the start
    # a chain of edits is known from each of its last LINEAGE data sets, oldest edit first
    chain = [data]
    for k in range(LINEAGE + 2):
        chain.append(chain[-1].with_point([float(k), 0.0], k % 2))
    assert chain[-1].edits_from(chain[-4]) == [("add", 499 + LINEAGE + k) for k in range(3)]
    assert chain[-1].edits_from(chain[-1 - LINEAGE]) == [("add", 500 + k) for k in range(2, LINEAGE + 2)]
    assert chain[-1].edits_from(chain[-2 - LINEAGE]) is None and chain[-1].edits_from(data) is None
    assert data.class_counts() == (300, 200) and data.X.shape == (500, 2)     # the data edited are unchanged
    for bad in ([np.nan, 1.0], [np.inf, 0.0], [1.0, 2.0, 3.0]):
        with pytest.raises(DatasetError):
            data.with_point(bad, 0)
        with pytest.raises(DatasetError):
            data.with_point_moved(0, bad)
    for index in (501, -502):
        with pytest.raises(IndexError):
            data.with_point([0.0, 0.0], 0, index)
    with pytest.raises(IndexError):
        data.without_point(500)
