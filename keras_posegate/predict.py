"""`predict_files`: keypoints, skeleton overlays and JSON for image files."""

from __future__ import annotations

import os

import cv2
import numpy as np

from keras_posegate.datasets.info import LSP, MPII
from keras_posegate.fileio import atomic_write_json
from keras_posegate.inference import (
    box_crop,
    center_scale_crop,
    load_predictor,
    predict_image,
)
from keras_posegate.viz import draw_skeleton, save_png


def predict_files(
    model_path: str,
    images: list[str],
    out_dir: str,
    box=None,
    center=None,
    scale: float | None = None,
    threshold: float = 0.3,
) -> tuple[list[dict], dict[str, str]]:
    """Predict every image; an unreadable one is reported, the rest still run.

    Args:
        model_path: `.keras` file, SavedModel directory or `.tflite` file.
        images: image paths.
        out_dir: where `NAME_pose.png` and `NAME_pose.json` go.
        box: `(x, y, w, h)` person box (default: the whole image).
        center: MPII-style person centre `(x, y)` instead of a box.
        scale: MPII-style person scale (box side / 200), with `center`.
        threshold: score under which a joint is not drawn.

    Returns:
        `(results, failures)`: one dict per predicted image (paths, joints,
        scores), and `{image path: reason}` for the ones that failed.
    """
    predictor = load_predictor(model_path)
    os.makedirs(out_dir, exist_ok=True)
    results, failures = [], {}
    for path in images:
        image = cv2.imread(path, cv2.IMREAD_COLOR) if os.path.isfile(path) else None
        if image is None:
            failures[path] = (
                "missing file" if not os.path.exists(path) else "not a readable image"
            )
            continue
        if center is not None and scale is not None:
            affine = center_scale_crop(center, scale, predictor.input_size)
        else:
            affine = box_crop(box, image.shape, predictor.input_size)
        joints, scores = predict_image(predictor, image, affine)
        results.append(_write_outputs(path, image, joints, scores, out_dir, threshold))
    return results, failures


def _write_outputs(path, image, joints, scores, out_dir, threshold) -> dict:
    info = MPII if len(joints) == MPII.num_joints else LSP
    stem = os.path.splitext(os.path.basename(path))[0]
    png = save_png(os.path.join(out_dir, f"{stem}_pose.png"),
                   draw_skeleton(image, joints, scores, info, threshold))  # fmt: skip
    doc = {
        "image": path,
        "dataset": info.name,
        "keypoints": [
            {"name": n, "x": float(x), "y": float(y), "score": float(s)}
            for n, (x, y), s in zip(info.joint_names, joints, scores, strict=True)
        ],
    }
    json_path = os.path.join(out_dir, f"{stem}_pose.json")
    atomic_write_json(json_path, doc, indent=1)
    return {"image": path, "png": png, "json": json_path,
            "joints": np.asarray(joints), "scores": np.asarray(scores)}  # fmt: skip
