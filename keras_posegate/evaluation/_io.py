"""Moved: the atomic writers live in `keras_posegate.fileio` (one helper for
every writer). Kept as an alias until `training/history.py` imports it there."""

from keras_posegate.fileio import atomic_write_bytes, atomic_write_text

__all__ = ["atomic_write_bytes", "atomic_write_text"]
