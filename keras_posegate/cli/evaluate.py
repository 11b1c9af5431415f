"""Evaluate a model by the official protocol (MPII PCKh, LSP PCK@0.2)."""

from __future__ import annotations

import sys

from absl import flags

from keras_posegate.cli import _validate
from keras_posegate.datasets.info import DATASETS

_MODEL = flags.DEFINE_string(
    "model",
    None,
    "A .keras file, a SavedModel directory or a .tflite file.",
    required=True,
)
_DATASET = flags.DEFINE_enum("dataset", "mpii", list(DATASETS), "Dataset and protocol.")
_DATA_DIR = flags.DEFINE_string(
    "data_dir", None, "Validation TFRecords, or a raw dataset root.", required=True
)
_SPLIT = flags.DEFINE_string("split", None, "Raw data split (default: valid/test).")
_FLIP = flags.DEFINE_bool("flip", True, "Flip test (--noflip to turn off).")
_BATCH = flags.DEFINE_integer("batch_size", 16, "Batch size.", lower_bound=1)
_PRED_OUT = flags.DEFINE_string(
    "predictions_out",
    None,
    "Path prefix for PREFIX.json (and PREFIX_pred.mat for MPII).",
)
_JSON = flags.DEFINE_string("json", None, "Write the metrics as JSON to this file.")


_validate.existing_data_dir("data_dir")


def main(argv):
    """Evaluate `--model` on `--data_dir` and print the metrics table.

    Also prints what the data reader skipped; writes the metrics as JSON to
    `--json` and the predictions to `--predictions_out` when those are given.

    Args:
        argv: unused (the program name, as absl passes it).
    """
    del argv
    from keras_posegate.data.sources import VAL_SPLIT, resolve_eval_source
    from keras_posegate.evaluation.evaluate import evaluate, metrics_json

    split = _SPLIT.value or VAL_SPLIT[_DATASET.value]
    source = resolve_eval_source(_DATASET.value, _DATA_DIR.value, split)
    result = evaluate(
        _MODEL.value, source, _DATASET.value, flip=_FLIP.value, batch_size=_BATCH.value,
        predictions_out=_PRED_OUT.value,
        split_label=f"{_DATA_DIR.value} ({split}, flip test {'on' if _FLIP.value else 'off'})",
    )  # fmt: skip
    print(result["table"])
    print(f"data: {result['skipped']}")
    if _JSON.value:
        from keras_posegate.fileio import atomic_write_text

        atomic_write_text(_JSON.value, metrics_json(result["metrics"]))
        print(f"metrics written to {_JSON.value}", file=sys.stderr)
