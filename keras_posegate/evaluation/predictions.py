"""Prediction files: a project JSON form and the MPII `pred.mat` layout.

Coordinates inside the project are 0-based original-image pixels (pixel
centres at integers, as `PersonRecord`). MATLAB, the MPII annotation file
and the `gt_valid.mat` that HRNet / the MPII toolkit evaluate against are
1-based, so `write_mpii_pred_mat` adds 1 and `read_mpii_pred_mat` subtracts it
(HRNet's `evaluate`: `preds = preds[:, :, 0:2] + 1.0`, then
`savemat('pred.mat', {'preds': preds})`). The JSON form stays 0-based.

All writers are atomic (temporary file, then `os.replace`).
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Sequence

import numpy as np

from keras_posegate.datasets.info import MPII
from keras_posegate.fileio import atomic_write_bytes, atomic_write_text

JSON_FORMAT = "keras_posegate.predictions/1"
MPII_NUM_JOINTS = MPII.num_joints


def _check_joints(joints, scores=None) -> tuple[np.ndarray, np.ndarray | None]:
    joints = np.asarray(joints, dtype=np.float64)
    if joints.ndim != 3 or joints.shape[-1] != 2:
        raise ValueError(
            f"joints must have shape (N, J, 2). Received: joints.shape={joints.shape}"
        )
    if scores is None:
        return joints, None
    scores = np.asarray(scores, dtype=np.float64)
    if scores.shape != joints.shape[:2]:
        raise ValueError(
            f"scores must have shape {joints.shape[:2]}. "
            f"Received: scores.shape={scores.shape}"
        )
    return joints, scores


def _json_num(v: float) -> float | None:
    return round(float(v), 3) if np.isfinite(v) else None


def write_predictions_json(
    path: str | os.PathLike,
    image_ids: Sequence[str],
    person_indices: Sequence[int],
    joints,
    scores,
    dataset: str = "mpii",
    meta: dict | None = None,
) -> str:
    """Write one entry per person to a JSON file.

    Args:
        path: output file.
        image_ids: `(N,)` image names (e.g. MPII `image.name`).
        person_indices: `(N,)` index of the person within its image.
        joints: `(N, J, 2)` (x, y) in 0-based original-image pixels; non-finite
            values are written as null.
        scores: `(N, J)` confidences (heatmap maxima).
        dataset: "mpii" or "lsp", stored for readers.
        meta: optional extra JSON-serialisable facts (model, flip test, ...).

    Returns:
        The path written.
    """
    joints, scores = _check_joints(joints, scores)
    n = len(joints)
    if len(image_ids) != n or len(person_indices) != n:
        raise ValueError(
            "image_ids and person_indices must have one entry per person. "
            f"Received: {len(image_ids)} image_ids, {len(person_indices)} "
            f"person_indices, {n} persons"
        )
    people = [
        {
            "image_id": str(image_ids[i]),
            "person_index": int(person_indices[i]),
            "joints": [[_json_num(x), _json_num(y)] for x, y in joints[i]],
            "scores": [_json_num(s) for s in scores[i]],
        }
        for i in range(n)
    ]
    doc = {
        "format": JSON_FORMAT,
        "dataset": dataset,
        "coordinates": "original-image pixels, 0-based (pixel centres at integers)",
        "meta": meta or {},
        "predictions": people,
    }
    return atomic_write_text(path, json.dumps(doc, indent=1, allow_nan=False))


def read_predictions_json(path: str | os.PathLike) -> dict:
    """Read a file of `write_predictions_json`.

    Args:
        path: the JSON file.

    Returns:
        dict with `image_ids` (list), `person_indices` `(N,)` int,
        `joints` `(N, J, 2)` float64 (NaN for null), `scores` `(N, J)`,
        `dataset` and `meta`.
    """
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    if doc.get("format") != JSON_FORMAT:
        raise ValueError(
            f"not a {JSON_FORMAT} file. Received: format={doc.get('format')!r}"
        )
    people = doc["predictions"]

    def arr(key):
        return np.array([p[key] for p in people], dtype=np.float64)

    return {
        "image_ids": [p["image_id"] for p in people],
        "person_indices": np.array([p["person_index"] for p in people], np.int64),
        "joints": arr("joints") if people else np.zeros((0, 0, 2)),
        "scores": arr("scores") if people else np.zeros((0, 0)),
        "dataset": doc.get("dataset"),
        "meta": doc.get("meta", {}),
    }


def write_mpii_pred_mat(path: str | os.PathLike, joints) -> str:
    """Write `pred.mat` as HRNet's MPII evaluation reads it.

    The file holds one variable `preds`, float64 `(N, 16, 2)`, 1-based (MATLAB)
    pixel coordinates, persons in the order of the ground truth it is scored
    against (for the validation split: the 2958 persons of `gt_valid.mat`).
    This is not the MPII test-server submission format (an `annolist` struct).

    Args:
        path: output file (".mat").
        joints: `(N, 16, 2)` (x, y) in 0-based original-image pixels.

    Returns:
        The path written.
    """
    joints, _ = _check_joints(joints)
    if joints.shape[1] != MPII_NUM_JOINTS:
        raise ValueError(
            f"joints must have {MPII_NUM_JOINTS} MPII joints. "
            f"Received: joints.shape={joints.shape}"
        )
    from scipy.io import savemat

    buf = io.BytesIO()
    savemat(buf, {"preds": joints + 1.0})
    return atomic_write_bytes(path, buf.getvalue())


def read_mpii_pred_mat(path: str | os.PathLike) -> np.ndarray:
    """Read a `pred.mat` (`preds`, 1-based) back to 0-based pixels.

    Args:
        path: a file written by `write_mpii_pred_mat` (or HRNet).

    Returns:
        `(N, 16, 2)` float64 (x, y) in 0-based original-image pixels.

    Raises:
        ValueError: when there is no `preds` variable or its shape is wrong.
    """
    from scipy.io import loadmat

    mat = loadmat(os.fspath(path))
    if "preds" not in mat:
        raise ValueError(f"no 'preds' variable in {path}. Found: {sorted(mat)}")
    preds = np.asarray(mat["preds"], dtype=np.float64)
    if preds.ndim != 3 or preds.shape[1:] != (MPII_NUM_JOINTS, 2):
        raise ValueError(
            f"preds must have shape (N, 16, 2). Received: preds.shape={preds.shape}"
        )
    return preds - 1.0
