"""TensorFlow's CPU thread pools: one thread per op on a CPU of 1-2 cores.

TensorFlow runs independent ops side by side on its inter-op pool and splits
one op over its intra-op pool; by default each pool has a thread per core. On a
2-core CPU that makes up to four busy threads for two cores: an op that splits
its work waits for the half that another op's thread holds up. With one thread
per op (intra-op 1; two ops still run at once), `posegate_tiny`'s train step at
batch 8 ran at 228 images/s against 151 (1.5x), at batch 16 1.1x, and the input
pipeline as fast as before; a 2x64 model at 256x256, whose forward pass is a
chain of larger ops, ran 0.9x (README, Benchmarks: `--intra_op_threads 0` gives
TensorFlow's choice back). That was measured on 2 cores only, so larger CPUs
keep TensorFlow's defaults.

Both pools are fixed when TensorFlow starts, so the choice is made through
TensorFlow's environment variables before it loads, and child processes
inherit it. Keras users who build their own `fit` script call
`configure_threads()` before importing TensorFlow or Keras.

Example:
    >>> from keras_posegate.threads import configure_threads
    >>> configure_threads(intra_op=1)  # before `import keras`
    (0, 1)
"""

from __future__ import annotations

import os

INTER_OP_ENV = "TF_NUM_INTEROP_THREADS"
INTRA_OP_ENV = "TF_NUM_INTRAOP_THREADS"
# The most cores a process may have for `auto` to choose one thread per op.
SMALL_CPU_CORES = 2


def available_cores() -> int:
    """CPU cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def auto_threads(cores: int) -> tuple[int, int]:
    """The `(inter_op, intra_op)` threads chosen for a CPU of `cores` cores.

    Args:
        cores: CPU cores the process may run on.

    Returns:
        `(0, 1)` (TensorFlow's inter-op pool, one thread per op) for at most
        `SMALL_CPU_CORES` cores, else `(0, 0)`: 0 leaves TensorFlow's choice.
    """
    return (0, 1) if cores <= SMALL_CPU_CORES else (0, 0)


def _check(name: str, value: int | None) -> None:
    if value is not None and (isinstance(value, bool) or value < 0):
        raise ValueError(f"{name} must be >= 0 (0: TensorFlow's choice). "
                         f"Received: {name}={value!r}")  # fmt: skip


def configure_threads(
    inter_op: int | None = None, intra_op: int | None = None
) -> tuple[int, int]:
    """Set TensorFlow's thread pools for this process and its children.

    Call it before TensorFlow loads (it sets `TF_NUM_INTEROP_THREADS` and
    `TF_NUM_INTRAOP_THREADS`, which TensorFlow reads once, at start-up).
    A count left as None keeps that variable when it is already set (by the
    user, or by the `posegate` run that started this process), else takes
    `auto_threads`.

    Args:
        inter_op: threads that run independent ops side by side; 0 for
            TensorFlow's choice (one per core).
        intra_op: threads that share one op's work; 0 for TensorFlow's choice.

    Returns:
        The `(inter_op, intra_op)` now in force, 0 meaning TensorFlow's choice.

    Raises:
        ValueError: a negative count.
    """
    _check("inter_op", inter_op)
    _check("intra_op", intra_op)
    auto_inter, auto_intra = auto_threads(available_cores())
    return (_apply(INTER_OP_ENV, inter_op, auto_inter),
            _apply(INTRA_OP_ENV, intra_op, auto_intra))  # fmt: skip


def _apply(env: str, value: int | None, default: int) -> int:
    """Set `env` to `value` (None: what it holds, else `default`); 0 unsets it."""
    if value is None:
        value = _read(env, default)
    if value:
        os.environ[env] = str(value)
    else:
        os.environ.pop(env, None)
    return value


def current_threads() -> tuple[int, int]:
    """The `(inter_op, intra_op)` of the environment, 0 meaning TensorFlow's choice."""
    return _read(INTER_OP_ENV, 0), _read(INTRA_OP_ENV, 0)


def _read(env: str, default: int) -> int:
    """The count in `env`; `default` when unset; 0 when not a count >= 0."""
    value = os.environ.get(env)
    if value is None:
        return default
    try:
        return max(0, int(value))
    except ValueError:
        return 0
