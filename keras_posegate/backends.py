"""What differs between the Keras 3 backends, in one place.

The model, the loss and `model.fit` are backend-neutral (`keras.ops` only); the
input pipeline is `tf.data` on every backend (Keras 3 takes a
`tf.data.Dataset` in `fit` on JAX and PyTorch too). What remains is here:
which backend runs, whether it has a GPU, tensors to numpy, the
TensorFlow-only features (`tf.distribute` strategies), and TensorFlow's fused
batch-normalization kernel (`fused_batch_norm`).

Example:
    >>> KERAS_BACKEND=jax posegate train ...   # or: posegate train --backend jax
"""

from __future__ import annotations

import weakref

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

    Keras models run compiled: a Keras 3 model called directly runs op by op
    (eagerly) on TensorFlow and JAX, 3.8x slower than compiled for
    `posegate_tiny` at batch 32 on 2 CPU cores (290 against 77 ms). On
    TensorFlow the call is wrapped once per model in a `tf.function` (not
    `predict_on_batch`, which under a `tf.distribute` strategy would hand every
    replica the whole batch); on JAX it goes through the compiled
    `predict_on_batch`. Other callables (TFLite runners) are returned as they
    are.
    """
    if not isinstance(model, keras.Model):
        return model
    if current() == "jax":
        return lambda images, training=False: model.predict_on_batch(images)
    if current() != "tensorflow":
        return model
    compiled = _COMPILED.get(model)
    if compiled is None:
        import tensorflow as tf

        ref = weakref.ref(model)  # the cache must not keep the model alive
        compiled = tf.function(
            lambda images: ref()(images, training=False), reduce_retracing=True
        )
        _COMPILED[model] = compiled
    return lambda images, training=False: compiled(images)


_COMPILED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


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


def fused_batch_norm(layer, inputs):
    """Training-mode batch normalization in one fused TensorFlow kernel.

    Keras 3 computes a training-mode BatchNormalization on TensorFlow from
    separate ops (moments, then normalize: several passes over the feature
    map, forward and backward); `FusedBatchNormV3` does it in one, with its own
    gradient. Same outputs, gradients and moving statistics (tested), about
    1.3x the training throughput of `posegate_tiny` on CPU.

    Args:
        layer: a `keras.layers.BatchNormalization` (moving statistics, gamma,
            beta, epsilon, momentum).
        inputs: `(B, H, W, C)` float32 tensor.

    Returns:
        The normalized `(B, H, W, C)` tensor, the layer's moving statistics
        updated as Keras does (biased batch variance), and a zero loss on the
        layer that is NaN when the input is not finite; None where the fused
        kernel does not apply (another backend, another dtype or layout,
        renorm or synchronized statistics), so the caller runs Keras' own path.
    """
    applies = (
        current() == "tensorflow"
        and len(inputs.shape) == 4
        and layer.axis in (-1, 3)
        and keras.backend.standardize_dtype(inputs.dtype) == "float32"
        and layer.center and layer.scale
        and not layer.renorm and not layer.synchronized
    )  # fmt: skip
    if not applies:
        return None
    import tensorflow as tf

    outputs, mean, variance = tf.compat.v1.nn.fused_batch_norm(
        inputs, layer.gamma, layer.beta, epsilon=layer.epsilon,
        data_format="NHWC", is_training=True,
    )  # fmt: skip
    # Fed straight into a ReLU, the kernel is fused with it by Grappler into
    # oneDNN's `_FusedBatchNormEx` (6% of the posegate_tiny training step on
    # CPU), whose ReLU turns NaN into 0: a diverged run would keep a finite
    # loss. A non-finite input still makes the batch mean non-finite, and
    # `0 * sum(mean)` (0, or NaN) carries that into the loss, so the NaN stop
    # fires at the step it diverges.
    layer.add_loss(0.0 * tf.reduce_sum(mean))
    # The kernel returns the unbiased batch variance; Keras keeps the biased one.
    count = tf.cast(tf.reduce_prod(tf.shape(inputs)[:3]), tf.float32)
    variance = variance * tf.maximum(count - 1.0, 0.0) / count
    m = layer.momentum
    layer.moving_mean.assign(layer.moving_mean * m + mean * (1.0 - m))
    layer.moving_variance.assign(layer.moving_variance * m + variance * (1.0 - m))
    return outputs
