"""TensorFlow's thread pools: one thread per op for small training steps on 1-2 cores.

TensorFlow runs independent ops side by side on its inter-op pool and splits
one op over its intra-op pool; by default each pool has a thread per core. On a
2-core CPU that makes up to four busy threads for two cores: an op that splits
its work waits for the half that another op's thread holds up. A training step
of small ops runs faster with one thread per op (intra-op 1; the backward
pass's independent ops still run two at once): `posegate_tiny`'s train step at
batch 8 ran at 228 images/s against 151 (1.5x), at batch 16 1.1x. Larger steps
and inference, whose forward pass is a chain of ops that only splitting can
spread over both cores, run faster with TensorFlow's pools (a 2x64 model at
256x256 and batch 8: 0.9x with one thread per op; `posegate_tiny` inference at
batch 32: 0.7x). So `posegate train`, `demo`, `quantize` (its fine-tuning)
and `benchmark train` call `configure_training_threads` with the step's size
before TensorFlow starts, and every other command keeps TensorFlow's pools.
The rule was measured on 2 cores only, so larger CPUs keep TensorFlow's pools
too.

Both pools are fixed when TensorFlow starts (its first op), so the choice is
made through TensorFlow's environment variables (and, once TensorFlow is
imported, `tf.config.threading`) before that; child processes inherit it.
Counts given explicitly (`--intra_op_threads`, `TF_NUM_INTRAOP_THREADS`) win.

Example:
    >>> from keras_posegate.threads import configure_training_threads
    >>> configure_training_threads(batch_size=8, input_size=128, width=32)
    (0, 1)  # on 2 cores, before TensorFlow's first op
"""

from __future__ import annotations

import os
import sys

INTER_OP_ENV = "TF_NUM_INTEROP_THREADS"
INTRA_OP_ENV = "TF_NUM_INTRAOP_THREADS"
# The most cores a process may have for one thread per op.
SMALL_CPU_CORES = 2
# One thread per op while a training step's feature maps at 1/4 resolution
# (batch x (input_size / 4)^2 x width values) stay under this: measured on 2
# cores, 0.26M values 1.5x, 0.52M 1.1-1.17x, 1.05M 1.0x, 2.1M 0.9x.
ONE_THREAD_MAX_VALUES = 2**20


def available_cores() -> int:
    """CPU cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def training_intra_op(cores: int, batch_size: int, input_size: int, width: int) -> int:
    """The intra-op threads chosen for a training step (0: TensorFlow's choice).

    Args:
        cores: CPU cores the process may run on.
        batch_size: images per step.
        input_size: the network's input side.
        width: the network's width (channels at 1/4 resolution).

    Returns:
        1 on at most `SMALL_CPU_CORES` cores when the step's feature maps at
        1/4 resolution hold fewer than `ONE_THREAD_MAX_VALUES` values, else 0.
    """
    values = batch_size * (input_size // 4) ** 2 * width
    return int(cores <= SMALL_CPU_CORES and values < ONE_THREAD_MAX_VALUES)


def _check(name: str, value: int | None) -> None:
    if value is not None and (isinstance(value, bool) or value < 0):
        raise ValueError(f"{name} must be >= 0 (0: TensorFlow's choice). "
                         f"Received: {name}={value!r}")  # fmt: skip


def configure_threads(
    inter_op: int | None = None, intra_op: int | None = None
) -> tuple[int, int]:
    """Set TensorFlow's thread pools for this process and its children.

    Call it before TensorFlow loads (it sets `TF_NUM_INTEROP_THREADS` and
    `TF_NUM_INTRAOP_THREADS`, which TensorFlow reads once, at start-up). A
    count left as None keeps what the environment says (the user's variable,
    the one a parent `posegate` run passed on, or nothing: TensorFlow's
    choice until `configure_training_threads` decides).

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
    for env, value in ((INTER_OP_ENV, inter_op), (INTRA_OP_ENV, intra_op)):
        if value is not None:  # "0" too: TensorFlow's choice, chosen
            os.environ[env] = str(value)
    return current_threads()


def configure_training_threads(
    batch_size: int, input_size: int, width: int
) -> tuple[int, int]:
    """Choose the intra-op pool for training steps of this size, if still open.

    Applies `training_intra_op` unless an intra-op count was given already
    (`configure_threads`, `--intra_op_threads`, `TF_NUM_INTRAOP_THREADS`) or
    TensorFlow has started (its pools are then fixed, and stay as they are).

    Args:
        batch_size: images per training step.
        input_size: the network's input side.
        width: the network's width.

    Returns:
        The `(inter_op, intra_op)` in force, 0 meaning TensorFlow's choice.
    """
    if INTRA_OP_ENV not in os.environ:
        intra = training_intra_op(available_cores(), batch_size, input_size, width)
        if _set_tensorflow_intra_op(intra):
            os.environ[INTRA_OP_ENV] = str(intra)
    return current_threads()


def _set_tensorflow_intra_op(count: int) -> bool:
    """Give a loaded but not yet started TensorFlow `count`; False once started."""
    if "tensorflow" not in sys.modules:
        return True  # it reads the environment variable when it starts
    import tensorflow as tf

    try:
        tf.config.threading.set_intra_op_parallelism_threads(count)
    except RuntimeError:  # "cannot be modified after initialization"
        return False
    return True


def current_threads() -> tuple[int, int]:
    """The `(inter_op, intra_op)` of the environment, 0 meaning TensorFlow's choice."""
    return _read(INTER_OP_ENV), _read(INTRA_OP_ENV)


def _read(env: str) -> int:
    """The count in `env`; 0 (TensorFlow's choice) when unset or not a count >= 0."""
    try:
        return max(0, int(os.environ.get(env, "0")))
    except ValueError:
        return 0
