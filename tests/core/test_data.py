"""Data sets, generators, files and feature maps."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from lrgui.core.dataset import Dataset
from lrgui.core.errors import DataFileError, DatasetError
from lrgui.core.features import FeatureChain, Polynomial
from lrgui.core.generators import GENERATORS, generate
from lrgui.core.table_io import read_table, write_table


# -- the data set type ---------------------------------------------------------------------------
@pytest.mark.parametrize("X,y,message", [
    ([[1.0, np.nan]], [0], "row 1, column 2"),
    ([[1.0, 2.0]], [0, 1], "1 rows but y has 2"),
    ([[1.0, 2.0]], [2], "labels must be 0 or 1"),
])
def test_dataset_rejects_bad_values_with_a_clear_message(X, y, message):
    with pytest.raises(DatasetError, match=message):
        Dataset(np.array(X), np.array(y))


def test_dataset_tells_why_it_cannot_be_trained_on():
    empty = Dataset(np.empty((0, 2)), np.empty(0))
    assert "no points" in empty.why_untrainable()
    one_class = empty.with_point([1.0, 2.0], 1)
    assert "class 0" in one_class.why_untrainable()
    assert one_class.with_point([0.0, 0.0], 0).why_untrainable() is None


def test_edits_make_new_data_sets():
    d = generate("gaussian")
    moved = d.with_point_moved(3, [100.0, -5.0])
    assert np.array_equal(moved.X[3], [100.0, -5.0]) and not np.array_equal(d.X[3], moved.X[3])
    assert d.without_point(0).n == d.n - 1
    assert not d.X.flags.writeable


# -- generators ----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", GENERATORS.names())
def test_generators_are_seeded_and_valid(name):
    a, b = generate(name), generate(name)
    assert a.equals(b)
    assert a.why_untrainable() is None
    if any(p.name == "seed" for p in GENERATORS.get(name).params):
        assert not generate(name, seed=1).equals(a)


def test_gaussian_follows_the_seed_notes():
    d = generate("gaussian")
    assert d.class_counts() == (40, 40)
    big = generate("gaussian", n0=200_000, n1=200_000, seed=5)
    c0, c1 = big.X[big.y == 0], big.X[big.y == 1]
    np.testing.assert_allclose(c0.mean(axis=0), [2, 4], atol=0.02)
    np.testing.assert_allclose(c1.mean(axis=0), [8, 5], atol=0.03)
    np.testing.assert_allclose(c0.std(axis=0), [2, 2], rtol=0.01)
    np.testing.assert_allclose(c1.std(axis=0), [3, 2], rtol=0.01)


def test_bad_generator_settings_are_explained():
    from lrgui.core.errors import ConfigError

    with pytest.raises(ConfigError, match="n_samples"):
        generate("moons", n_samples=0)
    with pytest.raises(ConfigError, match="cannot exceed"):
        generate("classification", n_features=3, n_informative=5)
    with pytest.raises(ConfigError, match="no setting 'speed'"):
        generate("xor", speed=1)


def test_real_and_n_dimensional_generators():
    assert generate("classification", n_samples=1000, n_features=10, n_informative=4).X.shape == (1000, 10)
    bc = generate("breast-cancer")
    assert bc.X.shape == (569, 30) and bc.class_counts() == (357, 212)
    iris = generate("iris", feature_x="petal length", feature_y="petal width", classes="versicolor/virginica")
    assert iris.label_map == {"versicolor": 0, "virginica": 1} and iris.n == 100


# -- files ---------------------------------------------------------------------------------------
def test_reads_the_classic_exercise_files_as_they_are(shared_data):
    d1 = read_table(shared_data / "ex2data1.txt")
    assert (d1.n, d1.d, d1.class_counts()) == (100, 2, (40, 60))
    np.testing.assert_allclose(d1.X[0], [34.62365962451697, 78.0246928153624])
    d2 = read_table(shared_data / "ex2data2.txt")
    assert (d2.n, d2.d) == (118, 2)


@pytest.mark.parametrize("text,line,column,words", [
    ("1,2,0\n3,4\n", 2, None, "expected 3 values, found 2"),
    ("1,2,0\n3,abc,1\n", 2, 2, "'abc' is not a number"),
    ("1,2,0\n3,nan,1\n", 2, 2, "not a finite number"),
    ("1,2,0\n3,inf,1\n", 2, 2, "not a finite number"),
    ("1,2,0\n3,4,1\n5,6,2\n", 3, 3, "third label value"),
    ("1,2,0\n", None, None, "at least two data rows"),
    ("1,2,0\n3,4,0\n", None, None, "two classes are needed"),
    ("", None, None, "no data"),
])
def test_malformed_files_name_file_line_and_column(tmp_path, text, line, column, words):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(DataFileError) as info:
        read_table(path)
    err = info.value
    assert (err.line, err.column) == (line, column)
    assert words in str(err) and str(path) in str(err)


@pytest.mark.parametrize("sep", [",", "\t", ";", "   "])
def test_separators_header_text_labels_and_label_column(tmp_path, sep):
    rows = [["label", "a", "b"], ["yes", "1.5", "2"], ["no", "3", "-4e2"], ["yes ", "5", "6"]]
    path = tmp_path / "d.txt"
    path.write_text("\n".join(sep.join(r) for r in rows) + "\n\n")
    d = read_table(path, label_column="label")
    assert d.feature_names == ("a", "b")
    assert d.label_map == {"no": 0, "yes": 1}
    np.testing.assert_array_equal(d.y, [1, 0, 1])
    np.testing.assert_array_equal(d.X[1], [3, -400])
    assert read_table(path, label_column=1).equals(d)


def test_numeric_labels_map_in_numeric_order(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("0.5,1\n0.2,-1\n0.1,1.0\n")
    d = read_table(path)
    assert d.label_map == {"-1": 0, "1": 1}
    np.testing.assert_array_equal(d.y, [1, 0, 1])


@settings(max_examples=40, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(2, 12), st.integers(1, 4)),
              elements=st.floats(-1e300, 1e300, allow_nan=False)),
       st.data())
def test_write_then_read_gives_the_same_bits(tmp_path_factory, X, data):
    y = np.array(data.draw(st.lists(st.sampled_from([0.0, 1.0]), min_size=len(X), max_size=len(X))))
    y[:2] = [0.0, 1.0]
    d = Dataset(X, y, tuple(f"f{j}" for j in range(X.shape[1])), {"neg": 0, "pos": 1})
    path = tmp_path_factory.mktemp("rt") / "d.csv"
    write_table(d, path)
    assert read_table(path).equals(d)


# -- feature maps --------------------------------------------------------------------------------
def test_polynomial_degree_six_gives_the_27_microchip_terms():
    from sklearn.preprocessing import PolynomialFeatures

    X = np.random.default_rng(0).normal(size=(50, 2))
    ours = Polynomial(6).fit(X).transform(X)
    poly = PolynomialFeatures(6, include_bias=False).fit(X)
    ref = poly.transform(X)
    assert ours.shape == (50, 27)
    # the same terms, matched by their exponents
    ours_by_powers = dict(zip(Polynomial(6)._powers(), ours.T))
    for powers, column in zip(map(tuple, poly.powers_), ref.T):
        np.testing.assert_allclose(ours_by_powers[powers], column, rtol=1e-12)
    assert Polynomial(2).names(("x1", "x2")) == ("x1", "x2", "x1^2", "x1·x2", "x2^2")


def test_standardisation_converts_theta_to_original_units():
    rng = np.random.default_rng(1)
    X = rng.normal([3.0, -2.0], [5.0, 0.1], size=(40, 2))
    for degree in (1, 3):
        chain = FeatureChain.build(degree, standardize=True).fit(X)
        F = chain.transform(X)
        np.testing.assert_allclose(F.mean(axis=0), 0, atol=1e-12)
        theta = rng.normal(size=F.shape[1] + 1)
        orig = chain.to_original(theta)
        z_std = theta[0] + F @ theta[1:]
        z_orig = orig[0] + chain.original(X) @ orig[1:]
        np.testing.assert_allclose(z_orig, z_std, rtol=1e-10, atol=1e-10)
        np.testing.assert_allclose(chain.from_original(orig), theta, rtol=1e-10, atol=1e-12)


# -- quoted fields (defect 10: a hand-written splitter kept the quotes and broke on quoted separators) --
def _pandas_reference(path, sep=","):
    """The same file parsed by pandas alone: the features as floats, the label column as text."""
    import pandas as pd

    frame = pd.read_csv(path, sep=sep, quotechar='"', skipinitialspace=True, dtype={"label": str})
    return frame.drop(columns="label").to_numpy(dtype=np.float64), frame["label"].to_numpy(dtype=str), frame


def test_quoted_header_and_quoted_text_labels_lose_their_quotes(tmp_path):
    path = tmp_path / "quoted.csv"
    path.write_text('"x1","x2","label"\n'
                    '1.5,2,"no"\n'
                    '"3",-4e2,"yes"\n'
                    '5.25,"6","yes"\n'
                    '-7,8e-3,"no"\n')
    d = read_table(path)
    X_ref, labels_ref, frame = _pandas_reference(path)
    assert d.feature_names == ("x1", "x2") == tuple(frame.columns[:2])
    assert d.label_map == {"no": 0, "yes": 1}
    assert d.class_names() == ("no", "yes")
    np.testing.assert_array_equal(d.X, X_ref)
    np.testing.assert_array_equal(d.y, (labels_ref == "yes").astype(float))


def test_a_label_holding_the_separator_survives_write_then_read(tmp_path):
    rng = np.random.default_rng(4)
    X = rng.normal(size=(12, 2)) * [1e3, 1e-3]
    y = np.array([0.0, 1.0] * 6)
    original = Dataset(X, y, ("height, cm", 'the "weight"'), {"no": 0, "yes, really": 1})
    path = tmp_path / "written.csv"
    write_table(original, path)
    text = path.read_text()
    assert '"yes, really"' in text and '"height, cm"' in text          # the writer quoted them
    back = read_table(path)
    assert back.equals(original)
    assert back.label_map == {"no": 0, "yes, really": 1}
    assert back.feature_names == ("height, cm", 'the "weight"')
    X_ref, labels_ref, _ = _pandas_reference(path)
    np.testing.assert_array_equal(back.X, X_ref)
    assert list(labels_ref) == ["no", "yes, really"] * 6
    np.testing.assert_array_equal(back.y, (labels_ref == "yes, really").astype(float))


@pytest.mark.parametrize("sep", ["\t", ";"])
def test_a_quoted_comma_does_not_make_a_tab_or_semicolon_file_comma_separated(tmp_path, sep):
    path = tmp_path / "d.txt"
    rows = [['"a, first"', '"b"', "label"], ["1.5", "2", '"yes, really"'], ["3", "-4", "no"], ["5", "6", "no"]]
    path.write_text("\n".join(sep.join(r) for r in rows) + "\n")
    d = read_table(path)
    X_ref, labels_ref, frame = _pandas_reference(path, sep)
    assert d.feature_names == ("a, first", "b") == tuple(frame.columns[:2])
    assert d.label_map == {"no": 0, "yes, really": 1}
    np.testing.assert_array_equal(d.X, X_ref)
    np.testing.assert_array_equal(d.y, (labels_ref == "yes, really").astype(float))
