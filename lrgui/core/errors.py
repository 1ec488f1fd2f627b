"""The error types the core raises for bad input. Every message is meant for the user."""

from __future__ import annotations


class LrguiError(ValueError):
    """Base of every user-facing error of lrgui: the message alone explains the problem."""


class DatasetError(LrguiError):
    """A data set is unusable: non-finite values, wrong shapes, not exactly two labels, ..."""


class DataFileError(LrguiError):
    """A data file could not be read. The message names the file, line and column.

    Attributes ``path``, ``line`` (1-based, or None) and ``column`` (1-based, or None) locate
    the problem; ``reason`` is the bare description.
    """

    def __init__(self, path, reason: str, line: int | None = None, column: int | None = None):
        self.path = str(path)
        self.reason = reason
        self.line = line
        self.column = column
        where = self.path
        if line is not None:
            where += f", line {line}"
        if column is not None:
            where += f", column {column}"
        super().__init__(f"{where}: {reason}")


class ConfigError(LrguiError):
    """An option or hyperparameter is out of range or does not fit the other choices."""
