"""Flag checks that run at parse time, before any file or folder is written.

A bad value ends with `posegate CMD: error: flag --NAME=VALUE: ...`, exit 2.
"""

from __future__ import annotations

import os

from absl import flags


def _dirs(value: str | None) -> list[str]:
    return [d.strip() for d in str(value or "").split(",") if d.strip()]


def _existing_dirs(value: str | None) -> bool:
    if value is None:
        return True
    dirs = _dirs(value)
    if not dirs:
        raise flags.ValidationError("is empty; give a dataset directory")
    for d in dirs:
        if not os.path.isdir(d):
            raise flags.ValidationError(f"{d} is not a directory")
        if not os.listdir(d):
            raise flags.ValidationError(f"{d} is an empty directory")
    return True


def existing_data_dir(name: str) -> None:
    """Require `--NAME`, when given, to name existing, non-empty directories.

    A comma-separated list is allowed; each directory in it is checked.

    Args:
        name: the flag name, without dashes.
    """
    flags.register_validator(name, _existing_dirs)


def output_dir(name: str) -> None:
    """Require `--NAME`, when given, not to name an existing file.

    The folder is made when missing; a file in its place would only fail
    after the work that fills it.

    Args:
        name: the flag name, without dashes.
    """
    flags.register_validator(
        name,
        lambda v: v is None or not os.path.exists(v) or os.path.isdir(v),
        message="is a file, not a directory",
    )


def positive(*names: str) -> None:
    """Require each `--NAME`, when given, to be > 0.

    Meant for float flags, where absl's `lower_bound` would allow 0.

    Args:
        *names: flag names, without dashes.
    """
    for name in names:
        flags.register_validator(
            name, lambda v: v is None or v > 0, message="must be > 0"
        )


def non_negative(*names: str) -> None:
    """Require each float `--NAME`, when given, to be finite and >= 0.

    absl's `lower_bound=0` lets `nan` through.

    Args:
        *names: flag names, without dashes.
    """
    for name in names:
        flags.register_validator(
            name,
            lambda v: v is None or 0 <= v < float("inf"),
            message="must be a finite number >= 0",
        )


def _numbers(value, count: int, what: str) -> list[float]:
    """`value` (a list flag) as `count` numbers, or a `ValidationError`."""
    try:
        numbers = [float(v) for v in value]
    except ValueError as e:
        raise flags.ValidationError(f"must be {what} ({e})") from e
    if len(numbers) != count:
        raise flags.ValidationError(f"must be {what}, got {len(numbers)}")
    return numbers


def person_box(name: str) -> None:
    """Require `--NAME`, when given, to be four numbers `x,y,w,h` with w, h > 0.

    Args:
        name: the name of a list flag, without dashes.
    """

    def check(value) -> bool:
        if value is not None:
            numbers = _numbers(value, 4, "4 numbers x,y,w,h")
            if numbers[2] <= 0 or numbers[3] <= 0:
                raise flags.ValidationError("width and height must be > 0")
        return True

    flags.register_validator(name, check)


def point(name: str) -> None:
    """Require `--NAME`, when given, to be two numbers `x,y`.

    Args:
        name: the name of a list flag, without dashes.
    """

    def check(value) -> bool:
        if value is not None:
            _numbers(value, 2, "two numbers x,y")
        return True

    flags.register_validator(name, check)
