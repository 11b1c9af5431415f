"""MPII PCKh by the official toolkit's rules, and the area under its curve.

Conventions (shapes, missing joints, the weighted mean): the `metrics` package
docstring.
"""

from __future__ import annotations

import numpy as np

from keras_posegate.datasets.info import MPII, DatasetInfo
from keras_posegate.evaluation.metrics.checks import check_pair, check_threshold
from keras_posegate.evaluation.metrics.result import PCKResult, make_result, per_joint

SC_BIAS = 0.6  # MPII head size = 0.6 x head-box diagonal (official toolkit).
AUC_STEP = 0.01  # threshold step of `pckh_auc`.


def _head_sizes(head_boxes, n: int) -> np.ndarray:
    """`(N, 4)` x1, y1, x2, y2 -> `(N,)` 0.6 x box diagonal."""
    boxes = np.asarray(head_boxes, dtype=np.float64)
    if boxes.shape != (n, 4):
        raise ValueError(
            f"head_boxes must have shape ({n}, 4). Received: shape={boxes.shape}"
        )
    sizes = SC_BIAS * np.linalg.norm(boxes[:, 2:] - boxes[:, :2], axis=-1)
    bad = ~(np.isfinite(sizes) & (sizes > 0))
    if bad.any():
        raise ValueError(
            "head_boxes must be finite with a positive diagonal. Received: "
            f"invalid boxes at persons {np.flatnonzero(bad)[:10].tolist()}"
        )
    return sizes


def _normalised_errors(pred, gt, norm) -> tuple[np.ndarray, np.ndarray]:
    """`(N, J)` dist / norm (inf for bad predictions) and `(N, J)` counted mask."""
    counted = np.isfinite(gt).all(axis=-1) & np.isfinite(norm)[:, None]
    dist = np.linalg.norm(pred - gt, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        err = dist / norm[:, None]
    err = np.where(np.isfinite(err), err, np.inf)
    return err, counted


def _mpii_mean_joints(info: DatasetInfo) -> tuple[int, ...]:
    excluded = {"pelvis", "thorax"}
    return tuple(i for i, n in enumerate(info.joint_names) if n not in excluded)


def pckh(
    pred, gt, head_boxes, threshold: float = 0.5, info: DatasetInfo = MPII
) -> PCKResult:
    """MPII PCKh with the official toolkit's rules.

    Head size is `0.6 * ||(x2 - x1, y2 - y1)||`; a joint is correct when
    `dist / head_size <= threshold`. Missing (NaN) ground truth is not counted.
    Pelvis and thorax are left out of the mean (14 joints remain).

    Args:
        pred: `(N, J, 2)` predicted (x, y).
        gt: `(N, J, 2)` ground-truth (x, y), NaN rows for missing joints.
        head_boxes: `(N, 4)` head boxes x1, y1, x2, y2 in the same frame.
        threshold: normalised distance threshold, > 0.
        info: the keypoint layout (MPII).

    Returns:
        A `PCKResult` with `metric="PCKh@<threshold>"`.
    """
    threshold = check_threshold(threshold)
    pred, gt = check_pair(pred, gt, info)
    err, counted = _normalised_errors(pred, gt, _head_sizes(head_boxes, len(gt)))
    acc, counts = per_joint(err <= threshold, counted)
    mean_joints = _mpii_mean_joints(info)
    return make_result(
        f"PCKh@{threshold:g}", threshold, acc, counts, info, mean_joints, len(gt), 0
    )


def pckh_auc(
    pred,
    gt,
    head_boxes,
    max_threshold: float = 0.5,
    step: float = AUC_STEP,
    info: DatasetInfo = MPII,
) -> PCKResult:
    """Area under the PCKh curve over thresholds `0, step, ..., max_threshold`.

    Trapezoidal rule, divided by `max_threshold`, so a prediction that is
    correct at every threshold (zero error) scores 100 and one correct at none
    scores 0. Default: 51 thresholds 0.00, 0.01, ..., 0.50.

    Args:
        pred: `(N, J, 2)` predicted (x, y).
        gt: `(N, J, 2)` ground-truth (x, y), NaN rows for missing joints.
        head_boxes: `(N, 4)` head boxes x1, y1, x2, y2 in the same frame.
        max_threshold: largest threshold, > 0.
        step: threshold step, > 0; `max_threshold / step` is rounded to an int.
        info: the keypoint layout (MPII).

    Returns:
        A `PCKResult` whose values are AUCs in %, `metric="PCKh AUC@0-<max>"`.
    """
    max_threshold = check_threshold(max_threshold)
    if not np.isfinite(step) or step <= 0:
        raise ValueError(f"step must be > 0. Received: step={step}")
    pred, gt = check_pair(pred, gt, info)
    err, counted = _normalised_errors(pred, gt, _head_sizes(head_boxes, len(gt)))
    num = max(1, int(round(max_threshold / step)))
    ts = np.linspace(0.0, max_threshold, num + 1)
    curves = np.stack([per_joint(err <= t, counted)[0] for t in ts])  # (T, J)
    # Trapezoidal rule by hand (np.trapezoid needs numpy >= 2).
    area = np.sum(0.5 * (curves[1:] + curves[:-1]) * np.diff(ts)[:, None], axis=0)
    acc = area / max_threshold
    counts = counted.sum(axis=0).astype(np.int64)
    mean_joints = _mpii_mean_joints(info)
    metric = f"PCKh AUC@0-{max_threshold:g}"
    return make_result(
        metric, max_threshold, acc, counts, info, mean_joints, len(gt), 0
    )
