"""`PCKResult`, and how per-person hits become one: shared by every metric.

The reduction of `(N, J)` hit and counted masks to per-joint accuracies, the
paper-table columns and the count-weighted mean (conventions: the `metrics`
package docstring).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np

from keras_posegate.datasets.info import DatasetInfo


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


def per_joint(correct: np.ndarray, counted: np.ndarray) -> tuple:
    """Per-joint accuracy over persons.

    Args:
        correct: `(N, J)` bool, the prediction is within the threshold.
        counted: `(N, J)` bool, the joint enters the metric.

    Returns:
        `(J,)` float64 accuracy in % (NaN where nothing is counted) and `(J,)`
        int64 counts.
    """
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


def make_result(
    metric: str,
    threshold: float,
    acc: np.ndarray,
    counts: np.ndarray,
    info: DatasetInfo,
    mean_joints: Sequence[int],
    num_persons: int,
    num_skipped: int,
) -> PCKResult:
    """Builds a `PCKResult` with its table columns and weighted mean.

    Args:
        metric: the metric's label, e.g. "PCKh@0.5".
        threshold: the (largest) normalised threshold used.
        acc: `(J,)` float64 per-joint accuracy in %.
        counts: `(J,)` int64 counted joints.
        info: the keypoint layout (joint names, table columns).
        mean_joints: joint indices that enter the mean.
        num_persons: N, persons given.
        num_skipped: persons left out entirely.

    Returns:
        The result.
    """
    return PCKResult(
        metric=metric,
        threshold=float(threshold),
        joint_names=info.joint_names,
        per_joint=acc,
        counts=counts,
        columns=_columns(acc, counts, info, mean_joints),
        mean=_weighted_mean(acc, counts, mean_joints),
        mean_joints=tuple(mean_joints),
        num_persons=num_persons,
        num_skipped=num_skipped,
    )
