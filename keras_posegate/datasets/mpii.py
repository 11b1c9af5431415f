"""MPII readers: the official `mpii_human_pose_v1_u12_1.mat` and the HRNet /
mmpose JSON files (`train.json`, `valid.json`) with `gt_valid.mat`.

Choices the formats leave open:

- Coordinates. Both formats use 1-based MATLAB pixels; every coordinate
  returned (joints, centre, head box) has 1 subtracted. Centre and scale are
  returned as the file gives them: HRNet's training-time adjustments
  (`center[1] += 15 * scale`, `scale *= 1.25`) belong to the crop, not here.
- Official .mat, persons. A person without `objpos`, without `scale` (or with
  scale <= 0) or without `annopoints` is skipped ("no_objpos", "no_scale",
  "no_annopoints"; the MPII test set has no `annopoints` at all). With
  `keep_unannotated=True` the last kind is kept with all-NaN joints, for
  predicting on the test set. An `annopoints` with no usable point is skipped
  as "no_joints". Images with no person count as "image_no_people", images
  without `image.name` as "image_no_name".
- Official .mat, points. A joint with no point is missing (NaN). A point with
  an id outside 0-15 or a non-numeric coordinate is dropped (note
  "bad_point"). An empty `is_visible` is taken as visible (note
  "empty_is_visible"): the point was annotated, and the empty flags sit mostly
  on head and neck points, which are rarely occluded. `is_visible` may also be
  a string ("1"/"0") in the official file.
- JSON. An entry without `joints` (HRNet's `test.json`) is an unannotated
  person: kept with all-NaN joints (note "unannotated_kept"), for predicting
  from its centre and scale. `joints_vis` is the "annotated" flag: 0 = missing (HRNet writes -1, -1
  there), 1 = annotated, which is also taken as visible (the JSON does not
  carry occlusion).
- `gt_valid.mat` joins `valid.json` by position (same order, same count; a
  different count is an error). `headboxes_src[0]` is (x1, y1) and
  `headboxes_src[1]` is (x2, y2) of each person. Persons whose annotated
  joints disagree with `pos_gt_src` by more than 1 px are kept and counted in
  the note "gt_mismatch".
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from keras_posegate.datasets.common import (
    ReadReport,
    as_float,
    as_list,
    check_split,
    is_empty,
    load_mat,
)
from keras_posegate.datasets.records import PersonRecord

NUM_JOINTS = 16
_NAN_JOINTS = np.full((NUM_JOINTS, 2), np.nan, np.float32)


def read_mpii_mat(
    mat_path: str | Path,
    image_dir: str | Path | None = None,
    split: str = "train",
    keep_unannotated: bool = False,
    single_person_only: bool = False,
) -> tuple[list[PersonRecord], ReadReport]:
    """Reads the official MPII annotation file.

    Args:
        mat_path: path of `mpii_human_pose_v1_u12_1.mat`.
        image_dir: folder of the images; defaults to `images/` beside the file.
        split: "train" (`img_train == 1`), "test" (`img_train == 0`) or "all".
        keep_unannotated: keep persons without `annopoints` (all-NaN joints).
        single_person_only: keep only the persons listed in `single_person`.

    Returns:
        The records, in file order, and a `ReadReport`.
    """
    check_split(split)
    mat_path = Path(mat_path)
    image_dir = Path(image_dir) if image_dir else mat_path.parent / "images"
    release = _load_release(mat_path)
    report = ReadReport(str(mat_path), "mpii-official")
    annolist = as_list(release.annolist)
    img_train = np.asarray(release.img_train).ravel()
    if img_train.size != len(annolist):
        raise ValueError(
            f"{mat_path}: img_train has {img_train.size} entries but annolist "
            f"has {len(annolist)}."
        )
    singles = as_list(getattr(release, "single_person", None))
    records = []
    for i, anno in enumerate(annolist):
        rects = as_list(getattr(anno, "annorect", None))
        if not rects:
            report.skipped["image_no_people"] += 1
        elif split != "all" and (int(img_train[i]) == 1) != (split == "train"):
            report.skipped["split"] += len(rects)
        else:
            chosen = _single_person_set(singles, i) if single_person_only else None
            options = (image_dir, chosen, keep_unannotated)
            records += _image_records(anno, rects, options, report)
    report.kept = len(records)
    return records, report


def _image_records(anno: Any, rects: list, options: tuple, report: ReadReport):
    image_dir, chosen, keep_unannotated = options
    name = getattr(getattr(anno, "image", None), "name", None)
    if not isinstance(name, str) or not name:
        report.skipped["image_no_name"] += 1
        return []
    records = []
    for p, rect in enumerate(rects):
        if chosen is not None and p not in chosen:
            report.skipped["not_single_person"] += 1
            continue
        record = _person(rect, keep_unannotated, report)
        if record is not None:
            record.image_path = str(image_dir / name)
            record.image_id, record.person_index = name, p
            records.append(record)
    return records


def _load_release(mat_path: Path) -> Any:
    mat = load_mat(mat_path, struct_as_record=False, squeeze_me=True)
    release = mat.get("RELEASE")
    missing = [f for f in ("annolist", "img_train") if not hasattr(release, f)]
    if missing:
        raise ValueError(
            f"{mat_path} is not an MPII annotation file: it needs a struct "
            f"RELEASE with fields annolist and img_train. Found variables "
            f"{sorted(k for k in mat if not k.startswith('__'))}."
        )
    return release


def _single_person_set(singles: list, index: int) -> set[int]:
    """0-based person indices listed in `single_person` for image `index`."""
    if index >= len(singles):
        return set()
    values = np.asarray(singles[index], dtype=np.float64).ravel()
    return {int(v) - 1 for v in values if np.isfinite(v)}


def _person(rect: Any, keep_unannotated: bool, report: ReadReport):
    objpos = getattr(rect, "objpos", None)
    center = None
    if not is_empty(objpos):
        x, y = (
            as_float(getattr(objpos, "x", None)),
            as_float(getattr(objpos, "y", None)),
        )
        if x is not None and y is not None:
            center = np.array([x - 1, y - 1], np.float32)
    if center is None:
        report.skipped["no_objpos"] += 1
        return None
    scale = as_float(getattr(rect, "scale", None))
    if scale is None or not scale > 0:
        report.skipped["no_scale"] += 1
        return None
    annopoints = getattr(rect, "annopoints", None)
    if is_empty(annopoints) or is_empty(getattr(annopoints, "point", None)):
        if not keep_unannotated:
            report.skipped["no_annopoints"] += 1
            return None
        joints, visible = _NAN_JOINTS.copy(), np.zeros(NUM_JOINTS, np.float32)
        report.notes["unannotated_kept"] += 1
    else:
        joints, visible = _points(annopoints.point, report)
        if not np.isfinite(joints).any():
            report.skipped["no_joints"] += 1
            return None
    return PersonRecord(
        image_path="",
        joints=joints,
        visible=visible,
        center=center,
        scale=scale,
        head_box=_head_box(rect),
        dataset="mpii",
    )


def _points(points: Any, report: ReadReport) -> tuple[np.ndarray, np.ndarray]:
    joints, visible = _NAN_JOINTS.copy(), np.zeros(NUM_JOINTS, np.float32)
    for point in as_list(points):
        jid = as_float(getattr(point, "id", None))
        x, y = as_float(getattr(point, "x", None)), as_float(getattr(point, "y", None))
        if jid is None or not 0 <= jid < NUM_JOINTS or x is None or y is None:
            report.notes["bad_point"] += 1
            continue
        jid = int(jid)
        joints[jid] = (x - 1, y - 1)
        flag = as_float(getattr(point, "is_visible", None))
        if flag is None:
            report.notes["empty_is_visible"] += 1
            flag = 1.0
        visible[jid] = 1.0 if flag > 0 else 0.0
    return joints, visible


def _head_box(rect: Any) -> np.ndarray | None:
    box = [as_float(getattr(rect, k, None)) for k in ("x1", "y1", "x2", "y2")]
    if any(v is None for v in box):
        return None
    return np.asarray(box, np.float32) - 1


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
        _join_gt(records, read_gt_valid(gt_path), report)
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


def _json_person(entry, index, json_path, image_dir, report):
    unannotated = isinstance(entry, dict) and "joints" not in entry
    try:
        if unannotated:  # HRNet's test.json: centre and scale only
            joints, vis = _NAN_JOINTS.copy(), np.zeros(NUM_JOINTS, np.float32)
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


def _join_gt(records: list, gt: dict[str, np.ndarray], report: ReadReport) -> None:
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
