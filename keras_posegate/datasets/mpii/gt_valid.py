"""HRNet's `gt_valid.mat`: the MPII validation ground truth and head boxes.

`gt_valid.mat` joins `valid.json` by position (same order, same count; a
different count is an error). `headboxes_src[0]` is (x1, y1) and
`headboxes_src[1]` is (x2, y2) of each person. Persons whose annotated joints
disagree with `pos_gt_src` by more than 1 px are kept and counted in the note
"gt_mismatch".
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from keras_posegate.datasets.common import ReadReport, load_mat
from keras_posegate.datasets.info import MPII
from keras_posegate.datasets.records import PersonRecord

NUM_JOINTS = MPII.num_joints


def read_gt_valid(gt_path: str | Path) -> dict[str, np.ndarray]:
    """Reads HRNet's `gt_valid.mat` (the evaluation ground truth).

    Args:
        gt_path: the file, with `jnt_missing` 16xN, `pos_gt_src` 16x2xN and
            `headboxes_src` 2x2xN (1-based pixels).

    Returns:
        `joints` (N, 16, 2) 0-based with NaN where missing, `missing` (N, 16)
        bool, `head_boxes` (N, 4) 0-based x1, y1, x2, y2.
    """
    gt_path = Path(gt_path)
    mat = load_mat(gt_path)
    try:
        missing = np.asarray(mat["jnt_missing"], np.float64)
        pos = np.asarray(mat["pos_gt_src"], np.float64)
        boxes = np.asarray(mat["headboxes_src"], np.float64)
    except KeyError as e:
        raise ValueError(f"{gt_path}: missing variable {e} of gt_valid.mat") from e
    if missing.shape == (NUM_JOINTS,):  # One person: MATLAB drops the last axis.
        missing, pos, boxes = missing[:, None], pos[..., None], boxes[..., None]
    n = missing.shape[-1] if missing.ndim == 2 else -1
    if missing.shape != (NUM_JOINTS, n) or pos.shape != (NUM_JOINTS, 2, n):
        raise ValueError(
            f"{gt_path}: expected jnt_missing 16xN and pos_gt_src 16x2xN. "
            f"Received: {missing.shape} and {pos.shape}"
        )
    if boxes.shape != (2, 2, n):
        raise ValueError(
            f"{gt_path}: expected headboxes_src 2x2x{n}, got {boxes.shape}"
        )
    joints = pos.transpose(2, 0, 1).astype(np.float32) - 1
    missing = missing.T > 0
    joints[missing] = np.nan
    head_boxes = boxes.transpose(2, 0, 1).reshape(n, 4).astype(np.float32) - 1
    return {"joints": joints, "missing": missing, "head_boxes": head_boxes}


def join_gt(
    records: list[PersonRecord | None],
    gt: dict[str, np.ndarray],
    report: ReadReport,
) -> None:
    """Gives each record its head box from `gt_valid.mat`, joined by position.

    Args:
        records: the N persons of `valid.json` in file order; None marks a
            person the reader skipped (it keeps its place in the order).
        gt: `read_gt_valid`'s arrays for the same N persons.
        report: the reader's report; "gt_mismatch" counts persons whose joints
            disagree with the ground truth by more than 1 px.

    Raises:
        ValueError: the two files hold different numbers of persons.
    """
    if len(gt["head_boxes"]) != len(records):
        raise ValueError(
            f"{report.source}: {len(records)} persons but the ground truth has "
            f"{len(gt['head_boxes'])}; gt_valid.mat joins valid.json in order."
        )
    for i, record in enumerate(records):
        if record is None:
            continue
        record.head_box = gt["head_boxes"][i].copy()
        both = record.annotated & ~gt["missing"][i]
        same_set = np.array_equal(record.annotated, ~gt["missing"][i])
        diff = np.abs(record.joints[both] - gt["joints"][i][both])
        if not same_set or (diff.size and diff.max() > 1.0):
            report.notes["gt_mismatch"] += 1
