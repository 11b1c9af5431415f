"""What differs between the Keras 3 backends, in one place.

The model, the loss and `model.fit` are backend-neutral (`keras.ops` only); the
input pipeline is `tf.data` on every backend (Keras 3 takes a
`tf.data.Dataset` in `fit` on JAX and PyTorch too). What remains is here:
which backend runs, whether it has a GPU, tensors to numpy, and the
TensorFlow-only features (`tf.distribute` strategies).

Example:
    >>> KERAS_BACKEND=jax posegate train ...   # or: posegate train --backend jax
"""

from __future__ import annotations

import keras
import numpy as np

BACKENDS = ("tensorflow", "jax", "torch")


class TensorFlowOnly(ValueError):
    """A TensorFlow-only feature was asked for on another backend."""


def current() -> str:
    """The backend of this process's Keras ("tensorflow", "jax" or "torch")."""
    return keras.backend.backend()


def has_gpu() -> bool:
    """Whether the current backend computes on a GPU."""
    name = current()
    if name == "jax":
        import jax

        return jax.default_backend() == "gpu"
    if name == "torch":
        import torch

        return torch.cuda.is_available()
    import tensorflow as tf

    return bool(tf.config.list_physical_devices("GPU"))


def gpu_peak_mb() -> float | None:
    """Peak GPU memory of this process so far, in MiB.

    Returns:
        The peak, or None without a GPU or where the backend does not say.
    """
    if not has_gpu():
        return None
    name = current()
    if name == "torch":
        import torch

        return torch.cuda.max_memory_allocated() / 1024**2
    if name == "jax":
        import jax

        stats = jax.devices()[0].memory_stats() or {}
        peak = stats.get("peak_bytes_in_use")
        return None if peak is None else peak / 1024**2
    import tensorflow as tf

    return tf.config.experimental.get_memory_info("GPU:0")["peak"] / 1024**2


def reset_gpu_peak() -> None:
    """Start a new peak for `gpu_peak_mb` (TensorFlow and PyTorch)."""
    if not has_gpu():
        return
    if current() == "torch":
        import torch

        torch.cuda.reset_peak_memory_stats()
    elif current() == "tensorflow":
        import tensorflow as tf

        tf.config.experimental.reset_memory_stats("GPU:0")


def to_numpy(x) -> np.ndarray:
    """A model output (a backend tensor, a TF tensor or an array) as numpy."""
    if isinstance(x, np.ndarray):
        return x
    if hasattr(x, "numpy") and not hasattr(x, "detach"):  # tf.Tensor
        return np.asarray(x.numpy())
    return np.asarray(keras.ops.convert_to_numpy(x))


def inference_fn(model):
    """`images -> outputs` for repeated inference with `model`.

    The model itself, except on JAX, where a call outside `jit` runs (and
    compiles) op by op, so Keras models go through the compiled
    `predict_on_batch`.
    """
    if current() == "jax" and isinstance(model, keras.Model):
        return lambda images, training=False: model.predict_on_batch(images)
    return model


def jit_compile_for(requested: bool) -> bool:
    """`compile(jit_compile=...)` for `requested` XLA on this backend.

    JAX always compiles the step with XLA (without `jit` it runs op by op).
    PyTorch runs eagerly: Keras's `torch.compile` path recompiles this model
    for each call and hit its recompile limit, about 0.3 images/s for
    `posegate_tiny` on 2 CPU cores (measured). TensorFlow as requested.
    """
    return {"jax": True, "torch": False}.get(current(), bool(requested))


def is_installed(backend: str) -> bool:
    """Whether the package of `backend` can be imported here."""
    import importlib.util

    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {BACKENDS}. Received: {backend!r}")
    return importlib.util.find_spec(backend) is not None


def require_tensorflow(what: str) -> None:
    """Refuse `what` outside TensorFlow.

    Raises:
        TensorFlowOnly: (a `ValueError`, one line) the process runs another
            backend.
    """
    if current() != "tensorflow":
        raise TensorFlowOnly(
            f"{what} is TensorFlow-only (tf.distribute); this run uses the "
            f"{current()} backend. Use --backend tensorflow."
        )
