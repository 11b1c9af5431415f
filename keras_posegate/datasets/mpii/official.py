"""The official MPII annotation file, `mpii_human_pose_v1_u12_1.mat`.

Choices the format leaves open:

- Persons. A person without `objpos`, without `scale` (or with scale <= 0) or
  without `annopoints` is skipped ("no_objpos", "no_scale", "no_annopoints";
  the MPII test set has no `annopoints` at all). With `keep_unannotated=True`
  the last kind is kept with all-NaN joints (note "unannotated_kept"), for
  predicting on the test set. An `annopoints` with no usable point is skipped
  as "no_joints". Images with no person count as "image_no_people", images
  without `image.name` as "image_no_name".
- Points. A joint with no point is missing (NaN). A point with an id outside
  0-15 or a non-numeric coordinate is dropped (note "bad_point"). An empty
  `is_visible` is taken as visible (note "empty_is_visible"): the point was
  annotated, and the empty flags sit mostly on head and neck points, which are
  rarely occluded. `is_visible` may also be a string ("1"/"0") in the file.
"""

from __future__ import annotations

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
    missing_joints,
)
from keras_posegate.datasets.info import MPII
from keras_posegate.datasets.records import PersonRecord

NUM_JOINTS = MPII.num_joints


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


def _image_records(
    anno: Any, rects: list, options: tuple, report: ReadReport
) -> list[PersonRecord]:
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


def _person(
    rect: Any, keep_unannotated: bool, report: ReadReport
) -> PersonRecord | None:
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
        joints, visible = missing_joints(NUM_JOINTS)
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
    joints, visible = missing_joints(NUM_JOINTS)
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
