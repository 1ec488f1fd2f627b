"""lrgui: watch logistic regression learn."""

__version__ = "0.1.0"
