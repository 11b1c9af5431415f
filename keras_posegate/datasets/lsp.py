"""LSP reader: `joints.mat` of LSP (3x14xN) and LSP-extended (14x3xN).

Choices the formats leave open:

- Layout is detected from the shape of `joints`: 3x14xN is the original LSP
  (third row = occlusion flag, visible = 1 - flag), 14x3xN is LSP-extended
  (third column = visibility, 1 = visible). `layout=` can force either one.
- Coordinates are 1-based MATLAB pixels; 1 is subtracted.
- A joint is missing (NaN, visible 0) when a coordinate is not finite, or when
  both coordinates are <= 0 in the file (the (0, 0) / (-1, -1) "unset" marks;
  a real joint outside the frame has at most one such coordinate). A person
  with no annotated joint is skipped ("no_joints"), one whose joints span
  no height ("flat_box") too: it has no usable scale.
- Centre = centre of the tight box around the annotated joints; scale = box
  height * 1.25 / 200 (the box runs ankle to head top, 1.25 adds the margin
  MPII's person scale has).
- Split by image number: images 1..train_count are "train", the rest "test".
  train_count defaults to 1000 for the original layout (the standard LSP
  split, 1-1000 / 1001-2000) and to all images for LSP-extended, which is a
  training set only.
- Image names are `im0001.jpg`: 4 digits, or as many as the count needs
  (LSP-extended's 10000 images are `im00001.jpg`); if `image_dir` holds
  `im00001.jpg` the 5-digit names are used.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from keras_posegate.datasets.common import ReadReport, check_split, load_mat
from keras_posegate.datasets.records import PersonRecord

NUM_JOINTS = 14
LAYOUTS = ("auto", "original", "extended")
SCALE_MARGIN = 1.25


def detect_lsp_layout(joints: np.ndarray) -> str:
    """Detect the layout of an LSP `joints` array from its shape.

    Args:
        joints: the `joints` variable of a `joints.mat`: 3x14xN or 14x3xN (a
            single person may lack the last axis).

    Returns:
        "original" for 3x14xN, "extended" for 14x3xN.

    Raises:
        ValueError: any other shape.
    """
    shape = np.shape(joints)
    if len(shape) == 2:  # A single person saved without the last axis.
        shape = (*shape, 1)
    if len(shape) == 3 and shape[:2] == (3, NUM_JOINTS):
        return "original"
    if len(shape) == 3 and shape[:2] == (NUM_JOINTS, 3):
        return "extended"
    raise ValueError(
        f"LSP joints must be 3x14xN (LSP) or 14x3xN (LSP-extended). "
        f"Received: shape={shape}"
    )


def read_lsp(
    mat_path: str | Path,
    image_dir: str | Path | None = None,
    split: str = "train",
    train_count: int | None = None,
    layout: str = "auto",
) -> tuple[list[PersonRecord], ReadReport]:
    """Reads an LSP or LSP-extended `joints.mat`.

    Args:
        mat_path: the `joints.mat` file (variable `joints`).
        image_dir: folder of the images; defaults to `images/` beside the file.
        split: "train", "test" or "all" (see the module notes).
        train_count: images 1..train_count are the training split.
        layout: "auto", "original" (3x14xN) or "extended" (14x3xN).

    Returns:
        The records (LSP joint order, `dataset="lsp"`) and a `ReadReport` whose
        `format` names the layout used.

    Raises:
        ValueError: an unknown `split` or `layout`; a missing file, or one
            without a numeric `joints` of either layout; or a forced `layout`
            that the file does not have.
    """
    check_split(split)
    if layout not in LAYOUTS:
        raise ValueError(
            f"layout must be one of {LAYOUTS}. Received: layout={layout!r}"
        )
    mat_path = Path(mat_path)
    image_dir = Path(image_dir) if image_dir else mat_path.parent / "images"
    raw = _load_joints(mat_path)
    try:
        found = detect_lsp_layout(raw)
    except ValueError as e:
        raise ValueError(f"{mat_path}: {e}") from e
    if layout == "auto":
        layout = found
    elif layout != found:
        raise ValueError(f"{mat_path}: layout={layout!r} but the file is {found}.")
    xy, visible = _split_flags(raw.reshape(*raw.shape[:2], -1), layout)
    n = len(xy)
    if train_count is None:
        train_count = 1000 if layout == "original" else n
    shape = "3x14xN" if layout == "original" else "14x3xN"
    report = ReadReport(str(mat_path), f"lsp-{layout} {shape}")
    digits = _name_digits(image_dir, n)
    records = []
    for i in range(n):
        if split != "all" and (i < train_count) != (split == "train"):
            report.skipped["split"] += 1
            continue
        record = _person(xy[i], visible[i], report)
        if record is not None:
            name = f"im{i + 1:0{digits}d}.jpg"
            record.image_path, record.image_id = str(image_dir / name), name
            records.append(record)
    report.kept = len(records)
    return records, report


def _load_joints(mat_path: Path) -> np.ndarray:
    mat = load_mat(mat_path)
    if "joints" not in mat:
        found = sorted(k for k in mat if not k.startswith("__"))
        raise ValueError(f"{mat_path}: no variable 'joints'. Found: {found}")
    try:
        return np.asarray(mat["joints"], np.float64)
    except (TypeError, ValueError) as e:
        raise ValueError(f"{mat_path}: 'joints' is not numeric ({e})") from e


def _split_flags(raw: np.ndarray, layout: str) -> tuple[np.ndarray, np.ndarray]:
    """(N, 14, 2) 1-based coordinates and (N, 14) visibility."""
    if layout == "original":
        per_person = raw.transpose(2, 1, 0)  # (N, 14, 3)
        visible = 1.0 - per_person[..., 2]
    else:
        per_person = raw.transpose(2, 0, 1)
        visible = per_person[..., 2]
    visible = np.where(np.isfinite(visible), visible > 0.5, False)
    return per_person[..., :2], visible.astype(np.float32)


def _person(xy: np.ndarray, visible: np.ndarray, report: ReadReport):
    unset = ~np.isfinite(xy).all(axis=-1) | (xy <= 0).all(axis=-1)
    joints = (xy - 1).astype(np.float32)
    joints[unset] = np.nan
    visible = np.where(unset, 0.0, visible).astype(np.float32)
    if unset.all():
        report.skipped["no_joints"] += 1
        return None
    if unset.any():
        report.notes["missing_joints"] += int(unset.sum())
    lo, hi = np.nanmin(joints, axis=0), np.nanmax(joints, axis=0)
    if hi[1] <= lo[1]:
        report.skipped["flat_box"] += 1
        return None
    return PersonRecord(
        image_path="",
        joints=joints,
        visible=visible,
        center=((lo + hi) / 2).astype(np.float32),
        scale=float((hi[1] - lo[1]) * SCALE_MARGIN / 200.0),
        dataset="lsp",
    )


def _name_digits(image_dir: Path, n: int) -> int:
    if (image_dir / "im00001.jpg").exists() and not (image_dir / "im0001.jpg").exists():
        return 5
    return max(4, len(str(n)))
