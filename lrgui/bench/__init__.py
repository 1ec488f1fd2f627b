"""Benchmarks, not part of the test run: ``python -m lrgui.bench GOAL`` measures one goal (or
``all`` of them) and prints a table of figures, each next to a reference measured in the same run,
their ratio, and whether the goal is met. Ratios compare across machines; the figures do not.

Goals: ``startup`` (1), ``epochs`` (2), ``window`` (3), ``csv`` (4), ``solve`` (5), ``dask`` (the
engine against dask-ml). Other measurements: ``gui`` (the window racing 1 and 4 runs), ``soak``
(minutes of training, PASS or FAIL), ``sweep`` (one process against every core), ``equations``
(training speed with the live equations shown).
"""
