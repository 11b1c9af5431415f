"""Synthetic people written in the official MPII and LSP file formats.

`write_sample_dataset` renders stick figures (`figures.py`) on random
backgrounds to JPEG and writes their annotations in the files users have, so
the real readers are what the tests and smoke runs exercise:

- "mpii": `images/NNNNNNNNN.jpg`, `mpii_human_pose_v1_u12_1.mat` (RELEASE
  struct) and HRNet's `annot/train.json`, `annot/valid.json`,
  `annot/gt_valid.mat`.
- "lsp": `images/im0001.jpg`... and `joints.mat` (3x14xN, or 14x3xN with
  `lsp_layout="extended"`).

Choices: each regular image holds one person. The last `num // 5` MPII images
are test images (`img_train = 0`) and, as in the real file, carry only
`objpos` and `scale`. Of the training images the last quarter (at least one
when there are two or more) form `valid.json` / `gt_valid.mat`; the rest,
plus the quirk image's usable persons, form `train.json`. Joints outside the
frame are missing in MPII (no point) and annotated but not visible in LSP.
Joints under an occluding box are annotated with `is_visible = 0`.

With `quirks=True` (MPII) two extra training images are written: one with no
person and one with five `annorect` entries: a full person, the same person
without `objpos`, without `scale`, without `annopoints`, and a second drawn
figure annotated by its head top only. The first image's upper-neck and
head-top points get an empty `is_visible`, the second image's flags are
strings. `summary["expected_skips"]` gives the skip counts `read_mpii_mat`
must report for `split="train"`.
"""

from __future__ import annotations

import time
from pathlib import Path

import cv2
import numpy as np

from keras_posegate.datasets import figures, writers
from keras_posegate.datasets.info import LSP_TO_MPII

FORMATS = ("mpii", "lsp")
MPII_MAT_NAME = "mpii_human_pose_v1_u12_1.mat"


def render_image(
    rng: np.random.Generator,
    width: int,
    height: int,
    num_people: int = 1,
    occlusion: float = 0.35,
) -> tuple[np.ndarray, list[dict]]:
    """Renders one image of stick figures.

    Args:
        rng: random generator.
        width: canvas width.
        height: canvas height.
        num_people: figures to draw, side by side.
        occlusion: probability of an occluding box per figure.

    Returns:
        The BGR image and one dict per figure: "joints" (16, 2) 0-based
        (outside the frame included), "visible" (16,) (0 under a box or outside
        the frame), "in_frame" (16,) bool, "center", "scale", "head_box".
    """
    image = figures.background(rng, width, height)
    people = []
    for k in range(num_people):
        span = width / num_people
        size = min(span, height) * rng.uniform(0.55, 0.85)
        for _ in range(10):
            pelvis = np.array(
                [span * (k + rng.uniform(0.35, 0.65)), height * rng.uniform(0.45, 0.7)]
            )
            if rng.random() < 0.15:  # Let some joints leave the frame.
                pelvis += rng.uniform(-0.35, 0.35, size=2) * size
            rotation = (
                rng.normal(0.0, 0.25) if rng.random() < 0.9 else rng.uniform(-1.6, 1.6)
            )
            joints = figures.sample_pose(rng, size, pelvis, rotation)
            in_frame = (joints >= 0).all(1) & (joints < [width, height]).all(1)
            if in_frame.sum() >= 10:
                break
        figures.draw_figure(image, joints, size, rng)
        people.append(_describe(joints, in_frame, size))
    for person in people:
        if rng.random() < occlusion:
            covered = figures.occlude(image, person["joints"], person["size"], rng)
            person["visible"][covered] = 0.0
    return image, people


def _describe(joints: np.ndarray, in_frame: np.ndarray, size: float) -> dict:
    lo, hi = joints.min(0), joints.max(0)
    neck, top = joints[8], joints[9]
    half = np.hypot(*(top - neck)) / 2
    mid = (neck + top) / 2
    return {
        "joints": joints,
        "visible": in_frame.astype(np.float32),
        "in_frame": in_frame,
        "center": (lo + hi) / 2,
        "scale": size / 200.0,
        "size": size,
        "head_box": np.concatenate([mid - half, mid + half]),
    }


def write_sample_dataset(
    out_dir: str | Path,
    fmt: str,
    num: int,
    seed: int = 0,
    image_size: tuple[int, int] = (256, 256),
    quirks: bool = True,
    lsp_layout: str = "original",
    jpeg_quality: int = 90,
) -> dict:
    """Renders `num` synthetic images and writes their annotations.

    Args:
        out_dir: output folder (created).
        fmt: "mpii" or "lsp".
        num: number of regular images (one person each), >= 1.
        seed: random seed; the same seed writes the same files.
        image_size: (width, height) of the canvases, e.g. (1280, 720).
        quirks: MPII only: add the quirky entries (see the module notes).
        lsp_layout: LSP only: "original" (3x14xN) or "extended" (14x3xN).
        jpeg_quality: JPEG quality, 1-100.

    Returns:
        A summary: format, out_dir, num_images, num_people, files (relative
        paths of the annotation files), splits, expected_skips, seconds.
    """
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {FORMATS}. Received: fmt={fmt!r}")
    if num < 1:
        raise ValueError(f"num must be >= 1. Received: num={num}")
    width, height = (int(v) for v in image_size)
    if width < 32 or height < 32:
        raise ValueError(f"image_size must be at least 32x32. Received: {image_size}")
    if lsp_layout not in ("original", "extended"):
        raise ValueError(
            f"lsp_layout must be 'original' or 'extended'. Received: {lsp_layout!r}"
        )
    start = time.perf_counter()
    out_dir = Path(out_dir)
    (out_dir / "images").mkdir(parents=True, exist_ok=True)
    ctx = {"dir": out_dir, "seed": seed, "w": width, "h": height, "q": jpeg_quality}
    if fmt == "mpii":
        summary = _write_mpii(ctx, num, quirks)
    else:
        summary = _write_lsp(ctx, num, lsp_layout)
    summary.update(format=fmt, out_dir=str(out_dir), image_size=[width, height])
    summary["seconds"] = round(time.perf_counter() - start, 3)
    return summary


def _render(ctx: dict, index: int, name: str, num_people: int = 1) -> list[dict]:
    rng = np.random.default_rng([ctx["seed"], index])
    image, people = render_image(rng, ctx["w"], ctx["h"], num_people)
    cv2.imwrite(
        str(ctx["dir"] / "images" / name), image, [cv2.IMWRITE_JPEG_QUALITY, ctx["q"]]
    )
    return people


def _mpii_person(person: dict, points: bool = True) -> dict:
    out = {
        "objpos": person["center"],
        "scale": person["scale"],
        "head_box": person["head_box"],
    }
    if points:
        out["points"] = [
            (j, *person["joints"][j], person["visible"][j])
            for j in range(16)
            if person["in_frame"][j]
        ]
    return out


def _hrnet(person: dict, name: str) -> dict:
    joints = np.where(person["in_frame"][:, None], person["joints"], np.nan)
    return {**person, "joints": joints, "image": name}


def _write_mpii(ctx: dict, num: int, quirks: bool) -> dict:
    n_test = num // 5
    n_train = num - n_test
    n_val = max(1, n_train // 4) if n_train >= 2 else 0
    images, train_json, valid_json = [], [], []
    for i in range(num):
        name = f"{i + 1:09d}.jpg"
        person = _render(ctx, i, name)[0]
        is_train = i < n_train
        entry = _mpii_person(person, points=is_train)
        if not is_train:
            del entry["head_box"]
        images.append(
            {"name": name, "train": is_train, "people": [entry], "single_person": [0]}
        )
        if is_train:
            (valid_json if i >= n_train - n_val else train_json).append(
                _hrnet(person, name)
            )
    if quirks and n_train >= 2:
        _weird_flags(images[0]["people"][0], images[1]["people"][0])
    expected = {"split": n_test}
    if quirks:
        images += _quirk_images(ctx, num, train_json)
        expected.update(image_no_people=1, no_objpos=1, no_scale=1, no_annopoints=1)
    writers.write_mpii_mat(ctx["dir"] / MPII_MAT_NAME, images)
    annot = ctx["dir"] / "annot"
    annot.mkdir(exist_ok=True)
    writers.write_mpii_json(annot / "train.json", train_json)
    writers.write_mpii_json(annot / "valid.json", valid_json)
    files = [MPII_MAT_NAME, "annot/train.json", "annot/valid.json"]
    if valid_json:
        writers.write_gt_valid(annot / "gt_valid.mat", valid_json)
        files.append("annot/gt_valid.mat")
    return {
        "num_images": len(images),
        "num_people": sum(len(im["people"]) for im in images),
        "files": files,
        "splits": {
            "mat_train_images": sum(im["train"] for im in images),
            "mat_test_images": n_test,
            "train_json": len(train_json),
            "valid_json": len(valid_json),
        },
        "expected_skips": expected,
    }


def _weird_flags(first: dict, second: dict) -> None:
    """Empty is_visible for upper neck and head top; string flags."""
    first["points"] = [
        (j, x, y, None if j in (8, 9) else v) for j, x, y, v in first["points"]
    ]
    second["points"] = [(j, x, y, str(int(v))) for j, x, y, v in second["points"]]


def _quirk_images(ctx: dict, num: int, train_json: list) -> list[dict]:
    empty_name, crowd_name = f"{num + 1:09d}.jpg", f"{num + 2:09d}.jpg"
    rng = np.random.default_rng([ctx["seed"], num])
    image = figures.background(rng, ctx["w"], ctx["h"])
    cv2.imwrite(str(ctx["dir"] / "images" / empty_name), image)
    first, second = _render(ctx, num + 1, crowd_name, num_people=2)
    full = _mpii_person(first)
    head_only = _mpii_person(second)
    head_only["points"] = [(9, *second["joints"][9], second["visible"][9])]
    people = [
        full,
        {k: v for k, v in full.items() if k != "objpos"},
        {k: v for k, v in full.items() if k != "scale"},
        {k: v for k, v in full.items() if k != "points"},
        head_only,
    ]
    train_json.append(_hrnet(first, crowd_name))
    only_head = dict(second, in_frame=np.arange(16) == 9)
    train_json.append(_hrnet(only_head, crowd_name))
    return [
        {"name": empty_name, "train": True, "people": []},
        {"name": crowd_name, "train": True, "people": people, "single_person": [0, 4]},
    ]


def _write_lsp(ctx: dict, num: int, layout: str) -> dict:
    digits = max(4, len(str(num)))
    joints, visible = [], []
    for i in range(num):
        person = _render(ctx, i, f"im{i + 1:0{digits}d}.jpg")[0]
        joints.append(person["joints"][list(LSP_TO_MPII)])
        visible.append(person["visible"][list(LSP_TO_MPII)])
    writers.write_lsp_mat(
        ctx["dir"] / "joints.mat", np.stack(joints), np.stack(visible), layout
    )
    return {
        "num_images": num,
        "num_people": num,
        "files": ["joints.mat"],
        "splits": {
            "layout": layout,
            "train": min(num, 1000),
            "test": max(0, num - 1000),
        }
        if layout == "original"
        else {"layout": layout, "train": num, "test": 0},
        "expected_skips": {},
    }
