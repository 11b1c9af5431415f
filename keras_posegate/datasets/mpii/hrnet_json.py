"""The HRNet / mmpose MPII JSON files (`annot/train.json`, `valid.json`).

An entry without `joints` (HRNet's `test.json`) is an unannotated person: kept
with all-NaN joints (note "unannotated_kept"), for predicting from its centre
and scale. `joints_vis` is the "annotated" flag: 0 = missing (HRNet writes
-1, -1 there), 1 = annotated, which is also taken as visible (the JSON does not
carry occlusion). An annotated entry with no annotated joint is skipped
("no_joints"). Head boxes come from `gt_valid.mat` (`gt_valid.join_gt`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from keras_posegate.datasets.common import ReadReport, missing_joints
from keras_posegate.datasets.info import MPII
from keras_posegate.datasets.mpii.gt_valid import join_gt, read_gt_valid
from keras_posegate.datasets.records import PersonRecord

NUM_JOINTS = MPII.num_joints


def read_mpii_json(
    json_path: str | Path,
    image_dir: str | Path | None = None,
    gt_path: str | Path | None = None,
) -> tuple[list[PersonRecord], ReadReport]:
    """Reads an HRNet / mmpose style MPII JSON file (`train.json`, `valid.json`).

    Args:
        json_path: the JSON file: a list of {image, center, scale, joints,
            joints_vis} (`joints`, `joints_vis` absent in `test.json`).
        image_dir: folder of the images; defaults to `../images` from the file
            (HRNet's `data/mpii/annot/` beside `data/mpii/images/`).
        gt_path: `gt_valid.mat` whose head boxes join the records in order.

    Returns:
        The records, in file order, and a `ReadReport`.
    """
    json_path = Path(json_path)
    image_dir = Path(image_dir) if image_dir else json_path.parent.parent / "images"
    entries = _load_json_list(json_path)
    report = ReadReport(str(json_path), "mpii-json")
    records = [
        _json_person(e, i, json_path, image_dir, report) for i, e in enumerate(entries)
    ]
    if gt_path is not None:
        join_gt(records, read_gt_valid(gt_path), report)
    records = [r for r in records if r is not None]
    report.kept = len(records)
    return records, report


def _load_json_list(json_path: Path) -> list:
    try:
        entries = json.loads(json_path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ValueError(f"Could not read {json_path} as JSON ({e})") from e
    if not isinstance(entries, list):
        raise ValueError(
            f"{json_path}: expected a JSON list of persons, got {type(entries).__name__}."
        )
    return entries


def _json_person(
    entry: Any, index: int, json_path: Path, image_dir: Path, report: ReadReport
) -> PersonRecord | None:
    unannotated = isinstance(entry, dict) and "joints" not in entry
    try:
        if unannotated:  # HRNet's test.json: centre and scale only
            joints, vis = missing_joints(NUM_JOINTS)
        else:
            joints = np.asarray(entry["joints"], np.float32).reshape(NUM_JOINTS, 2)
            joints = joints - 1
            vis = np.asarray(entry["joints_vis"], np.float32).reshape(NUM_JOINTS)
        center = np.asarray(entry["center"], np.float32).reshape(2) - 1
        scale, name = float(entry["scale"]), str(entry["image"])
    except (KeyError, TypeError, ValueError) as e:
        raise ValueError(
            f"{json_path}: entry {index} is not an MPII JSON person "
            f"(image, center, scale, and joints 16x2 with joints_vis 16 unless "
            f"unannotated): {e!r}"
        ) from e
    annotated = vis > 0
    joints[~annotated] = np.nan
    if unannotated:
        report.notes["unannotated_kept"] += 1
    elif not annotated.any():
        report.skipped["no_joints"] += 1
        return None
    return PersonRecord(
        image_path=str(image_dir / name),
        joints=joints,
        visible=annotated.astype(np.float32),
        center=center,
        scale=scale,
        image_id=name,
        person_index=index,
        dataset="mpii",
    )
