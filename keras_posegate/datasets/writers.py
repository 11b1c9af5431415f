"""Writers for the official annotation formats.

MPII's `RELEASE` .mat, HRNet's JSON and `gt_valid.mat`, and LSP's `joints.mat`.

All inputs are 0-based pixels; the files get MATLAB's 1-based pixels. MAT files
get a fixed header text in place of scipy's creation time, so the same input
writes the same bytes.

An MPII person is a dict whose keys are all optional (a key left out becomes an
empty MATLAB field, as in the official file): "objpos" (x, y), "scale",
"head_box" (x1, y1, x2, y2) and "points", a list of (id, x, y, is_visible)
where is_visible may be 0/1, None (empty field) or a string ("0"/"1").
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

MPII_GT_NAMES = (
    "rank", "rkne", "rhip", "lhip", "lkne", "lank", "pelv", "thor",
    "neck", "head", "rwri", "relb", "rsho", "lsho", "lelb", "lwri",
)  # fmt: skip
_HEADER = b"MATLAB 5.0 MAT-file, written by keras_posegate"
_EMPTY = np.zeros((0, 0))


def savemat_deterministic(path: str | Path, variables: dict[str, Any]) -> None:
    """`scipy.io.savemat` with a fixed header text (no creation time).

    Args:
        path: output file.
        variables: name -> value, as for `scipy.io.savemat`.
    """
    import scipy.io

    scipy.io.savemat(str(path), variables, oned_as="row")
    data = bytearray(Path(path).read_bytes())
    data[:116] = _HEADER.ljust(116)
    Path(path).write_bytes(bytes(data))


def _struct_array(items: list[dict], fields: list[str]) -> np.ndarray:
    """A 1xN MATLAB struct array; fields an item lacks are empty."""
    out = np.zeros((1, len(items)), dtype=[(f, object) for f in fields])
    for i, item in enumerate(items):
        for f in fields:
            out[0, i][f] = item.get(f, _EMPTY)
    return out


def _point(point: tuple) -> dict:
    jid, x, y, vis = point
    if vis is None:
        vis = _EMPTY
    elif not isinstance(vis, str):
        vis = float(vis)
    return {"id": float(jid), "x": float(x) + 1, "y": float(y) + 1, "is_visible": vis}


def _annorect(person: dict) -> dict:
    rect: dict[str, Any] = {}
    if "head_box" in person:
        for key, value in zip(
            ("x1", "y1", "x2", "y2"), person["head_box"], strict=True
        ):
            rect[key] = float(value) + 1
    if "scale" in person:
        rect["scale"] = float(person["scale"])
    if "objpos" in person:
        x, y = person["objpos"]
        rect["objpos"] = {"x": float(x) + 1, "y": float(y) + 1}
    if "points" in person:
        points = [_point(p) for p in person["points"]]
        rect["annopoints"] = {
            "point": _struct_array(points, ["id", "x", "y", "is_visible"])
        }
    return rect


def write_mpii_mat(path: str | Path, images: list[dict]) -> None:
    """Writes an official-layout `mpii_human_pose_v1_u12_1.mat`.

    Args:
        path: output file.
        images: one dict per image: "name", "train" (bool), "people" (list of
            person dicts, see the module notes), optional "single_person"
            (0-based person indices).
    """
    annolist = []
    for image in images:
        rects = [_annorect(p) for p in image["people"]]
        fields = [
            f
            for f in ("x1", "y1", "x2", "y2", "annopoints", "scale", "objpos")
            if any(f in r for r in rects)
        ]
        annorect = _struct_array(rects, fields) if rects else _EMPTY
        annolist.append(
            {
                "image": {"name": image["name"]},
                "annorect": annorect,
                "frame_sec": _EMPTY,
                "vididx": _EMPTY,
            }
        )
    singles = np.empty((1, len(images)), dtype=object)
    for i, image in enumerate(images):
        chosen = image.get("single_person", [])
        singles[0, i] = np.asarray(chosen, np.float64).reshape(-1, 1) + 1
    n = len(images)
    release = {
        "annolist": _struct_array(
            annolist, ["image", "annorect", "frame_sec", "vididx"]
        ),
        "img_train": np.asarray([[float(im["train"]) for im in images]]),
        "version": "12",
        "single_person": singles,
        "act": _struct_array(
            [{"cat_name": "", "act_name": "", "act_id": -1.0}] * n,
            ["cat_name", "act_name", "act_id"],
        ),
        "video_list": np.asarray([["synthetic"]], dtype=object),
    }
    savemat_deterministic(path, {"RELEASE": release})


def write_mpii_json(path: str | Path, people: list[dict]) -> None:
    """Writes an HRNet-style MPII JSON list.

    Args:
        path: output file.
        people: dicts with "image", "center" (0-based), "scale", "joints"
            (16, 2) 0-based with NaN where missing.
    """
    entries = []
    for person in people:
        joints = np.asarray(person["joints"], np.float64)
        annotated = np.isfinite(joints).all(axis=1)
        coords = np.where(annotated[:, None], joints + 1, -1.0)
        entries.append(
            {
                "joints_vis": annotated.astype(int).tolist(),
                "joints": np.round(coords, 3).tolist(),
                "image": person["image"],
                "scale": round(float(person["scale"]), 6),
                "center": np.round(np.asarray(person["center"]) + 1, 3).tolist(),
            }
        )
    Path(path).write_text(json.dumps(entries))


def write_gt_valid(path: str | Path, people: list[dict]) -> None:
    """Writes HRNet's `gt_valid.mat` for the persons of `valid.json`, in order.

    Args:
        path: output file.
        people: dicts with "joints" (16, 2) 0-based, NaN where missing, and
            "head_box" (x1, y1, x2, y2) 0-based.
    """
    joints = np.stack([np.asarray(p["joints"], np.float64) for p in people])
    missing = ~np.isfinite(joints).all(axis=2)
    pos = np.where(missing[..., None], 0.0, joints + 1)
    boxes = np.stack([np.asarray(p["head_box"], np.float64) + 1 for p in people])
    names = np.empty((1, len(MPII_GT_NAMES)), dtype=object)
    names[0, :] = MPII_GT_NAMES
    savemat_deterministic(
        path,
        {
            "dataset_joints": names,
            "jnt_missing": missing.T.astype(np.float64),
            "pos_gt_src": pos.transpose(1, 2, 0),
            "headboxes_src": boxes.reshape(-1, 2, 2).transpose(1, 2, 0),
        },
    )


def write_lsp_mat(
    path: str | Path, joints: np.ndarray, visible: np.ndarray, layout: str = "original"
) -> None:
    """Writes an LSP `joints.mat`.

    Args:
        path: output file.
        joints: (N, 14, 2) 0-based pixels, LSP order.
        visible: (N, 14) 1 = visible.
        layout: "original" (3x14xN, third row = 1 - visible) or "extended"
            (14x3xN, third column = visible).
    """
    xy = np.asarray(joints, np.float64) + 1
    vis = np.asarray(visible, np.float64)
    if layout == "original":
        data = np.concatenate([xy, (1 - vis)[..., None]], axis=2).transpose(2, 1, 0)
    elif layout == "extended":
        data = np.concatenate([xy, vis[..., None]], axis=2).transpose(1, 2, 0)
    else:
        raise ValueError(
            f"layout must be 'original' or 'extended'. Received: layout={layout!r}"
        )
    savemat_deterministic(path, {"joints": data})
