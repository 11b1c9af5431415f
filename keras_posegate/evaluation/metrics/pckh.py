"""Pose-estimation accuracy in pure numpy.

MPII PCKh (official rules), its AUC, and LSP PCK with the torso rule.

Conventions shared by every function here:

* `pred` and `gt` are `(N, J, 2)` arrays of (x, y) in the same pixel frame
  (original-image pixels; the 0- or 1-based offset cancels out).
* A ground-truth joint is *annotated* when both coordinates are finite; NaN
  marks a missing joint (the `PersonRecord` convention). Missing joints are not
  counted; occluded-but-annotated joints are counted, as in the MPII toolkit.
* A non-finite prediction for an annotated joint counts as wrong.
* Per-joint accuracies are percentages; a joint with no annotation anywhere
  gets NaN. The mean is weighted by annotated counts (HRNet's `jnt_ratio`),
  i.e. total correct / total counted over the joints in the mean.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from keras_posegate.datasets.info import LSP, MPII, DatasetInfo

SC_BIAS = 0.6  # MPII head size = 0.6 x head-box diagonal (official toolkit).
AUC_STEP = 0.01  # threshold step of `pckh_auc`.


@dataclasses.dataclass(frozen=True)
class PCKResult:
    """Accuracy of one evaluation run.

    Attributes:
        metric: e.g. "PCKh@0.5", "PCKh AUC@0-0.5", "PCK@0.2".
        threshold: the (largest) normalised threshold used.
        joint_names: `(J,)` names in dataset order.
        per_joint: `(J,)` float64 accuracy in %, NaN where `counts == 0`.
        counts: `(J,)` int64 annotated (counted) joints.
        columns: paper-table column -> accuracy in %, plus "Mean".
        mean: count-weighted mean in % over `mean_joints`.
        mean_joints: joint indices that enter the mean.
        num_persons: persons given.
        num_skipped: persons left out entirely (LSP: torso joint missing).
    """

    metric: str
    threshold: float
    joint_names: tuple[str, ...]
    per_joint: np.ndarray
    counts: np.ndarray
    columns: dict[str, float]
    mean: float
    mean_joints: tuple[int, ...]
    num_persons: int
    num_skipped: int = 0

    def to_dict(self) -> dict:
        """JSON-friendly form (NaN becomes None)."""
        return {
            "metric": self.metric,
            "threshold": self.threshold,
            "per_joint": {
                n: _num(v)
                for n, v in zip(self.joint_names, self.per_joint, strict=True)
            },
            "counts": {
                n: int(c) for n, c in zip(self.joint_names, self.counts, strict=True)
            },
            "columns": {k: _num(v) for k, v in self.columns.items()},
            "mean": _num(self.mean),
            "mean_joints": [self.joint_names[i] for i in self.mean_joints],
            "num_persons": self.num_persons,
            "num_skipped": self.num_skipped,
        }


def _num(v: float) -> float | None:
    return float(v) if np.isfinite(v) else None


# -- input checks --------------------------------------------------------------
def _check_threshold(threshold: float) -> float:
    if not np.isfinite(threshold) or threshold <= 0:
        raise ValueError(f"threshold must be > 0. Received: threshold={threshold}")
    return float(threshold)


def _check_pair(pred, gt, info: DatasetInfo) -> tuple[np.ndarray, np.ndarray]:
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


# -- core ----------------------------------------------------------------------
def _normalised_errors(pred, gt, norm) -> tuple[np.ndarray, np.ndarray]:
    """`(N, J)` dist / norm (inf for bad predictions) and `(N, J)` counted mask."""
    counted = np.isfinite(gt).all(axis=-1) & np.isfinite(norm)[:, None]
    dist = np.linalg.norm(pred - gt, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        err = dist / norm[:, None]
    err = np.where(np.isfinite(err), err, np.inf)
    return err, counted


def _per_joint(correct: np.ndarray, counted: np.ndarray) -> tuple:
    """`(N, J)` masks -> `(J,)` accuracy in % (NaN for no counts), `(J,)` counts."""
    counts = counted.sum(axis=0).astype(np.int64)
    hits = (correct & counted).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        acc = np.where(counts > 0, 100.0 * hits / counts, np.nan)
    return acc, counts


def _weighted_mean(acc, counts, joints) -> float:
    idx = list(joints)
    total = counts[idx].sum()
    if total == 0:
        return float("nan")
    return float(np.sum(np.nan_to_num(acc[idx]) * counts[idx]) / total)


def _columns(acc, counts, info: DatasetInfo, mean_joints) -> dict[str, float]:
    """Table columns: mean of the left and right joint (HRNet's 0.5 * (r + l)).

    A side without annotations is left out; a column is NaN when none has any.
    """
    cols = {}
    for name, idx in info.table_columns.items():
        vals = [acc[i] for i in idx if counts[i] > 0]
        cols[name] = float(np.mean(vals)) if vals else float("nan")
    cols["Mean"] = _weighted_mean(acc, counts, mean_joints)
    return cols


def _result(metric, threshold, acc, counts, info, mean_joints, n, skipped):
    return PCKResult(
        metric=metric,
        threshold=float(threshold),
        joint_names=info.joint_names,
        per_joint=acc,
        counts=counts,
        columns=_columns(acc, counts, info, mean_joints),
        mean=_weighted_mean(acc, counts, mean_joints),
        mean_joints=tuple(mean_joints),
        num_persons=n,
        num_skipped=skipped,
    )


def _mpii_mean_joints(info: DatasetInfo) -> tuple[int, ...]:
    excluded = {"pelvis", "thorax"}
    return tuple(i for i, n in enumerate(info.joint_names) if n not in excluded)


# -- public --------------------------------------------------------------------
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
    threshold = _check_threshold(threshold)
    pred, gt = _check_pair(pred, gt, info)
    err, counted = _normalised_errors(pred, gt, _head_sizes(head_boxes, len(gt)))
    acc, counts = _per_joint(err <= threshold, counted)
    mean_joints = _mpii_mean_joints(info)
    return _result(
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
    max_threshold = _check_threshold(max_threshold)
    if not np.isfinite(step) or step <= 0:
        raise ValueError(f"step must be > 0. Received: step={step}")
    pred, gt = _check_pair(pred, gt, info)
    err, counted = _normalised_errors(pred, gt, _head_sizes(head_boxes, len(gt)))
    num = max(1, int(round(max_threshold / step)))
    ts = np.linspace(0.0, max_threshold, num + 1)
    curves = np.stack([_per_joint(err <= t, counted)[0] for t in ts])  # (T, J)
    # Trapezoidal rule by hand (np.trapezoid needs numpy >= 2).
    area = np.sum(0.5 * (curves[1:] + curves[:-1]) * np.diff(ts)[:, None], axis=0)
    acc = area / max_threshold
    counts = counted.sum(axis=0).astype(np.int64)
    mean_joints = _mpii_mean_joints(info)
    metric = f"PCKh AUC@0-{max_threshold:g}"
    return _result(metric, max_threshold, acc, counts, info, mean_joints, len(gt), 0)


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
    threshold = _check_threshold(threshold)
    pred, gt = _check_pair(pred, gt, info)
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
    acc, counts = _per_joint(correct, counted)
    skipped = int((~np.isfinite(torso)).sum())
    mean_joints = tuple(range(info.num_joints))
    return _result(
        f"PCK@{threshold:g}",
        threshold,
        acc,
        counts,
        info,
        mean_joints,
        len(gt),
        skipped,
    )
