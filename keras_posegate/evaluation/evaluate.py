"""`evaluate(...)`: a saved model on a dataset by the official protocol."""

from __future__ import annotations

import json
import os

from keras_posegate.codec import HeatmapCodec
from keras_posegate.datasets.info import get_info
from keras_posegate.evaluation import predictions as pred_io
from keras_posegate.evaluation.runner import predict_dataset, score_predictions
from keras_posegate.evaluation.tables import format_table


def evaluate(
    model,
    source,
    dataset: str = "mpii",
    flip: bool = True,
    batch_size: int = 16,
    predictions_out: str | None = None,
    split_label: str = "",
) -> dict:
    """Predict on an evaluation set and score it.

    Args:
        model: a Keras model, or a path to a `.keras` file, a SavedModel
            directory or a `.tflite` file (float or int8).
        source: a TFRecord directory or a list of `PersonRecord`s.
        dataset: "mpii" (PCKh, Table V layout) or "lsp" (PCK@0.2, Table VI).
        flip: flip test.
        batch_size: evaluation batch size.
        predictions_out: path prefix; writes `PREFIX.json` and, for MPII,
            `PREFIX_pred.mat` (the official toolkit's layout).
        split_label: where it was measured, for the table legend.

    Returns:
        `{"metrics": {name: PCKResult}, "table": str, "predictions": dict,
        "skipped": dict}`: the scores by metric name, the formatted table,
        the predictions of `runner.predict_dataset` and the data's
        `SkipCounter.report()`.

    Raises:
        DataError: the TFRecords have damaged shards, so predictions would not
            line up with the ground truth.
    """
    from keras_posegate.data import build_dataset

    if isinstance(model, (str, os.PathLike)):
        from keras_posegate.inference import load_model_for_evaluation

        model = load_model_for_evaluation(str(model))
    info = get_info(dataset)
    codec = HeatmapCodec(model.input_shape[1])
    ds = build_dataset(source, info, codec, 1, batch_size, training=False)
    damaged = ds.skip_counter.damaged_shards
    if damaged:  # predictions would no longer line up with the ground truth
        from keras_posegate.errors import DataError

        raise DataError(
            "damaged TFRecord shards, refusing to score or write predictions "
            "that would not line up with the ground truth: "
            + "; ".join(f"{path}: {lost}" for path, lost in damaged.items())
            + ". Re-run `posegate prepare`."
        )
    pred = predict_dataset(model, ds, codec, info, flip=flip)
    scores = score_predictions(pred, info)
    main = scores.get("pckh@0.5") or scores["pck@0.2"]
    table = format_table(dataset, [("Ours (measured)", main)], split_label)
    if "pckh@0.1" in scores:
        table += (
            f"\nPCKh@0.1 mean: {scores['pckh@0.1'].mean:.1f}   "
            f"AUC (PCKh 0-0.5): {scores['auc'].mean:.1f}"
        )
    if predictions_out:
        write_predictions(pred, predictions_out, dataset)
    return {"metrics": scores, "table": table, "predictions": pred,
            "skipped": ds.skip_counter.report()}  # fmt: skip


def write_predictions(pred: dict, prefix: str, dataset: str) -> list[str]:
    """Write predictions as JSON (and MPII `pred.mat`), in original-image pixels.

    Args:
        pred: `runner.predict_dataset`'s dict (`joints` `(N, J, 2)`, `scores`
            `(N, J)`, `image_ids`, `person_indices`).
        prefix: path prefix: writes `PREFIX.json` and, for MPII,
            `PREFIX_pred.mat`; parent folders are created.
        dataset: "mpii" or "lsp".

    Returns:
        The paths written.
    """
    os.makedirs(os.path.dirname(os.path.abspath(prefix)), exist_ok=True)
    written = [
        pred_io.write_predictions_json(
            f"{prefix}.json",
            pred["image_ids"],
            pred["person_indices"],
            pred["joints"],
            pred["scores"],
            dataset=dataset,
        )  # fmt: skip
    ]
    if dataset == "mpii":
        written.append(
            pred_io.write_mpii_pred_mat(f"{prefix}_pred.mat", pred["joints"])
        )
    return written


def metrics_json(scores: dict) -> str:
    """Render `evaluate`'s metrics as indented JSON text.

    Args:
        scores: metric name -> `PCKResult` (written with its `to_dict()`) or
            a plain value.

    Returns:
        The JSON text.
    """
    return json.dumps(
        {k: (v.to_dict() if hasattr(v, "to_dict") else v) for k, v in scores.items()},
        indent=1,
    )
