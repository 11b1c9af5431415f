"""Why a run stopped or was refused, as exceptions with a one-line message.

The message names the directory or flag and says what to do.
"""

from __future__ import annotations

from keras_posegate.errors import PosegateError


class TrainingDiverged(RuntimeError):
    """The loss became NaN or infinite; the message says what is kept."""


class RunRefused(PosegateError):
    """The run cannot start as asked.

    The model directory is locked by another run, or the flags differ from the
    configuration of the run it resumes.
    """


class NotEnoughSpace(OSError):
    """The disk is too full for the next checkpoint.

    The run stopped before writing it, and the previous checkpoint is intact.
    """
