"""The model directory of a run, and the checks it passes before training.

It must be writable, locked to one run, free of the temporary files of
interrupted writes, and have room for the next checkpoint.

Temporary files of this package are named `.tmp-*` (written beside their
target, then renamed over it), so any left in the model directory belong to a
write that was interrupted; the next run removes them under the lock.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil

import numpy as np

from keras_posegate.training.errors import NotEnoughSpace, RunRefused

MIN_FREE_BYTES = 200 * 1024**2
LOCK_FILE = ".lock"
# Headroom over a checkpoint's size: HDF5/zip overhead and the other files.
SPACE_MARGIN = 1.2
SPACE_RESERVE_BYTES = 16 * 1024**2

_HELD: dict[str, list] = {}  # realpath -> [fd, depth], locks of this process


def free_bytes(path: str) -> int:
    """Free bytes on the filesystem of `path`."""
    return shutil.disk_usage(path).free


def check_model_dir(model_dir: str) -> None:
    """Fail early, with a clear message, if `model_dir` cannot take checkpoints.

    Creates `model_dir` when it does not exist.

    Args:
        model_dir: the run's directory.

    Raises:
        OSError: `model_dir` cannot be created or written.
        NotEnoughSpace: less than `MIN_FREE_BYTES` are free there.
    """
    try:
        os.makedirs(model_dir, exist_ok=True)
        probe = os.path.join(model_dir, f".tmp-{os.getpid()}-write-probe")
        with open(probe, "w") as f:
            f.write("ok")
        os.remove(probe)
    except OSError as e:
        raise OSError(
            f"{model_dir}: cannot write checkpoints there ({e.strerror})."
        ) from e
    free = free_bytes(model_dir)
    if free < MIN_FREE_BYTES:
        raise NotEnoughSpace(
            f"{model_dir}: only {free / 1024**2:.0f} MiB free; training needs at least "
            f"{MIN_FREE_BYTES / 1024**2:.0f} MiB for checkpoints."
        )


@contextlib.contextmanager
def lock_model_dir(model_dir: str):
    """Hold an exclusive lock on `model_dir` for the duration of the block.

    The lock is a `flock` on `model_dir/.lock`, which records the holder's pid.
    Re-entrant within a process; the lock goes with the process, so a killed
    run leaves no stale lock.

    Args:
        model_dir: an existing run directory.

    Raises:
        RunRefused: another process holds the lock (the message names its pid).
    """
    key = os.path.realpath(model_dir)
    if key in _HELD:
        _HELD[key][1] += 1
        try:
            yield
        finally:
            _HELD[key][1] -= 1
        return
    fd = os.open(os.path.join(key, LOCK_FILE), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
        os.close(fd)
        raise RunRefused(
            f"{model_dir} is in use by another run (pid {holder}); wait for it to "
            "end, or train into another --model_dir."
        ) from None
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
    _HELD[key] = [fd, 1]
    try:
        yield
    finally:
        del _HELD[key]
        os.close(fd)


def clean_temp_files(model_dir: str, subdirs: tuple[str, ...] = ("backup",)) -> list:
    """Remove the temporary files that interrupted writes left in `model_dir`.

    These are the `.tmp-*` files (and the `NAME.tmp-PID` of older versions) in
    `model_dir` and its `subdirs`. Call it holding the lock.

    Args:
        model_dir: the run's directory.
        subdirs: its subfolders to clean too.

    Returns:
        The paths removed.
    """
    removed = []
    for folder in (model_dir, *(os.path.join(model_dir, s) for s in subdirs)):
        if not os.path.isdir(folder):
            continue
        for name in sorted(os.listdir(folder)):
            if not (name.startswith(".tmp-") or ".tmp-" in name):
                continue
            path = os.path.join(folder, name)
            if os.path.isdir(path) and not os.path.islink(path):
                shutil.rmtree(path, ignore_errors=True)
            else:
                os.remove(path)
            removed.append(path)
    return removed


def model_bytes(model) -> int:
    """Count the bytes of the model's and its optimizer's variables.

    This stands for a checkpoint's size before the first one is written.

    Args:
        model: a Keras model, compiled or not.
    """
    variables = list(model.weights)
    if getattr(model, "optimizer", None) is not None:
        variables += list(model.optimizer.variables)
    total = 0
    for v in variables:
        try:
            size = np.dtype(str(v.dtype)).itemsize
        except TypeError:
            size = 4
        total += int(np.prod(v.shape)) * size
    return total


def ensure_free_space(directory: str, need: int, what: str) -> None:
    """Refuse to start writing `what` into `directory` when the disk lacks room.

    `need` bytes plus a margin (`SPACE_MARGIN`, `SPACE_RESERVE_BYTES`) must be
    free.

    Args:
        directory: where the file goes.
        need: the file's expected size, in bytes.
        what: the file, as the message names it.

    Raises:
        NotEnoughSpace: naming the directory, the free and the needed space.
    """
    want = int(need * SPACE_MARGIN) + SPACE_RESERVE_BYTES
    free = free_bytes(directory)
    if free < want:
        raise NotEnoughSpace(
            f"{directory}: disk nearly full ({free / 1024**2:.0f} MiB free, "
            f"{want / 1024**2:.0f} MiB needed for {what}); stopped before writing it."
        )


def is_disk_full(error: OSError) -> bool:
    """Whether a write failed for want of space (h5py does not set errno)."""
    import errno

    return error.errno in (errno.ENOSPC, errno.EDQUOT) or "No space left" in str(error)
