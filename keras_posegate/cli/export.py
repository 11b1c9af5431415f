"""Export a trained model: TFLite (float32/float16/int8/qat) or TF Serving SavedModel.

The SavedModel comes with warm-up requests, models.config and
batching_parameters.txt.
"""

from __future__ import annotations

import contextlib
import json
import os

from absl import flags

from keras_posegate.cli import _validate
from keras_posegate.datasets.info import DATASETS
from keras_posegate.export.tflite import IO_DTYPES, QUANTIZATIONS

_MODEL = flags.DEFINE_string("model", None, "Trained Keras 3 .keras model.")
_FORMAT = flags.DEFINE_enum("format", "tflite", ["tflite", "saved_model"], "Format.")
_QUANT = flags.DEFINE_enum("quantization", "float32", list(QUANTIZATIONS), "TFLite.")
_IO = flags.DEFINE_enum(
    "io_dtype", "float32", list(IO_DTYPES), "TFLite input/output type (int models)."
)
_QAT = flags.DEFINE_string(
    "qat_checkpoint", "exports/posegate_qat", "QAT prefix (posegate quantize)."
)
_OUT = flags.DEFINE_string("export_dir", "exports", "Output folder.")
_NAME = flags.DEFINE_string("name", "posegate", "SavedModel name (DIR/NAME/<v>/).")
_VERSION = flags.DEFINE_integer(
    "version", None, "SavedModel version (default next).", lower_bound=1
)
_WARMUP = flags.DEFINE_bool(
    "warmup", True, "SavedModel: write assets.extra/tf_serving_warmup_requests."
)
_PRESET = flags.DEFINE_string("preset", None, "Preset name for the metadata.")
_DATASET = flags.DEFINE_enum("dataset", "mpii", list(DATASETS), "Joint layout.")
_DATA_DIR = flags.DEFINE_string(
    "data_dir", None, "TFRecords for the int8 representative dataset."
)
_REPR = flags.DEFINE_integer(
    "representative_batches", 16, "int8 calibration batches.", lower_bound=1
)
_SYNTHETIC = flags.DEFINE_bool(
    "synthetic", False, "Calibrate int8 on synthetic images (smoke test)."
)


def _representative(config, scope: contextlib.ExitStack):
    """The int8 calibration callable; `scope` keeps synthetic data alive."""
    from keras_posegate.export.tflite import representative_from_dataset

    if _SYNTHETIC.value:
        from keras_posegate.data.samples import sample_dataset

        dataset = scope.enter_context(
            sample_dataset(config.input_size, config.num_stacks, 8 * _REPR.value,
                           8, _DATASET.value, training=False)
        )  # fmt: skip
    elif _DATA_DIR.value:
        from keras_posegate.codec import HeatmapCodec
        from keras_posegate.data.pipeline import build_dataset
        from keras_posegate.datasets.info import get_info

        dataset = build_dataset(
            _DATA_DIR.value, get_info(_DATASET.value),
            HeatmapCodec(input_size=config.input_size), num_stacks=config.num_stacks,
            batch_size=8, training=False,
        )  # fmt: skip
    else:
        raise flags.ValidationError("int8 needs --data_dir (or --synthetic)")
    return representative_from_dataset(dataset, _REPR.value)


def _export_qat() -> bytes:
    # tfmot switches this process to Keras 2: nothing Keras 3 runs after this.
    from keras_posegate.export.tflite import convert_qat
    from keras_posegate.quantization.qat import load_qat

    qat_model, _ = load_qat(_QAT.value)
    return convert_qat(qat_model, _IO.value)


_validate.existing_data_dir("data_dir")


def main(argv):
    """Export a model in the format the flags choose; print the paths as JSON.

    `--quantization qat` converts the QAT checkpoint `--qat_checkpoint` to
    TFLite; otherwise `--model` becomes a SavedModel (with warm-up requests and
    the serving config files) or a TFLite file (int8 calibrated on `--data_dir`
    or, with `--synthetic`, on synthetic images).

    Args:
        argv: unused (the program name, as absl passes it).

    Raises:
        flags.ValidationError: `--model` is missing, or int8 has no data.
    """
    del argv
    from keras_posegate.export import tflite

    if _FORMAT.value == "tflite" and _QUANT.value == "qat":
        tflite.check_options("qat", _IO.value)
        content = _export_qat()
    else:
        from keras_posegate.models.saving import load_keras_model

        if _MODEL.value is None:
            raise flags.ValidationError("--model is required")
        model = load_keras_model(_MODEL.value)
        if _FORMAT.value == "saved_model":
            from keras_posegate.export.saved_model import export_saved_model
            from keras_posegate.serving.configs import (
                BATCHING_PARAMETERS,
                MODELS_CONFIG,
            )
            from keras_posegate.serving.warmup import WARMUP_FILE

            path = export_saved_model(
                model, _OUT.value, _NAME.value, _VERSION.value, _WARMUP.value
            )
            out = {"saved_model": os.path.abspath(path)}
            if _WARMUP.value:
                out["warmup"] = os.path.abspath(os.path.join(path, WARMUP_FILE))
            for key, name in (("models_config", MODELS_CONFIG),
                              ("batching_parameters", BATCHING_PARAMETERS)):  # fmt: skip
                out[key] = os.path.abspath(os.path.join(_OUT.value, name))
            print(json.dumps(out))
            return
        tflite.check_options(_QUANT.value, _IO.value)
        with contextlib.ExitStack() as scope:
            repr_fn = None
            if _QUANT.value == "int8":
                repr_fn = _representative(model.config_record, scope)
            content = tflite.convert_keras(model, _QUANT.value, repr_fn, _IO.value)
    path, meta = tflite.write_tflite(
        content, _OUT.value, _QUANT.value, _PRESET.value, _DATASET.value
    )
    print(json.dumps({"tflite": path, "metadata": meta, "bytes": len(content)}))
