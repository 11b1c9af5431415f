"""Accuracy of converted models.

Keypoints of each TFLite model against the Keras model, and the accuracy of
each.

    python tflite/accuracy.py --keras model.keras --data_dir DIR \
        exports/posegate_float32.tflite exports/posegate_qat.tflite ...

With `--data_dir` (TFRecords or a raw MPII/LSP root, e.g. `posegate
sample-data` output) every model is scored by the official protocol through
`keras_posegate.evaluation.evaluate` (crop, flip test, decoding and metric
shared with `posegate evaluate`). Without it, the same on `--num` synthetic
people that `posegate sample-data` renders into a temporary folder.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile

import numpy as np

from keras_posegate.datasets.info import DATASETS


def run_tflite(model: str | bytes, images: np.ndarray, threads: int = 2) -> np.ndarray:
    """Float heatmaps of a one-input, one-output TFLite model.

    Images are float in [0, 1] (see `keras_posegate.inference.TFLitePredictor`).

    Args:
        model: a `.tflite` path or the model's bytes.
        images: `(B, S, S, 3)` float images in [0, 1].
        threads: interpreter threads.

    Returns:
        `(B, H, W, J)` float32 heatmaps (dequantized for int8 models).
    """
    from keras_posegate.inference import TFLitePredictor

    return TFLitePredictor(model, num_threads=threads).heatmaps(
        np.asarray(images, np.float32)
    )


def compare_on_data(
    keras_model, tflite_models: dict, source, dataset: str = "mpii"
) -> dict:
    """The official metric of the Keras model and of each TFLite model.

    Also how far each TFLite model's keypoints are (original image pixels)
    from the Keras model's, on the same evaluation set.

    Args:
        keras_model: a Keras 3 model or a `.keras` path.
        tflite_models: name -> `.tflite` path.
        source: an evaluation source for `evaluate` (TFRecord directory or
            records).
        dataset: "mpii" (PCKh@0.5) or "lsp" (PCK@0.2).

    Returns:
        `{name: {"metric": name, "mean": %, "mean_px_to_keras": px}}`.
    """
    from keras_posegate.evaluation.evaluate import evaluate

    def run(model):
        result = evaluate(model, source, dataset)
        (main, *_) = result["metrics"].values()
        return main, result["predictions"]["joints"]

    main, reference = run(keras_model)
    report = {"keras": {"metric": main.metric, "mean": main.mean,
                        "mean_px_to_keras": 0.0}}  # fmt: skip
    for name, path in tflite_models.items():
        main, joints = run(path)
        report[name] = {
            "metric": main.metric,
            "mean": main.mean,
            "mean_px_to_keras": float(
                np.nanmean(np.linalg.norm(joints - reference, axis=-1))
            ),
        }
    return report


def main(argv: list[str] | None = None) -> int:
    """`python tflite/accuracy.py --keras M.keras [--data_dir D] A.tflite ...`."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keras", required=True, help="Keras 3 .keras model")
    parser.add_argument(
        "--data_dir", help="evaluation data: TFRecords or a raw MPII/LSP root"
    )
    parser.add_argument("--dataset", default="mpii", choices=DATASETS)
    parser.add_argument("--split", default=None, help="raw split (default valid/test)")
    parser.add_argument(
        "--num", type=int, default=64, help="synthetic people without --data_dir"
    )
    parser.add_argument("--seed", type=int, default=12345)
    parser.add_argument("tflite", nargs="+", help=".tflite models")
    args = parser.parse_args(argv)
    from keras_posegate.data.sources import VAL_SPLIT, resolve_eval_source
    from keras_posegate.datasets.synthetic import write_sample_dataset

    models = {os.path.basename(p): p for p in args.tflite}
    split = args.split or VAL_SPLIT[args.dataset]
    with tempfile.TemporaryDirectory() as scratch:
        data_dir = args.data_dir
        if not data_dir:
            data_dir = scratch
            write_sample_dataset(scratch, args.dataset, args.num, seed=args.seed)
        source = resolve_eval_source(args.dataset, data_dir, split)
        report = compare_on_data(args.keras, models, source, args.dataset)
    print(json.dumps(report, indent=2))
    return 0
