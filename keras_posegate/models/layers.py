"""The small custom layers of the network, defined once for both Keras front ends.

`SoftGate` and `ChannelAffine` are written against the layer API that Keras 3 and
tf_keras (Keras 2) share, so the same class body serves the public Keras 3 model
and the tf_keras rebuild that tensorflow-model-optimization needs. The Keras 3
classes are module attributes; `layer_classes(tf_keras)` makes the tf_keras twins.
"""

from __future__ import annotations

import functools

import keras

GATE_MODES = ("channel", "scalar", "fixed", "identity")


def _make_soft_gate(K):
    class SoftGate(K.layers.Layer):
        """Soft gate on a skip connection: `alpha * x`, the `alpha x_l` of Eq. (1).

        The block output is `alpha * x_l + F(x_l)`; this layer computes the first
        term. Modes reproduce the paper's Table II.

        Args:
            mode: "channel" (one learned alpha per channel, the paper's best),
                "scalar" (one learned alpha), "fixed" (a constant `value`, not
                trained) or "identity" (alpha = 1, the plain residual baseline).
            value: initial value of a learned alpha (the paper uses 0), or the
                constant for "fixed" and "identity" (forced to 1).
            **kwargs: standard layer arguments (`name`, `dtype`, ...).

        Input shape:
            `(..., C)`, e.g. a `(B, H, W, C)` feature map.

        Output shape:
            The input shape; `alpha` has shape `(C,)` for "channel", else `(1,)`.

        Example:
            >>> import keras
            >>> from keras_posegate.models.layers import SoftGate
            >>> gate = SoftGate(mode="channel")  # alpha starts at 0 (the paper)
            >>> y = gate(keras.ops.ones((1, 4, 4, 8)))
            >>> tuple(y.shape), tuple(gate.alpha.shape)
            ((1, 4, 4, 8), (8,))
            >>> float(keras.ops.max(keras.ops.abs(y)))
            0.0
            >>> fixed = SoftGate(mode="fixed", value=0.5)
            >>> keras.ops.convert_to_numpy(fixed(keras.ops.ones((1, 3)))).tolist()
            [[0.5, 0.5, 0.5]]

        Reference:
            Bulat et al., "Toward fast and accurate human pose estimation via
            soft-gated skip connections", FG 2020, Eq. (1), Table II.
        """

        def __init__(self, mode: str = "channel", value: float = 0.0, **kwargs):
            super().__init__(**kwargs)
            if mode not in GATE_MODES:
                raise ValueError(
                    f"mode must be one of {GATE_MODES}. Received: mode={mode!r}"
                )
            self.mode = mode
            self.value = 1.0 if mode == "identity" else float(value)

        def build(self, input_shape):
            shape = (input_shape[-1],) if self.mode == "channel" else (1,)
            self.alpha = self.add_weight(
                name="alpha",
                shape=shape,
                initializer=K.initializers.Constant(self.value),
                trainable=self.mode in ("channel", "scalar"),
            )
            super().build(input_shape)

        def call(self, inputs):
            return inputs * self.alpha

        def compute_output_shape(self, input_shape):
            return input_shape

        def get_config(self):
            config = super().get_config()
            config.update({"mode": self.mode, "value": self.value})
            return config

    return SoftGate


def _make_channel_affine(K):
    class ChannelAffine(K.layers.Layer):
        """Per-channel `x * scale + bias`: an inference-mode BatchNormalization.

        The quantization rebuild swaps each pre-activation BatchNormalization
        (which tfmot cannot fold: it follows an Add or a Concatenate, not a conv)
        for this layer with `scale = gamma / sqrt(var + eps)` and
        `bias = beta - mean * scale`, so it quantizes like any weighted layer.

        Args:
            **kwargs: standard layer arguments (`name`, `dtype`, ...).

        Input shape:
            `(..., C)`, e.g. a `(B, H, W, C)` feature map.

        Output shape:
            The input shape; `scale` and `bias` have shape `(C,)`.

        Example:
            >>> import keras
            >>> from keras_posegate.models.layers import ChannelAffine
            >>> affine = ChannelAffine()  # scale 1, bias 0: the identity
            >>> affine.build((None, 3))
            >>> affine.set_weights([keras.ops.array([1.0, 2.0, 3.0]),
            ...                     keras.ops.array([0.0, 0.5, -1.0])])
            >>> keras.ops.convert_to_numpy(affine(keras.ops.ones((1, 3)))).tolist()
            [[1.0, 2.5, 2.0]]
        """

        def build(self, input_shape):
            channels = (input_shape[-1],)
            self.scale = self.add_weight(
                name="scale", shape=channels, initializer="ones"
            )
            self.bias = self.add_weight(
                name="bias", shape=channels, initializer="zeros"
            )
            super().build(input_shape)

        def call(self, inputs):
            return inputs * self.scale + self.bias

        def compute_output_shape(self, input_shape):
            return input_shape

    return ChannelAffine


@keras.saving.register_keras_serializable(package="keras_posegate")
class FusedBatchNormalization(keras.layers.BatchNormalization):
    """`keras.layers.BatchNormalization` that trains with a fused kernel.

    On the TensorFlow backend, training-mode calls run TensorFlow's fused
    kernel (`keras_posegate.backends.fused_batch_norm`), about 1.3x the
    training throughput of `posegate_tiny` on CPU; everything else (inference,
    other backends, mixed precision) is Keras' own BatchNormalization. Same
    weights, arguments and config as the base class, so a checkpoint of either
    loads into the other.

    Args:
        **kwargs: the arguments of `keras.layers.BatchNormalization`.

    Example:
        >>> import numpy as np
        >>> from keras_posegate.models.layers import FusedBatchNormalization
        >>> bn = FusedBatchNormalization(momentum=0.9, epsilon=1e-5)
        >>> x = np.random.default_rng(0).normal(3.0, 2.0, (8, 4, 4, 2))
        >>> y = keras.ops.convert_to_numpy(bn(x.astype("float32"), training=True))
        >>> bool(abs(y.mean()) < 1e-4 and abs(y.std() - 1.0) < 1e-3)
        True
    """

    def call(self, inputs, training=None, mask=None):
        """Normalize `inputs`; see `keras.layers.BatchNormalization.call`."""
        if training and self.trainable and mask is None:
            from keras_posegate.backends import fused_batch_norm

            outputs = fused_batch_norm(self, inputs)
            if outputs is not None:
                return outputs
        return super().call(inputs, training=training, mask=mask)


def is_batch_norm(layer) -> bool:
    """Whether `layer` is a BatchNormalization of either front end (or a subclass)."""
    return any(c.__name__ == "BatchNormalization" for c in type(layer).__mro__)


SoftGate = keras.saving.register_keras_serializable(package="keras_posegate")(
    _make_soft_gate(keras)
)
ChannelAffine = keras.saving.register_keras_serializable(package="keras_posegate")(
    _make_channel_affine(keras)
)


@functools.cache
def _tf_keras_classes():
    import tf_keras

    register = tf_keras.utils.register_keras_serializable(package="keras_posegate")
    return {
        "SoftGate": register(_make_soft_gate(tf_keras)),
        "ChannelAffine": register(_make_channel_affine(tf_keras)),
        "BatchNormalization": tf_keras.layers.BatchNormalization,  # fused already
    }


def layer_classes(K) -> dict:
    """The custom layer classes for one Keras front end.

    Args:
        K: the `keras` module (Keras 3) or the `tf_keras` module.

    Returns:
        `{"SoftGate": cls, "ChannelAffine": cls, "BatchNormalization": cls}`;
        the tf_keras classes are made and registered once, on first use.
    """
    if K is keras:
        return {
            "SoftGate": SoftGate,
            "ChannelAffine": ChannelAffine,
            "BatchNormalization": FusedBatchNormalization,
        }
    return _tf_keras_classes()
