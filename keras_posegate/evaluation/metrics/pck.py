"""LSP PCK: correct when the error is within a fraction of the torso size.

Conventions (shapes, missing joints, the weighted mean): the `metrics` package
docstring.
"""

from __future__ import annotations

import numpy as np

from keras_posegate.datasets.info import LSP, DatasetInfo
from keras_posegate.evaluation.metrics.checks import check_pair, check_threshold
from keras_posegate.evaluation.metrics.result import PCKResult, make_result, per_joint


def pck_torso(
    pred,
    gt,
    threshold: float = 0.2,
    torso_joints: tuple[int, int] | None = None,
    info: DatasetInfo = LSP,
) -> PCKResult:
    """LSP PCK: correct when `dist <= threshold * torso`.

    Torso size is the ground-truth distance between `torso_joints` (LSP order:
    9 = l_shoulder, 2 = r_hip). A person whose torso joints are missing, or
    coincide (torso 0), has no scale: the whole person is skipped (none of its
    joints counted) and reported in `num_skipped`. The mean is over all joints.

    Args:
        pred: `(N, J, 2)` predicted (x, y).
        gt: `(N, J, 2)` ground truth, NaN rows for missing joints.
        threshold: fraction of the torso size, > 0.
        torso_joints: the two joint indices whose distance is the torso size
            (default: `info.torso_joints`).
        info: the keypoint layout (LSP).

    Returns:
        A `PCKResult` with `metric="PCK@<threshold>"`.
    """
    threshold = check_threshold(threshold)
    pred, gt = check_pair(pred, gt, info)
    if torso_joints is None:
        torso_joints = info.torso_joints
    if torso_joints is None:
        raise ValueError(f"dataset {info.name!r} defines no torso joints for PCK.")
    a, b = torso_joints
    torso = np.linalg.norm(gt[:, a] - gt[:, b], axis=-1)
    torso = np.where(torso > 0, torso, np.nan)  # NaN: skip the person
    counted = np.isfinite(gt).all(axis=-1) & np.isfinite(torso)[:, None]
    dist = np.linalg.norm(pred - gt, axis=-1)
    with np.errstate(invalid="ignore"):
        correct = dist <= threshold * torso[:, None]
    acc, counts = per_joint(correct, counted)
    skipped = int((~np.isfinite(torso)).sum())
    mean_joints = tuple(range(info.num_joints))
    return make_result(
        f"PCK@{threshold:g}",
        threshold,
        acc,
        counts,
        info,
        mean_joints,
        len(gt),
        skipped,
    )
