"""Data sets that teach: every generator says what it teaches; label noise flips exactly the
stated fraction (seeded); the imbalance ratio cuts class 1 to the stated share; files of the
previous session format read the renamed parameters."""

import json

import numpy as np
import pytest

from lrgui.core.generators import GENERATORS, generate
from lrgui.core.session_file import session_from_dict

SYNTHETIC = ["gaussian", "classification", "moons", "circles", "exams", "xor"]


@pytest.mark.parametrize("name", list(GENERATORS.names()))
def test_every_generator_says_in_one_sentence_what_it_teaches(name):
    lesson = GENERATORS.get(name).lesson
    assert lesson.endswith(".") and lesson.count(". ") == 0 and 30 < len(lesson) < 120


@pytest.mark.parametrize("name", SYNTHETIC)
@pytest.mark.parametrize("noise", [0.1, 0.25])
def test_label_noise_flips_exactly_the_stated_fraction_of_labels_on_seeded_rows(name, noise):
    clean = generate(name, noise=0.0, seed=3)
    noisy = generate(name, noise=noise, seed=3)
    np.testing.assert_array_equal(noisy.X, clean.X)            # the points stay where they were
    flipped = np.flatnonzero(noisy.y != clean.y)
    assert len(flipped) == round(noise * clean.n)
    again = generate(name, noise=noise, seed=3)
    np.testing.assert_array_equal(again.y, noisy.y)
    other = generate(name, noise=noise, seed=4)
    assert not np.array_equal(np.flatnonzero(other.y != generate(name, noise=0.0, seed=4).y), flipped)


@pytest.mark.parametrize("name", [n for n in SYNTHETIC if n != "gaussian"])
def test_the_imbalance_ratio_keeps_that_many_class_one_points_per_class_zero_point(name):
    full = generate(name, noise=0.0, seed=2)
    cut = generate(name, noise=0.0, ratio=0.2, seed=2)
    n0, n1 = cut.class_counts()
    assert n0 == full.class_counts()[0] and n1 == round(0.2 * n0)
    # the kept rows are rows of the full set, in their order
    rows = [np.flatnonzero((full.X == x).all(axis=1))[0] for x in cut.X]
    assert rows == sorted(rows)
    np.testing.assert_array_equal(full.y[rows], cut.y)


def test_the_gaussian_generator_keeps_the_seed_notes_counts_and_has_no_ratio():
    names = {p.name for p in GENERATORS.get("gaussian").params}
    assert {"n0", "n1", "noise", "seed"} <= names and "ratio" not in names
    assert generate("gaussian").class_counts() == (40, 40)


def test_a_version_one_session_reads_the_point_noise_as_spread_and_flip_y_as_noise():
    old = {"format": "lrgui-session", "version": 1, "data": {"generator": "moons", "params": {"noise": 0.3}},
           "runs": [{}]}
    loaded = session_from_dict(json.loads(json.dumps(old)))
    assert dict(loaded.session.origin.params) == {"spread": 0.3}
    assert loaded.session.data.equals(generate("moons", spread=0.3))
    old["data"] = {"generator": "classification", "params": {"flip_y": 0.2}}
    assert dict(session_from_dict(old).session.origin.params) == {"noise": 0.2}
