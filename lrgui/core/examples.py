"""Example sessions for lectures, registered in ``EXAMPLES`` (name → Example) and shipped as
session files in ``lrgui/resources/examples`` (written from here: ``python -m lrgui.core.examples``;
a test checks that the files are what the registry builds).

Each example is a whole session: data with their origin, the runs to race and the view options.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

from .config import RunConfig
from .generators import generate
from .registry import Registry
from .session import DataOrigin, RunSpec, Session, ViewOptions, window_default_config
from .session_file import SUFFIX, write_session

FOLDER = Path(__file__).resolve().parents[1] / "resources" / "examples"

# "Why not squared error?": two overlapping clouds and a start on the wrong side of every point,
# |z| up to about 40. Squared error's gradient carries the factor σ'(z) ≈ e^(−|z|) and all but
# vanishes there, so gradient descent on it sits on a plateau for about a thousand epochs, while
# on cross-entropy it converges in about 340.
SQUARED_DEMO_DATA = {"n0": 50, "n1": 50, "mean0_x1": -1.5, "mean0_x2": -1.5, "mean1_x1": 1.5, "mean1_x2": 1.5,
                     "std0_x1": 1.2, "std0_x2": 1.2, "std1_x1": 1.2, "std1_x2": 1.2, "seed": 0}
SQUARED_DEMO_RUN = RunConfig(optimizer="gd", hyper={"lr": 1.0}, init=[0.0, -6.0, -6.0], max_epochs=3000, tol=1e-5)
COMPARED_OPTIMIZERS = ("gd", "momentum", "adam", "lbfgs")
# The remedies for class imbalance raced side by side: (run name, class_weight, resample).
IMBALANCE_REMEDIES = (("no remedy", "none", "none"), ("balanced weights", "balanced", "none"),
                      ("undersampled", "none", "under"), ("oversampled", "none", "over"))


# The ways of training more than two classes raced side by side: (run name, multiclass).
MULTICLASS_METHODS = (("one-vs-rest", "ovr"), ("multinomial", "multinomial"))


def names_describing(settings) -> set[str]:
    """The run names the races give that say what one of ``settings`` (names of RunConfig's
    fields) is: a run keeps such a name only while that setting stays as the race set it."""
    names = set()
    if "multiclass" in settings:
        names |= {name for name, _ in MULTICLASS_METHODS}
    if {"class_weight", "resample"} & set(settings):
        names |= {name for name, *_ in IMBALANCE_REMEDIES}
    return names


# Data sets of more than two classes offered beside the generators' defaults:
# (generator, parameters, title, what they teach).
IRIS_SPECIES = {"classes": "all three", "feature_x": "petal length", "feature_y": "sepal width"}
MORE_CLASS_SETS = (
    ("iris", IRIS_SPECIES, "Iris, all three species",
     "Three classes: one model per class carves the plane with three lines; race it against one softmax "
     "model (Run > Compare one-vs-rest and multinomial)"),
)


@dataclass(frozen=True)
class Example:
    name: str
    title: str
    description: str
    build: Callable[[], Session]

    @property
    def path(self) -> Path:
        """The shipped session file."""
        return FOLDER / f"{self.name}{SUFFIX}"


EXAMPLES: Registry[Example] = Registry("example")


def _example(name: str, title: str, description: str):
    def wrap(build):
        EXAMPLES.register(name)(Example(name, title, description, build))
        return build
    return wrap


def _session(generator: str, params: dict, configs, view: ViewOptions | None = None, names=()) -> Session:
    runs: tuple[RunSpec, ...] = ()
    for i, config in enumerate(configs):
        name = names[i] if i < len(names) else ""
        runs += (RunSpec.make(f"run{i + 1}", config.validate(), i, name),)
    return Session(generate(generator, **params), DataOrigin.generator(generator, params), runs, "run1", view)


def _default(**changes) -> RunConfig:
    return replace(window_default_config(), **changes)


@_example("gaussian-clouds", "Two Gaussian clouds",
          "The seed notes' two clouds and plain gradient descent: the first thing to show")
def _gaussian() -> Session:
    return _session("gaussian", {}, [_default()])


@_example("exam-scores", "Exam scores: admitted or not",
          "Two exam scores decide admission: gradient descent on standardised scores beside Newton's method "
          "on the raw ones")
def _exams() -> Session:
    return _session("exams", {}, [_default(), _default(optimizer="newton", hyper={}, standardize=False)])


@_example("circle-features", "Circles: polynomial features",
          "A ring around a disc: no line separates them, degree-2 features do")
def _circles() -> Session:
    params = {"n_samples": 200, "spread": 0.08, "factor": 0.5}
    return _session("circles", params, [_default(degree=2), _default()])


@_example("imbalanced", "Imbalanced classes and their remedies",
          "Ninety points of one class, ten of the other: plain training beside balanced class weights, "
          "undersampling and oversampling (the metrics dock shows the minority's recall)")
def _imbalanced() -> Session:
    params = {"n0": 90, "n1": 10, "mean1_x1": 5.0, "mean1_x2": 5.0}
    configs = [_default(class_weight=weight, resample=how) for _, weight, how in IMBALANCE_REMEDIES]
    return _session("gaussian", params, configs, names=[name for name, _, _ in IMBALANCE_REMEDIES])


@_example("iris-species", "Three iris species: one-vs-rest and softmax",
          "Three classes: three two-class models, each separating its species from the rest, beside one "
          "softmax model; the shading shows the region each species wins")
def _species() -> Session:
    configs = [_default(multiclass=method, penalty="l2", lam=1.0) for _, method in MULTICLASS_METHODS]
    return _session("iris", IRIS_SPECIES, configs, names=[name for name, _ in MULTICLASS_METHODS])


@_example("optimizer-race", "An optimizer race",
          "Gradient descent, momentum, Adam and L-BFGS at their defaults on the same data")
def _race() -> Session:
    return _session("gaussian", {}, [_default(optimizer=name, hyper={}) for name in COMPARED_OPTIMIZERS])


@_example("squared-error", "Why not squared error?",
          "From a start where every point is confidently wrong, squared error stalls on a plateau while "
          "cross-entropy converges")
def _squared() -> Session:
    configs = [replace(SQUARED_DEMO_RUN, loss=loss) for loss in ("cross-entropy", "squared")]
    return _session("gaussian", SQUARED_DEMO_DATA, configs,
                    ViewOptions(compare_losses=True, log_loss=True, landscape_axes=(1, 2)))


def write_examples(folder: Path = FOLDER) -> list[Path]:
    """Write every example's session file into ``folder``; returns the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in EXAMPLES.names():
        path = folder / f"{name}{SUFFIX}"
        write_session(path, EXAMPLES.get(name).build())
        paths.append(path)
    return paths


if __name__ == "__main__":
    for written in write_examples():
        print(written)


def example_session_path(name: str) -> Path | None:
    """The shipped session file of the example ``name``, or None when there is no such example
    (or a file of that name exists: a file always wins)."""
    if name in EXAMPLES and not Path(name).exists():
        return EXAMPLES.get(name).path
    return None
