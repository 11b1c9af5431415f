"""Why a run stopped, as exceptions with a one-line message for the user."""

from __future__ import annotations


class TrainingDiverged(RuntimeError):
    """The loss became NaN or infinite; the message says what is kept."""
