"""Accuracy of converted models: keypoints of each TFLite model against the
Keras model, and the accuracy of each.

    python tflite/accuracy.py --keras model.keras --data_dir DIR \
        exports/posegate_float32.tflite exports/posegate_qat.tflite ...

With `--data_dir` (TFRecords or a raw MPII/LSP root, e.g. `posegate
sample-data` output) every model is scored by the official protocol through
`keras_posegate.evaluation.evaluate` (crop, flip test, decoding and metric
shared with `posegate evaluate`). Without it, a quick in-memory check on the
disc set of `keras_posegate.quantization.synthetic` (head box of side S / 8,
so PCKh@0.5 accepts errors up to 0.3 * sqrt(2) * S / 8).
"""

from __future__ import annotations

import argparse
import json
import os
import sys

import numpy as np

from keras_posegate.models.posegate_model import final_heatmaps


def run_tflite(model: str | bytes, images: np.ndarray, threads: int = 2) -> np.ndarray:
    """Float heatmaps of a one-input, one-output TFLite model for float images in
    [0, 1] (see `keras_posegate.inference.TFLitePredictor`)."""
    from keras_posegate.inference import TFLitePredictor

    return TFLitePredictor(model, num_threads=threads).heatmaps(
        np.asarray(images, np.float32)
    )


def keypoints(heatmaps: np.ndarray, input_size: int) -> np.ndarray:
    """`(N, J, 2)` keypoints in input pixels from `(N, H, W, J)` heatmaps."""
    from keras_posegate.codec import HeatmapCodec

    codec = HeatmapCodec(input_size=input_size)
    coords, _ = codec.decode(heatmaps)
    return codec.heatmap_to_input(coords)


def compare(keras_model, tflite_models: dict, examples: dict) -> dict:
    """PCKh@0.5 of the Keras model and of each TFLite model, and how far each
    TFLite model's keypoints are from the Keras model's.

    Args:
        keras_model: the Keras 3 `PoseGateModel`.
        tflite_models: name -> path or flatbuffer bytes.
        examples: `synthetic.make_examples(...)` output.

    Returns:
        `{name: {"pckh": %, "mean_px_to_keras": px}}`, with "keras" included.
    """
    from keras_posegate.evaluation.metrics import pckh

    images, size = examples["images"], examples["images"].shape[1]
    hm = final_heatmaps(keras_model.predict(images, batch_size=16, verbose=0))
    reference = keypoints(hm, size)
    gt, boxes = examples["joints"], examples["head_boxes"]
    report = {"keras": {"pckh": pckh(reference, gt, boxes).mean,
                        "mean_px_to_keras": 0.0}}  # fmt: skip
    for name, model in tflite_models.items():
        pred = keypoints(run_tflite(model, images), size)
        report[name] = {
            "pckh": pckh(pred, gt, boxes).mean,
            "mean_px_to_keras": float(np.linalg.norm(pred - reference, axis=-1).mean()),
        }
    return report


def compare_on_data(
    keras_model, tflite_models: dict, source, dataset: str = "mpii"
) -> dict:
    """The official metric of the Keras model and of each TFLite model on an
    evaluation set, and how far each TFLite model's keypoints are (original
    image pixels) from the Keras model's.

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
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keras", required=True, help="Keras 3 .keras model")
    parser.add_argument(
        "--data_dir", help="evaluation data: TFRecords or a raw MPII/LSP root"
    )
    parser.add_argument("--dataset", default="mpii", choices=("mpii", "lsp"))
    parser.add_argument("--split", default=None, help="raw split (default valid/test)")
    parser.add_argument(
        "--num", type=int, default=256, help="disc examples without --data_dir"
    )
    parser.add_argument("--seed", type=int, default=12345)
    parser.add_argument("tflite", nargs="+", help=".tflite models")
    args = parser.parse_args(argv)
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    import keras

    import keras_posegate.models  # noqa: F401
    from keras_posegate.quantization.synthetic import make_examples

    models = {os.path.basename(p): p for p in args.tflite}
    if args.data_dir:
        from keras_posegate.data.sources import VAL_SPLIT, resolve_eval_source

        split = args.split or VAL_SPLIT[args.dataset]
        source = resolve_eval_source(args.dataset, args.data_dir, split)
        report = compare_on_data(args.keras, models, source, args.dataset)
        print(json.dumps(report, indent=2))
        return 0
    model = keras.saving.load_model(args.keras, compile=False)
    cfg = model.config_record
    examples = make_examples(args.num, cfg.input_size, cfg.num_joints, args.seed)
    print(json.dumps(compare(model, models, examples), indent=2))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    sys.exit(main())
