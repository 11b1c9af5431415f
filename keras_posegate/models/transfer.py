"""Copy weights between the Keras 3 model and its tf_keras rebuild, by layer name."""

from __future__ import annotations

import numpy as np

from keras_posegate.models.layers import is_batch_norm


def _weighted_layers(model) -> dict:
    return {layer.name: layer for layer in model.layers if layer.weights}


def bn_to_affine(weights: list[np.ndarray], epsilon: float) -> list[np.ndarray]:
    """BatchNormalization `[gamma, beta, mean, var]` -> ChannelAffine `[scale, bias]`.

    Args:
        weights: the four `(C,)` BatchNormalization arrays.
        epsilon: the BatchNormalization's epsilon.

    Returns:
        `[scale, bias]`, two `(C,)` float32 arrays with
        `x * scale + bias == BN(x)` in inference mode.
    """
    gamma, beta, mean, var = weights
    scale = gamma / np.sqrt(var + epsilon)
    return [scale.astype(np.float32), (beta - mean * scale).astype(np.float32)]


def copy_weights(source, target) -> int:
    """Copy every layer's weights from `source` to `target`, matched by name.

    Works across front ends (Keras 3 <-> tf_keras). A BatchNormalization in the
    source whose namesake in the target is a `ChannelAffine` is folded into its
    inference-mode scale and bias.

    Args:
        source: the model to read weights from.
        target: the model to write them to (same layer names).

    Returns:
        The number of layers copied.

    Raises:
        ValueError: naming the layer, when the two models do not have the same
            weighted layers or a weight's shape differs.
    """
    src, dst = _weighted_layers(source), _weighted_layers(target)
    if set(src) != set(dst):
        missing, extra = sorted(set(src) - set(dst)), sorted(set(dst) - set(src))
        raise ValueError(
            "The models do not have the same weighted layers. "
            f"Only in source: {missing[:5]}; only in target: {extra[:5]}"
        )
    for name, layer in src.items():
        weights = [np.asarray(w) for w in layer.get_weights()]
        other = dst[name]
        if is_batch_norm(layer) and type(other).__name__ == "ChannelAffine":
            weights = bn_to_affine(weights, layer.epsilon)
        expected = [tuple(w.shape) for w in other.get_weights()]
        if [tuple(w.shape) for w in weights] != expected:
            raise ValueError(
                f"Layer {name!r}: weight shapes differ. Source: "
                f"{[w.shape for w in weights]}, target: {expected}"
            )
        other.set_weights(weights)
    return len(src)
