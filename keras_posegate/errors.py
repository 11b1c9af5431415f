"""The errors a user can fix: the `posegate` CLI prints them as one line.

The line is `posegate CMD: error: MESSAGE`, and the exit status 2 (no traceback
unless `--verbose`).

Both subclass `ValueError`, so code that catches `ValueError` still does.
A message names the file or flag and says what is wrong with it.
"""

from __future__ import annotations


class PosegateError(ValueError):
    """Base of the errors a user can fix."""


class UsageError(PosegateError):
    """A flag or argument is missing or wrong (the command line)."""


class DataError(PosegateError):
    """An input file or directory is missing, unreadable or inconsistent."""
