"""Heatmap losses.

Contract (what `keras_posegate.data.build_dataset` feeds): for every stack the
label is a `(B, H, W, J)` heatmap and the sample weight a `(B, J)` per-joint
weight (0 for missing joints and joints outside the crop). A loss returns one
value per joint, `(B, J)` (the squared error averaged over the H x W pixels);
Keras multiplies it by the `(B, J)` sample weight and averages over the
`B * J` entries ("sum_over_batch_size"). Zero-weight joints add nothing but
still count in the denominator (as HRNet's `use_target_weight`). Each stack's
output gets the same loss with weight 1 (paper Eq. 2, equal weights), so
`model.compile(loss=[MaskedHeatmapMSE()] * num_stacks)`.
"""

from __future__ import annotations

import keras
from keras import ops


def heatmap_mse(y_true, y_pred, joint_weights=None):
    """Per-joint-weighted heatmap MSE for custom training loops.

    Args:
        y_true: `(B, H, W, J)` target heatmaps.
        y_pred: `(B, H, W, J)` predicted heatmaps.
        joint_weights: `(B, J)` or None (all ones).

    Returns:
        Scalar: mean over B and J of `weight * mean over pixels of (p - t)^2`,
        the same value `MaskedHeatmapMSE` gives through `model.fit`.
    """
    per_joint = _per_joint_mse(y_true, y_pred)
    if joint_weights is not None:
        per_joint = per_joint * ops.cast(joint_weights, per_joint.dtype)
    return ops.mean(per_joint)


def _per_joint_mse(y_true, y_pred):
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(y_true, y_pred.dtype)
    return ops.mean(ops.square(y_pred - y_true), axis=(1, 2))


@keras.saving.register_keras_serializable(package="keras_posegate")
class MaskedHeatmapMSE(keras.losses.Loss):
    """Pixel-wise heatmap MSE, weighted per joint through `sample_weight`.

    `call` returns `(B, J)`: the squared error averaged over the heatmap
    pixels, one value per joint; pass the `(B, J)` joint weights as Keras
    sample weights (see the module docstring for the contract).
    """

    def __init__(
        self,
        name: str = "masked_heatmap_mse",
        reduction="sum_over_batch_size",
        dtype=None,
    ):
        super().__init__(name=name, reduction=reduction, dtype=dtype)

    def call(self, y_true, y_pred):
        """Per-joint heatmap MSE.

        Args:
            y_true: target heatmaps, `(B, H, W, J)`.
            y_pred: predicted heatmaps, `(B, H, W, J)`.

        Returns:
            `(B, J)` mean squared error per joint, for per-joint sample weights.
        """
        return _per_joint_mse(y_true, y_pred)
