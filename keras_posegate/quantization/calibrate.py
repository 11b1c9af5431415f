"""Start QAT from measured activation ranges, not tfmot's [-6, 6].

tfmot's `MovingAverageQuantizer` starts every activation range at [-6, 6] and
moves it by an exponential moving average with decay 0.999 per training step,
without debiasing: after 90 steps the ranges are still 91% the initial guess.
A short fine-tuning (the demo's) then exports an int8 model whose heatmaps
(peaks near 1) get about 20 of the 256 levels, and its PCKh falls several
points below post-training int8, which calibrates. `calibrate_ranges` sets
every activation range to the minimum and maximum the quantizer itself sees on
a few batches, as post-training calibration does, before fine-tuning starts.

Each training-mode forward pass moves a range variable `v` to
`decay * v + (1 - decay) * batch_value`, so the batch value is read back from
the change: `(v_new - decay * v_old) / (1 - decay)`. That uses the quantizers'
own reductions (per-tensor or per-channel, 0 kept inside the range) without
reaching into tfmot's private state. Weight ranges (`LastValueQuantizer`) are
set from the weights on every training step, and the input range
(`AllValuesQuantizer`) from every input seen: they need nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

# tfmot's MovingAverageQuantizer (quant_ops.MovingAvgQuantize) EMA decay.
EMA_DECAY = 0.999
# Names tfmot gives the range variables of a wrapper's output and activation
# quantizers (MovingAverageQuantizer, in tfmot's registry and in `configs.py`).
# The model's input QuantizeLayer ("quantize_layer_min/max") uses an
# AllValuesQuantizer, whose range is already the min and max of all it saw.
ACTIVATION_RANGES = ("output", "pre_activation", "post_activation")


def activation_range_variables(model) -> list[tuple[object, bool]]:
    """The activation quantizers' range variables of a tfmot QAT model.

    Args:
        model: a `tfmot.quantization.keras.quantize_apply` model.

    Returns:
        `(variable, is_min)` pairs, in the model's weight order.
    """
    found = []
    for variable in model.non_trainable_weights:
        base = variable.name.split("/")[-1].split(":")[0]
        for prefix in ACTIVATION_RANGES:
            if base in (f"{prefix}_min", f"{prefix}_max"):
                found.append((variable, base.endswith("_min")))
    return found


def calibrate_ranges(model, images: Iterable) -> int:
    """Set every activation range to what `images` produce (min and max over them).

    Args:
        model: a tfmot QAT model (tf_keras), before fine-tuning.
        images: batches of model inputs (float32 images in [0, 1]).

    Returns:
        The number of range variables set.

    Raises:
        ValueError: `images` is empty, or the model has no activation ranges.
    """
    found = activation_range_variables(model)
    if not found:
        raise ValueError("the model has no activation quantizers (not a QAT model?)")
    seen: list[np.ndarray | None] = [None] * len(found)
    for batch in images:
        before = [variable.numpy() for variable, _ in found]
        model(batch, training=True)
        for i, ((variable, is_min), old) in enumerate(zip(found, before, strict=True)):
            value = (variable.numpy() - EMA_DECAY * old) / (1.0 - EMA_DECAY)
            if seen[i] is not None:
                value = (np.minimum if is_min else np.maximum)(seen[i], value)
            seen[i] = value
    if seen[0] is None:
        raise ValueError("calibrate_ranges needs at least one batch of images")
    for (variable, _), value in zip(found, seen, strict=True):
        variable.assign(value.astype(variable.dtype.as_numpy_dtype))
    return len(found)
