"""The input checks every metric runs first: threshold, shapes and layout."""

from __future__ import annotations

import numpy as np

from keras_posegate.datasets.info import DatasetInfo


def check_threshold(threshold: float) -> float:
    """Validates a normalised distance threshold.

    Args:
        threshold: the threshold a caller passed.

    Returns:
        It as a float.

    Raises:
        ValueError: it is not finite and > 0.
    """
    if not np.isfinite(threshold) or threshold <= 0:
        raise ValueError(f"threshold must be > 0. Received: threshold={threshold}")
    return float(threshold)


def check_pair(pred, gt, info: DatasetInfo) -> tuple[np.ndarray, np.ndarray]:
    """Validates predictions against ground truth of `info`'s layout.

    Args:
        pred: `(N, J, 2)` predicted (x, y), array-like.
        gt: `(N, J, 2)` ground-truth (x, y), array-like, J = `info.num_joints`.
        info: the keypoint layout.

    Returns:
        `pred` and `gt` as `(N, J, 2)` float64 arrays.

    Raises:
        ValueError: `gt` is not `(N, J, 2)` or `pred` has another shape.
    """
    pred = np.asarray(pred, dtype=np.float64)
    gt = np.asarray(gt, dtype=np.float64)
    if gt.ndim != 3 or gt.shape[1:] != (info.num_joints, 2):
        raise ValueError(
            f"gt must have shape (N, {info.num_joints}, 2) for {info.name}. "
            f"Received: gt.shape={gt.shape}"
        )
    if pred.shape != gt.shape:
        raise ValueError(
            "pred and gt must have the same shape. "
            f"Received: pred.shape={pred.shape}, gt.shape={gt.shape}"
        )
    return pred, gt
