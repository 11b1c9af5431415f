"""Parameter and multiply-accumulate counts of a built model (either front end).

"GFLOPs" in the pose literature, the paper included, are multiply-accumulates;
we count those of Conv2D and Dense layers (the weights that multiply), at the
model's input size. Normalisation, gates, additions and pooling are left out.
"""

from __future__ import annotations

import math


def count_params(model) -> int:
    """All weights, trainable or not (BatchNormalization statistics included).

    Args:
        model: a built Keras 3 or tf_keras model.

    Returns:
        The number of scalar weights.
    """
    return int(sum(math.prod(w.shape) for w in model.weights))


def count_macs(model) -> int:
    """Multiply-accumulates of the Conv2D and Dense layers for one image.

    Args:
        model: a built functional model with a fixed input size.

    Returns:
        Kernel size times output positions, summed over Conv2D and Dense.
    """
    total = 0
    for layer in model.layers:
        kind = type(layer).__name__
        if kind not in ("Conv2D", "Dense"):
            continue
        kernel = math.prod(layer.kernel.shape)
        positions = math.prod(d for d in layer.output.shape[1:-1] if d is not None)
        total += kernel * positions
    return int(total)
