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

`foreground_weight` (0: the paper's plain MSE) weights each pixel's squared
error by `1 + foreground_weight * target`, so the few pixels under a joint's
Gaussian count more against the many background pixels. It is not in the paper;
on the demo's data, at 40, 24,000 training images reach 94.1% PCKh@0.5 against
the plain MSE's 81.3 (`docs/recipe_runs.md`, fourth round).
"""

from __future__ import annotations

import keras
from keras import ops


def heatmap_mse(y_true, y_pred, joint_weights=None, foreground_weight: float = 0.0):
    """Per-joint-weighted heatmap MSE for custom training loops.

    Args:
        y_true: `(B, H, W, J)` target heatmaps.
        y_pred: `(B, H, W, J)` predicted heatmaps.
        joint_weights: `(B, J)` or None (all ones).
        foreground_weight: pixel weights `1 + foreground_weight * y_true`.

    Returns:
        Scalar: mean over B and J of `weight * mean over pixels of (p - t)^2`,
        the same value `MaskedHeatmapMSE` gives through `model.fit`.
    """
    per_joint = _per_joint_mse(y_true, y_pred, foreground_weight)
    if joint_weights is not None:
        per_joint = per_joint * ops.cast(joint_weights, per_joint.dtype)
    return ops.mean(per_joint)


def check_foreground_weight(value) -> float:
    """`value` as a float; a `ValueError` naming it unless finite and >= 0."""
    weight = float(value)
    if not 0 <= weight < float("inf"):
        raise ValueError(
            f"foreground_weight must be a finite number >= 0. Received: foreground_weight={value}"
        )
    return weight


def _per_joint_mse(y_true, y_pred, foreground_weight: float = 0.0):
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(y_true, y_pred.dtype)
    squared = ops.square(y_pred - y_true)
    if foreground_weight:
        squared = squared * (1.0 + foreground_weight * y_true)
    return ops.mean(squared, axis=(1, 2))


@keras.saving.register_keras_serializable(package="keras_posegate")
class MaskedHeatmapMSE(keras.losses.Loss):
    """Pixel-wise heatmap MSE, weighted per joint through `sample_weight`.

    `call` returns `(B, J)`: the squared error averaged over the heatmap
    pixels, one value per joint; pass the `(B, J)` joint weights as Keras
    sample weights (see the module docstring for the contract).

    Args:
        foreground_weight: each pixel's squared error is weighted by
            `1 + foreground_weight * target`; 0 (default) is the paper's MSE.
        name, reduction, dtype: as `keras.losses.Loss`.

    Example:
        >>> loss = MaskedHeatmapMSE(foreground_weight=10.0)
        >>> model.compile(optimizer="rmsprop", loss=[loss] * model.num_stacks)
    """

    def __init__(
        self,
        foreground_weight: float = 0.0,
        name: str = "masked_heatmap_mse",
        reduction="sum_over_batch_size",
        dtype=None,
    ):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.foreground_weight = check_foreground_weight(foreground_weight)

    def get_config(self) -> dict:
        """The constructor arguments (Keras serialization)."""
        return {**super().get_config(), "foreground_weight": self.foreground_weight}

    def call(self, y_true, y_pred):
        """Per-joint heatmap MSE.

        Args:
            y_true: target heatmaps, `(B, H, W, J)`.
            y_pred: predicted heatmaps, `(B, H, W, J)`.

        Returns:
            `(B, J)` mean squared error per joint, for per-joint sample weights.
        """
        return _per_joint_mse(y_true, y_pred, self.foreground_weight)
