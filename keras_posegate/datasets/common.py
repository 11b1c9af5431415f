"""Helpers shared by the annotation readers.

The read report, MAT loading with errors that name the file, the split
argument, and the all-missing joints of an unannotated person.
"""

from __future__ import annotations

import collections
import dataclasses
from pathlib import Path
from typing import Any

import numpy as np

# The splits a user names (`posegate prepare --split`, evaluation sources). The
# official files know only some: MPII's .mat and LSP's joints.mat hold train
# and test (and "all" reads both); MPII's validation split is the HRNet JSON.
SPLITS = ("train", "valid", "test")
FILE_SPLITS = ("train", "test", "all")


@dataclasses.dataclass
class ReadReport:
    """What a reader kept, skipped and noticed.

    Attributes:
        source: the annotation file that was read.
        format: the layout detected, e.g. "lsp-original 3x14xN".
        kept: number of records returned.
        skipped: reason -> count of persons (or images, for reasons that start
            with "image_") left out.
        notes: reason -> count of things kept but worth knowing (e.g. joints
            whose visibility flag was empty and were taken as visible).
    """

    source: str
    format: str
    kept: int = 0
    skipped: collections.Counter = dataclasses.field(
        default_factory=collections.Counter
    )
    notes: collections.Counter = dataclasses.field(default_factory=collections.Counter)

    def __str__(self) -> str:
        skipped = ", ".join(f"{k}={v}" for k, v in sorted(self.skipped.items()))
        notes = ", ".join(f"{k}={v}" for k, v in sorted(self.notes.items()))
        return (
            f"{self.source} ({self.format}): kept {self.kept}; "
            f"skipped: {skipped or 'none'}; notes: {notes or 'none'}"
        )


def check_split(split: str) -> None:
    """Raises ValueError unless an official file has `split` (`FILE_SPLITS`).

    Args:
        split: the split name to check.
    """
    if split not in FILE_SPLITS:
        raise ValueError(
            f"split must be one of {FILE_SPLITS}. Received: split={split!r}"
        )


def load_mat(path: str | Path, **kwargs: Any) -> dict:
    """`scipy.io.loadmat` that names the file in every failure.

    Args:
        path: the .mat file.
        **kwargs: passed to `scipy.io.loadmat`.

    Returns:
        The loaded variables.
    """
    import scipy.io

    path = Path(path)
    if not path.is_file():
        raise ValueError(f"Annotation file not found: {path}")
    try:
        return scipy.io.loadmat(str(path), **kwargs)
    except Exception as e:  # scipy raises several types for broken files.
        raise ValueError(
            f"Could not read {path} as a MATLAB .mat file ({type(e).__name__}: {e})"
        ) from e


def is_empty(value: Any) -> bool:
    """True for a missing MATLAB field: None or an empty array.

    Args:
        value: a loaded MATLAB field.

    Returns:
        Whether the field is missing.
    """
    return value is None or (isinstance(value, np.ndarray) and value.size == 0)


def as_list(value: Any) -> list:
    """A MATLAB struct array loaded with `squeeze_me=True` as a Python list.

    `squeeze_me` turns a 1-element array into the element itself and an empty
    array into an empty ndarray; this undoes both.

    Args:
        value: a loaded MATLAB field.

    Returns:
        Its elements as a list (empty for a missing field).
    """
    if is_empty(value):
        return []
    if isinstance(value, np.ndarray):
        return list(value.ravel())
    return [value]


def as_float(value: Any) -> float | None:
    """A MATLAB scalar (number, 1-element array or numeric string) as a float.

    Args:
        value: a loaded MATLAB field.

    Returns:
        The value as a float, or None when it is empty or not a number.
    """
    if is_empty(value):
        return None
    try:
        return float(np.asarray(value, dtype=np.float64).ravel()[0])
    except (TypeError, ValueError):
        return None


def missing_joints(num_joints: int) -> tuple[np.ndarray, np.ndarray]:
    """The joints of a person with no annotation: every joint missing.

    Args:
        num_joints: J, the dataset's joint count.

    Returns:
        `(J, 2)` float32 joints, all NaN, and `(J,)` float32 visibility, all 0.
    """
    return (
        np.full((num_joints, 2), np.nan, np.float32),
        np.zeros(num_joints, np.float32),
    )
