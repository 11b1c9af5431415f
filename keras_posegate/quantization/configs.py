"""tfmot `QuantizeConfig`s and the quantizable tf_keras twins of the custom layers.

Import only in a process that may switch to Keras 2: importing
tensorflow-model-optimization sets `TF_USE_LEGACY_KERAS` (see `qat.py`).

Why twins. tfmot quantizes a layer's weights, activations and output, but not
the tensors *inside* a layer's `call`. `ChannelAffine` (`x * scale + bias`)
would convert to a MUL and an ADD with an un-ranged float tensor between them,
and the network's 3-input `Add` (the merge between stacks) to two ADDs with the
same problem: float islands wrapped in DEQUANTIZE/QUANTIZE. So, in the QAT
rebuild only:

- `ChannelAffine` computes as a 1x1 depthwise convolution with bias (one int8
  DEPTHWISE_CONV_2D, int32 bias); its QuantizeConfig quantizes `scale` (8-bit,
  symmetric, per tensor) and the output.
- `SoftGate` (`alpha * x`) likewise, without bias.
- `Add` with more than two inputs becomes `ChainedAdd`, whose partial sums go
  through a quantized linear activation, so every ADD reads and writes int8.

The twins keep the layer names and weight shapes, so `copy_weights` and the
Keras 3 checkpoints apply unchanged.
"""

from __future__ import annotations

import tensorflow as tf
import tensorflow_model_optimization as tfmot
import tf_keras

from keras_posegate.models.layers import layer_classes

_quantizers = tfmot.quantization.keras.quantizers
_base = layer_classes(tf_keras)


def _weight_quantizer():
    return _quantizers.LastValueQuantizer(
        num_bits=8, per_axis=False, symmetric=True, narrow_range=True
    )


def _activation_quantizer():
    return _quantizers.MovingAverageQuantizer(
        num_bits=8, per_axis=False, symmetric=False, narrow_range=False
    )


def _depthwise_1x1(inputs, vector):
    kernel = tf.reshape(vector, (1, 1, -1, 1))
    return tf.nn.depthwise_conv2d(inputs, kernel, [1, 1, 1, 1], "VALID")


class QuantChannelAffine(_base["ChannelAffine"]):
    """`ChannelAffine` computed as a 1x1 depthwise convolution plus bias."""

    def call(self, inputs):
        """`inputs * scale + bias` per channel, `(B, H, W, C)` in and out."""
        return tf.nn.bias_add(_depthwise_1x1(inputs, self.scale), self.bias)


class QuantSoftGate(_base["SoftGate"]):
    """`SoftGate` computed as a 1x1 depthwise convolution."""

    def call(self, inputs):
        """`inputs * alpha` per channel, `(B, H, W, C)` in and out."""
        alpha = self.alpha
        if self.mode != "channel":
            alpha = tf.broadcast_to(alpha, (inputs.shape[-1],))
        return _depthwise_1x1(inputs, alpha)


class ChainedAdd(tf_keras.layers.Layer):
    """`a + b + c`: a 3-input Add whose partial sum is a quantizable activation."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.partial_activation = tf_keras.activations.linear

    def call(self, inputs):
        """`(a + b) + c` for a list of three same-shape tensors."""
        if len(inputs) != 3:
            raise ValueError(
                f"ChainedAdd takes 3 inputs. Received: {len(inputs)} inputs"
            )
        return self.partial_activation(inputs[0] + inputs[1]) + inputs[2]

    def compute_output_shape(self, input_shape):
        """The shape of the first input (all three are the same)."""
        return input_shape[0]


class _WeightsAndOutputConfig(tfmot.quantization.keras.QuantizeConfig):
    """Quantize the named weights and the output of a layer."""

    weight_names: tuple[str, ...] = ()

    def get_weights_and_quantizers(self, layer):
        return [(getattr(layer, n), _weight_quantizer()) for n in self.weight_names]

    def set_quantize_weights(self, layer, quantize_weights):
        for name, weight in zip(self.weight_names, quantize_weights, strict=True):
            setattr(layer, name, weight)

    def get_activations_and_quantizers(self, layer):
        return []

    def set_quantize_activations(self, layer, quantize_activations):
        pass

    def get_output_quantizers(self, layer):
        return [_activation_quantizer()]

    def get_config(self):
        return {}


class SoftGateQuantizeConfig(_WeightsAndOutputConfig):
    """`SoftGate`: 8-bit `alpha`, 8-bit output."""

    weight_names = ("alpha",)


class ChannelAffineQuantizeConfig(_WeightsAndOutputConfig):
    """`ChannelAffine`: 8-bit `scale` and output (the bias becomes int32)."""

    weight_names = ("scale",)


class ChainedAddQuantizeConfig(_WeightsAndOutputConfig):
    """`ChainedAdd`: 8-bit partial sum and output."""

    def get_activations_and_quantizers(self, layer):
        """The partial sum `a + b`, with an 8-bit moving-average quantizer."""
        return [(layer.partial_activation, _activation_quantizer())]

    def set_quantize_activations(self, layer, quantize_activations):
        """Install the quantized partial-sum activation on `layer`."""
        (layer.partial_activation,) = quantize_activations


CUSTOM_OBJECTS = {
    **_base,
    "QuantChannelAffine": QuantChannelAffine,
    "QuantSoftGate": QuantSoftGate,
    "ChainedAdd": ChainedAdd,
    "SoftGateQuantizeConfig": SoftGateQuantizeConfig,
    "ChannelAffineQuantizeConfig": ChannelAffineQuantizeConfig,
    "ChainedAddQuantizeConfig": ChainedAddQuantizeConfig,
}


def quantizable_twin(layer):
    """`(layer to use in the QAT graph, its QuantizeConfig or None)`.

    Custom layers and 3-input Adds get their quantizable twin (a new layer of
    the same name); every other layer is kept and left to tfmot's registry.

    Args:
        layer: a layer of the float tf_keras twin.

    Returns:
        `(layer, QuantizeConfig instance or None)`; `layer` is the input
        itself (and the config None) when it needs no twin.
    """
    kind = type(layer).__name__
    config = layer.get_config()
    if kind == "ChannelAffine":
        return QuantChannelAffine.from_config(config), ChannelAffineQuantizeConfig()
    if kind == "SoftGate":
        return QuantSoftGate.from_config(config), SoftGateQuantizeConfig()
    if kind == "Add" and len(layer.input) == 3:
        return ChainedAdd(name=layer.name), ChainedAddQuantizeConfig()
    return layer, None
