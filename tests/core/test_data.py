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
    path.write_text("0.5,1\n0.2,-1\n0.1,1\n")
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


# -- labels, label columns and separators ("never crash, never lie, never lose data") ------------
def _write(tmp_path, text: str, name: str = "d.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _refusal(path, **kw) -> DataFileError:
    """The DataFileError that reading ``path`` raises; its message is one short line naming it."""
    with pytest.raises(DataFileError) as info:
        read_table(path, **kw)
    message = str(info.value)
    assert message.startswith(str(path)) and "\n" not in message and len(message) <= 300
    return info.value


@pytest.mark.parametrize("column", ["nan", "inf", "-inf", "NaN", "3.5", "1e0", "2.0", "", " ", "1_0", "١",
                                    "0x2", 3.5, float("nan"), True, [1], "99999999999999999999999"])
def test_a_label_column_that_is_neither_a_name_nor_a_whole_number_is_refused(tmp_path, column):
    path = _write(tmp_path, "a,b,label\n1,2,0\n3,4,1\n5,6,1\n")
    err = _refusal(path, label_column=column)
    assert "label column" in err.reason or "no column is named" in err.reason


@pytest.mark.parametrize("column,feature_names", [
    ("label", ("a", "b")), ("1", ("b", "label")), (" 2 ", ("a", "label")), ("-3", ("b", "label")), (3, ("a", "b")),
    ("+1", ("b", "label")),
])
def test_a_label_column_is_a_header_name_or_a_whole_number(tmp_path, column, feature_names):
    path = _write(tmp_path, "a,b,label\n0,0,0\n1,1,1\n1,0,1\n")
    assert read_table(path, label_column=column).feature_names == feature_names


@pytest.mark.parametrize("column", ["nan", "3.5", "inf"])
def test_lrgui_train_refuses_a_label_column_in_one_line(tmp_path, capsys, column):
    from lrgui.cli import main

    path = _write(tmp_path, "1,2,0\n3,4,1\n5,6,1\n")
    assert main(["train", str(path), "--label-column", column, "--epochs", "1"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(path) in err and "Traceback" not in err


def _label_order(a: str, b: str) -> tuple[str, str]:
    """Class 0 and class 1 as the module docstring defines them, computed with exact fractions."""
    from fractions import Fraction

    try:
        fa, fb = Fraction(a), Fraction(b)
    except ValueError:
        fa = fb = None
    if fa is not None and fa != fb:
        return (a, b) if fa < fb else (b, a)
    return tuple(sorted((a, b)))


@pytest.mark.parametrize("first,second", [
    ("100000000000000000001", "100000000000000000000"),     # equal as floats, different numbers
    ("1", "1.0"), ("1.0", "1"), ("007", "7"), ("1e300", "9"), ("-0", "0"), ("0.1", "1e-1"),
    ("-1e-400", "1e-400"), ("yes", "no"), ("No", "no"), ("10", "9"), ("-5", "x"), ("+2", "2"),
])
def test_labels_are_the_texts_they_are_and_numbers_keep_their_exact_order(tmp_path, first, second):
    path = _write(tmp_path, f"1,{first}\n2,{second}\n3,{first}\n")
    d = read_table(path)
    zero, one = _label_order(first, second)
    assert d.label_map == {zero: 0, one: 1}
    np.testing.assert_array_equal(d.y, [first == one, second == one, first == one])


def test_texts_of_one_value_are_three_labels_not_two(tmp_path):
    path = _write(tmp_path, "1,100000000000000000000\n2,100000000000000000001\n3,0\n")
    err = _refusal(path)
    assert "a third label value '0'" in err.reason and (err.line, err.column) == (3, 2)
    err = _refusal(_write(tmp_path, "1,1\n2,1.0\n3,0\n4,1\n"))
    assert "third label value '0'" in err.reason


def test_label_texts_survive_write_then_read(tmp_path):
    path = _write(tmp_path, "x,label\n1,007\n2,1e300\n3,007\n")
    d = read_table(path)
    assert d.label_map == {"007": 0, "1e300": 1}
    out = tmp_path / "out.csv"
    write_table(d, out)
    assert out.read_text().splitlines()[1:] == ["1,007", "2,1e300", "3,007"]
    back = read_table(out)
    assert back.label_map == d.label_map and back.equals(d)


_LABEL_TEXT = st.text(st.characters(exclude_characters="\n\r\x00", exclude_categories=("Cs",)), min_size=1,
                      max_size=12).filter(lambda t: t == t.strip(" \t"))


@settings(max_examples=150, deadline=None, derandomize=True)
@given(_LABEL_TEXT, _LABEL_TEXT, st.lists(st.booleans(), min_size=2, max_size=8))
def test_any_two_label_texts_come_back_from_a_written_file(tmp_path_factory, a, b, picks):
    if a == b:
        b = a + "x"
    zero, one = _label_order(a, b)
    y = np.array([0.0, 1.0] + [float(p) for p in picks])
    X = np.arange(2.0 * len(y)).reshape(-1, 2) / 3
    d = Dataset(X, y, ("f1", "f2"), {zero: 0, one: 1})
    path = tmp_path_factory.mktemp("labels") / "d.csv"
    write_table(d, path)
    back = read_table(path)
    assert back.label_map == {zero: 0, one: 1}
    np.testing.assert_array_equal(back.y, y)
    np.testing.assert_array_equal(back.X, X)


def test_a_long_bad_value_is_quoted_short(tmp_path):
    token = "9" * 10 + "x" * 5_000_000
    cases = [
        (f"1,2,0\n3,{token},1\n", {}),
        (f"1,2,0\n3,4,1\n5,6,{token}\n", {}),
        (f"1,2,0\n3,4,{token}\n5,6,{token}\n", {}),
        (f"a,b,c\n1,2,{'1' * 5_000_000}\n3,4,1\n", {}),
        ("a,b,c\n1,2,0\n3,4,1\n", {"label_column": token}),
        ("a,b,c\n1,2,0\n3,4,1\n", {"label_column": "7" * 5_000_000}),
        (f"{token},b,c\n1,2,0\n3,4,1\n", {"label_column": "x"}),
    ]
    for text, kw in cases:
        err = _refusal(_write(tmp_path, text), **kw)
        assert "x" * 50 not in str(err) and "7" * 50 not in str(err) and "1" * 50 not in str(err)


@pytest.mark.parametrize("value", ["1_000", "١٢", "１２", "0x1f", "1e", ".", "-", "+-1", "1.2.3", "٣.٥"])
def test_only_plain_decimals_are_numbers(tmp_path, value):
    err = _refusal(_write(tmp_path, f"1,2,0\n3,{value},1\n5,6,1\n"))
    assert (err.line, err.column) == (2, 2) and "is not a number" in err.reason


def test_digits_of_other_scripts_do_not_make_a_header_row_a_data_row(tmp_path):
    d = read_table(_write(tmp_path, "١٢,label\n1,0\n2,1\n"))
    assert d.feature_names == ("١٢",) and d.n == 2


@pytest.mark.parametrize("text,sep,names", [
    ("a,b\tweight\tlabel\n1.5\t2\t0\n3\t4\t1\n", "\t", ("a,b", "weight")),
    ("x\ty\tlabel\n1\t2\tyes, really\n3\t4\tno\n", "\t", ("x", "y")),
    ("x,\ty,\tlabel\n1,\t2,\t0\n3,\t4,\t1\n", ",", ("x", "y")),          # aligned with tabs after commas
    ("x;y;label\n1;2;a,b\n3;4;c,d\n", ";", ("x", "y")),
    ("x y label\n1 2 0\n3 4 1\n", r"\s+", ("x", "y")),
])
def test_the_separator_is_the_one_that_splits_every_first_row_alike(tmp_path, text, sep, names):
    import pandas as pd

    path = _write(tmp_path, text)
    d = read_table(path)
    assert d.feature_names == names
    reference = pd.read_csv(path, sep=sep, skipinitialspace=True, dtype=str, engine="python")
    np.testing.assert_array_equal(d.X, reference.iloc[:, :2].to_numpy(dtype=float))


def test_decimal_commas_are_named_as_such(tmp_path):
    err = _refusal(_write(tmp_path, "x;y;label\n1,5;2;0\n3;4,25;1\n"))
    assert (err.line, err.column) == (2, 1) and "decimals are written with a point" in err.reason


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32", "utf-8-sig"])
def test_unicode_files_with_a_byte_order_mark_are_read(tmp_path, encoding):
    path = tmp_path / "d.txt"
    path.write_bytes("größe\tlabel\r\n1,5e1\tja\r\n2\tnein\r\n".replace("1,5e1", "15").encode(encoding))
    d = read_table(path)
    assert d.feature_names == ("größe",) and d.label_map == {"ja": 0, "nein": 1}


@pytest.mark.parametrize("data,line,column,words", [
    ("x,label\n1,0\n2,caf\xe9\n".encode("latin-1"), 3, 6, "not UTF-8"),
    ("x,label\n1,0\n2,1\n".encode("utf-16-le"), 1, 2, "NUL character"),
    (b"x,label\r\n1,0\r\n2,\xff1\r\n", 3, 3, "not UTF-8"),
])
def test_text_that_is_not_unicode_is_refused_at_its_place(tmp_path, data, line, column, words):
    path = tmp_path / "d.csv"
    path.write_bytes(data)
    err = _refusal(path)
    assert (err.line, err.column) == (line, column) and words in err.reason


@pytest.mark.parametrize("text,line,words", [
    ('1,2,0\n3,"4,1\n5,6,1\n', 2, "quote"),
    ('1,2,0\n3,"4\n5",1\n5,6,1\n', 2, "quote"),
    ("1,2,0\n\x0b\n3,4,1\n", 2, "expected 3 values"),
    ("1,2,0\n3,4,1,\n", 2, "expected 3 values, found 4"),
    ("a,b,label\n1,2\n3,4\n", 2, "expected 3 values, found 2"),
    ("a,b,label\n# note\n\n1,2,0\n  \n3,4,1,5\n", 6, "expected 3 values, found 4"),
    ("1,2,0\n3,1e400,1\n", 2, "beyond the range"),
])
def test_rows_are_refused_at_the_line_the_file_has_them(tmp_path, text, line, words):
    err = _refusal(_write(tmp_path, text))
    assert err.line == line and words in err.reason


@pytest.mark.parametrize("text,kw", [
    ("1,{0}x,0\n3,4,1\n", {}),
    ("1,2,0\n3,4,{0}x\n5,6,1\n", {}),
    ("1,2,0\n3,4,1\n", {"label_column": "{0}x"}),
    ("1,2,{0}.5x\n3,4,1\n", {}),
    ("{0}x,b\n1,2\n", {}),
])
def test_a_long_digit_run_that_is_no_number_is_refused_at_once(tmp_path, text, kw):
    digits = "1" * 1_000_000          # a pattern that backtracks would take hours on these
    kw = {k: v.format(digits) for k, v in kw.items()}
    _refusal(_write(tmp_path, text.format(digits)), **kw)


def test_a_text_label_over_a_number_does_not_make_the_first_row_a_header(tmp_path):
    d = read_table(_write(tmp_path, "1,2,abc\n3,4,007\n5,6,abc\n"))
    assert d.n == 3 and d.feature_names == ("x1", "x2") and d.label_map == {"007": 0, "abc": 1}
    d = read_table(_write(tmp_path, "x,y,label\n1,2,abc\n3,4,007\n"))
    assert d.n == 2 and d.feature_names == ("x", "y")


def test_names_that_look_like_numbers_come_back_as_a_header(tmp_path):
    one_class = Dataset(np.array([[1.0, 2.0], [3.0, 4.0]]), np.zeros(2), ("1", "2e3"), {"no": 0, "yes": 1})
    path = tmp_path / "d.csv"
    write_table(one_class, path)
    assert path.read_text().splitlines()[0] == '"1","2e3",label'
    with pytest.raises(DataFileError, match="every row has the label 'no'"):      # read as data, it would
        read_table(path)                                                      # have classes 'label', 'no'
    two_classes = Dataset(np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([0.0, 1.0]), ("1", "2e3"),
                          {"no": 0, "yes": 1})
    write_table(two_classes, path)
    assert read_table(path).equals(two_classes)
    all_quoted = _write(tmp_path, '"1","2","0"\n"3","4","1"\n"5","6","1"\n')
    assert read_table(all_quoted).n == 3


def test_a_wide_file_is_read_row_by_row_with_the_same_rules(tmp_path):
    from lrgui.core.table_io import WIDE_COLUMNS

    rng = np.random.default_rng(0)
    X = rng.normal(size=(3, WIDE_COLUMNS + 5))
    header = ",".join(f"c{j}" for j in range(X.shape[1])) + ",label\n"
    rows = [",".join(repr(v) for v in row) + f",{label}\n" for row, label in zip(X.tolist(), ["b", "a", " b"])]
    d = read_table(_write(tmp_path, header + "".join(rows)))
    np.testing.assert_array_equal(d.X, X)
    assert d.label_map == {"a": 0, "b": 1} and list(d.y) == [1, 0, 1] and d.feature_names[-1] == f"c{X.shape[1] - 1}"
    bad = rows[1].split(",")
    bad[700] = "1_000"
    err = _refusal(_write(tmp_path, header + rows[0] + ",".join(bad) + rows[2]))
    assert (err.line, err.column) == (3, 701) and "'1_000' is not a number" in err.reason
    err = _refusal(_write(tmp_path, header + rows[0] + rows[1].replace(",", ";", 1) + rows[2]))
    assert err.line == 3 and f"expected {X.shape[1] + 1} values, found {X.shape[1]}" in err.reason
