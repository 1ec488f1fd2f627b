"""The example sessions: the shipped files are what the registry builds, and each shows what it
is named for."""

import numpy as np
import pytest

from lrgui.core.examples import EXAMPLES
from lrgui.core.generators import generate
from lrgui.core.run import TrainingRun
from lrgui.core.session_file import read_session, session_json


@pytest.mark.parametrize("name", EXAMPLES.names())
def test_the_shipped_file_is_what_the_registry_builds(name):
    example = EXAMPLES.get(name)
    assert example.path.read_text(encoding="utf-8") == session_json(example.build(), None, None), \
        "run python -m lrgui.core.examples to write the example files again"
    loaded = read_session(example.path).session
    assert len(loaded.runs) >= 1 and loaded.data.n > 0 and loaded.data.why_untrainable() is None


def test_there_are_the_seven_examples_of_the_lecture():
    assert EXAMPLES.names() == ["gaussian-clouds", "exam-scores", "circle-features", "imbalanced", "iris-species",
                                "optimizer-race", "squared-error"]


def _trained(session, index, epochs=3000):
    run = TrainingRun(session.data, session.runs[index].config)
    run.step(epochs)
    return run


def test_circles_need_the_polynomial_features():
    session = EXAMPLES.get("circle-features").build()
    with_terms, plain = _trained(session, 0), _trained(session, 1)
    assert with_terms.last.accuracy >= 0.97 and plain.last.accuracy <= 0.7


def test_the_remedies_find_more_of_the_rare_class():
    session = EXAMPLES.get("imbalanced").build()
    data = session.data
    rare = data.y == 1

    def recall(run):
        return float(np.mean(run.decision_function(data.X[rare]) >= 0))

    plain, balanced, over = (_trained(session, i) for i in range(3))
    assert recall(balanced) > recall(plain) and recall(over) > recall(plain)


def test_exam_scores_are_admitted_by_their_sum():
    data = generate("exams", n_samples=400, spread=0.0, seed=5)
    assert np.array_equal(data.y, (data.X.sum(axis=1) > 130).astype(float))
    assert data.X.min() >= 30 and data.X.max() <= 100 and 0.2 < data.y.mean() < 0.8
    again = generate("exams", n_samples=400, spread=0.0, seed=5)
    assert np.array_equal(again.X, data.X) and data.feature_names == ("exam1", "exam2")
