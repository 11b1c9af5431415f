"""Atomic writes that others can read: the one helper every writer uses.

A file is written under a temporary name beside its target and renamed into
place when complete, so a reader never sees half a file and a kill leaves the
old file (or none). Temporary names follow one convention,
`.tmp-<pid>-<token>-<target name>`, so the next run that writes into the same
folder removes what an interrupted run left (`remove_stale_temps`: entries
whose process is gone). Outputs follow the umask like any file the user writes:
`mkstemp`'s 0600 and `mkdtemp`'s 0700 are widened to `0o666 & ~umask` and
`0o777 & ~umask` before the rename, so another user (a TF Serving process, an
app build) can read them.

Example:
```python
atomic_write_json("exports/posegate_int8.json", {"input_size": 256})
with atomic_dir("exports/posegate/3") as tmp:   # SavedModel version folder
    tf.saved_model.save(module, tmp)
```
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
from collections.abc import Iterator
from typing import Any

TMP_PREFIX = ".tmp-"
_TMP_NAME = re.compile(r"^\.tmp-(\d+)-")
_cleaned: set[str] = set()


def current_umask() -> int:
    """The process umask (read without changing it where /proc allows)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except OSError:
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def file_mode() -> int:
    """Mode of a new regular file under the umask (`0o666 & ~umask`)."""
    return 0o666 & ~current_umask()


def dir_mode() -> int:
    """Mode of a new directory under the umask (`0o777 & ~umask`)."""
    return 0o777 & ~current_umask()


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_temps(directory: str | os.PathLike, force: bool = False) -> list[str]:
    """Remove the temporary files and folders that interrupted writes left.

    Those are the entries of `directory` named `.tmp-<pid>-...` whose process
    no longer runs. Each directory is cleaned once per process unless `force`.

    Args:
        directory: the folder to clean.
        force: clean it even if this process already did.

    Returns:
        The paths removed.
    """
    directory = os.path.abspath(os.fspath(directory))
    if (directory in _cleaned and not force) or not os.path.isdir(directory):
        return []
    _cleaned.add(directory)
    removed = []
    for name in os.listdir(directory):
        match = _TMP_NAME.match(name)
        if match is None or _pid_alive(int(match.group(1))):
            continue
        path = os.path.join(directory, name)
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path, ignore_errors=True)
        else:
            with contextlib.suppress(FileNotFoundError):
                os.remove(path)
        removed.append(path)
    return removed


def temp_name(target: str | os.PathLike) -> str:
    """A fresh temporary path beside `target`, `.tmp-<pid>-<token>-<name>`.

    Args:
        target: the file or folder the temporary will become.
    """
    target = os.fspath(target)
    folder, base = os.path.split(os.path.abspath(target))
    token = os.urandom(4).hex()
    return os.path.join(folder, f"{TMP_PREFIX}{os.getpid()}-{token}-{base}")


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[str]:
    """Yield a temporary path beside `path` for a writer that needs a file name.

    For an HDF5 or TFRecord writer: the temporary is renamed to `path` (umask
    mode) when the block ends without error, removed otherwise. Parent folders
    are created.

    Args:
        path: the file to write.

    Yields:
        The temporary path to write to.
    """
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    remove_stale_temps(folder)
    tmp = temp_name(path)
    try:
        yield tmp
        os.chmod(tmp, file_mode())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.remove(tmp)
        raise


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> str:
    """Write `data` to `path` atomically (fsynced, umask mode).

    Parent folders are created.

    Args:
        path: the file to write.
        data: its content.

    Returns:
        `path`, as a string.
    """
    path = os.fspath(path)
    with atomic_path(path) as tmp, open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    return path


def atomic_write_text(path: str | os.PathLike, text: str) -> str:
    """Write `text` to `path` atomically, as UTF-8 (see `atomic_write_bytes`).

    Args:
        path: the file to write.
        text: its content.

    Returns:
        `path`, as a string.
    """
    return atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_json(path: str | os.PathLike, obj: Any, **kwargs: Any) -> str:
    """Write `json.dumps(obj, **kwargs)` to `path` with `atomic_write_text`.

    Args:
        path: the file to write.
        obj: a JSON-serialisable object.
        **kwargs: passed to `json.dumps` (e.g. `indent=2`).

    Returns:
        `path`, as a string.
    """
    return atomic_write_text(path, json.dumps(obj, **kwargs))


@contextlib.contextmanager
def atomic_dir(path: str | os.PathLike) -> Iterator[str]:
    """Yield a temporary folder beside `path` to fill, then publish it as `path`.

    It is published with one rename (umask mode) when the block ends without
    error, removed otherwise.

    Args:
        path: the folder to create.

    Yields:
        The temporary folder to fill.

    Raises:
        FileExistsError: `path` exists (a published folder is never replaced).
    """
    path = os.fspath(path)
    if os.path.exists(path):
        raise FileExistsError(f"{path} already exists")
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    remove_stale_temps(folder)
    tmp = temp_name(path)
    os.mkdir(tmp)
    try:
        yield tmp
        os.chmod(tmp, dir_mode())
        if os.path.exists(path):
            raise FileExistsError(f"{path} already exists")
        os.rename(tmp, path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
