"""Run a model over an evaluation pipeline.

Flip test, sub-pixel decoding, predictions mapped back to the original image,
and the official metrics.
"""

from __future__ import annotations

import numpy as np

from keras_posegate.codec import HeatmapCodec
from keras_posegate.data.augment import crop_to_original
from keras_posegate.datasets.info import DatasetInfo
from keras_posegate.evaluation import metrics
from keras_posegate.models.posegate_model import final_heatmaps


def predict_heatmaps(model, images: np.ndarray, info: DatasetInfo, flip: bool = True):
    """Final-stack heatmaps `(B, H, W, J)`, flip-averaged when `flip`.

    The flipped image's heatmaps are mirrored back and their joints swapped
    before averaging.

    With pixel-centred coordinates a horizontal flip of the input is exactly a
    horizontal flip of the heatmap, so no shift is needed.

    Args:
        model: a PoseGate model (any callable returning heatmaps or a list).
        images: `(B, S, S, 3)` float32 input crops in [0, 1].
        info: the keypoint layout (its flip pairs swap joints back).
        flip: average with the horizontally flipped image's heatmaps.

    Returns:
        `(B, H, W, J)` float32 numpy heatmaps of the last stack.
    """
    from keras_posegate.backends import inference_fn

    run = inference_fn(model)
    heatmaps = _last(run(images, training=False))
    if flip:
        flipped = _last(
            run(np.ascontiguousarray(images[:, :, ::-1, :]), training=False)
        )
        flipped = flipped[:, :, ::-1, :][..., info.flip_index()]
        heatmaps = 0.5 * (heatmaps + flipped)
    return heatmaps


def _last(outputs) -> np.ndarray:
    from keras_posegate.backends import to_numpy

    return to_numpy(final_heatmaps(outputs)).astype(np.float32, copy=False)


def predict_dataset(
    model, dataset, codec: HeatmapCodec, info: DatasetInfo, flip=True
) -> dict:
    """Predictions for an eval pipeline (`build_dataset(..., training=False)`).

    Args:
        model: a PoseGate model.
        dataset: batches of `(images, meta)` from the evaluation pipeline.
        codec: decodes heatmaps to heatmap-pixel keypoints and scores.
        info: the keypoint layout.
        flip: flip test (see `predict_heatmaps`).

    Returns:
        dict of numpy arrays over N persons: `joints` `(N, J, 2)` original-image
        pixels, `scores` `(N, J)`, `gt` `(N, J, 2)` (NaN = missing), `head_boxes`
        `(N, 4)`, `has_head_box` `(N,)`, `image_ids`, `person_indices`.
    """
    out = {k: [] for k in ("joints", "scores", "gt", "head_boxes", "has_head_box")}
    out.update(image_ids=[], person_indices=[])
    for images, meta in dataset:
        heatmaps = predict_heatmaps(model, images.numpy(), info, flip)
        coords, scores = codec.decode(heatmaps)
        crop_xy = codec.heatmap_to_input(coords)
        for i, affine in enumerate(meta["affine"].numpy()):
            out["joints"].append(crop_to_original(crop_xy[i], affine))
        out["scores"].append(scores)
        out["gt"].append(meta["joints"].numpy())
        out["head_boxes"].append(meta["head_box"].numpy())
        out["has_head_box"].append(meta["has_head_box"].numpy())
        out["image_ids"] += [s.decode() for s in meta["image_id"].numpy()]
        out["person_indices"] += [int(p) for p in meta["person_index"].numpy()]
    result = {k: np.asarray(v) for k, v in out.items() if k in ("joints", "image_ids")}
    result["joints"] = np.asarray(out["joints"], np.float32).reshape(
        -1, info.num_joints, 2
    )
    for key in ("scores", "gt", "head_boxes", "has_head_box"):
        result[key] = np.concatenate(out[key]) if out[key] else np.zeros((0,))
    result["person_indices"] = np.asarray(out["person_indices"])
    return result


def score_predictions(pred: dict, info: DatasetInfo) -> dict[str, metrics.PCKResult]:
    """MPII (with head boxes): PCKh@0.5 and @0.1 plus AUC; LSP: PCK@0.2.

    Args:
        pred: the output of `predict_dataset` (`joints`, `gt`, `head_boxes`,
            `has_head_box`).
        info: the keypoint layout; its name picks the metrics.

    Returns:
        Metric name (`"pckh@0.5"`, `"pckh@0.1"`, `"auc"` or `"pck@0.2"`) ->
        `PCKResult`.

    Raises:
        ValueError: for MPII, when some records have no head box.
    """
    if info.name == "mpii":
        if not np.all(pred["has_head_box"]):
            raise ValueError("MPII PCKh needs head boxes; some records have none.")
        boxes = pred["head_boxes"]
        return {
            "pckh@0.5": metrics.pckh(pred["joints"], pred["gt"], boxes, 0.5, info=info),
            "pckh@0.1": metrics.pckh(pred["joints"], pred["gt"], boxes, 0.1, info=info),
            "auc": metrics.pckh_auc(pred["joints"], pred["gt"], boxes, info=info),
        }
    return {"pck@0.2": metrics.pck_torso(pred["joints"], pred["gt"], 0.2, info=info)}
