"""Quantization-aware fine-tuning of a trained model (tfmot, own process)."""

from __future__ import annotations

import contextlib
import json

from absl import flags

from keras_posegate.cli import _validate
from keras_posegate.datasets.info import DATASETS
from keras_posegate.export.tflite import IO_DTYPES

_MODEL = flags.DEFINE_string("model", None, "Trained Keras 3 .keras model.")
_OUTPUT = flags.DEFINE_string(
    "output", "exports/posegate_qat", "QAT checkpoint prefix (.weights.h5, .qat.json)."
)
_DATA_DIR = flags.DEFINE_string(
    "data_dir", None, "TFRecord directory (posegate prepare) to fine-tune on."
)
_DATASET = flags.DEFINE_enum("dataset", "mpii", list(DATASETS), "Joint layout.")
_EPOCHS = flags.DEFINE_integer("epochs", 3, "Fine-tuning epochs.", lower_bound=1)
_LR = flags.DEFINE_float("learning_rate", 1e-5, "Fine-tuning learning rate.")
_STEPS = flags.DEFINE_integer(
    "steps_per_epoch", None, "Batches per epoch.", lower_bound=1
)
_BATCH = flags.DEFINE_integer("batch_size", 8, "Batch size.", lower_bound=1)
_SYNTHETIC = flags.DEFINE_integer(
    "synthetic_batches", 0, "Fine-tune on synthetic batches instead (smoke test)."
)
_TFLITE_DIR = flags.DEFINE_string(
    "tflite_dir", None,
    "Also write posegate_qat.tflite (+ .json) here, as `posegate export "
    "--quantization qat` would from the checkpoint.",
)  # fmt: skip
_IO = flags.DEFINE_enum(
    "io_dtype", "int8", list(IO_DTYPES), "--tflite_dir: input/output type."
)
_PRESET = flags.DEFINE_string(
    "preset", None, "--tflite_dir: preset name for the metadata."
)
_CALIBRATION = flags.DEFINE_integer(
    "calibration_batches", 8,
    "Batches that set the activation ranges before fine-tuning (0: tfmot's [-6, 6]).",
    lower_bound=0,
)  # fmt: skip
flags.mark_flag_as_required("model")


def training_dataset(config, num_stacks: int, scope: contextlib.ExitStack):
    """Build the fine-tuning `tf.data.Dataset` the flags ask for.

    `--synthetic_batches N` gives N batches of rendered synthetic people;
    otherwise the training pipeline reads `--data_dir`.

    Args:
        config: the model's config record (its `input_size` is used).
        num_stacks: the model's stacks (one heatmap target each).
        scope: keeps the synthetic images on disk while the dataset is used.

    Returns:
        A batched `tf.data.Dataset` of training examples.

    Raises:
        flags.ValidationError: neither `--data_dir` nor `--synthetic_batches`.
    """
    if _SYNTHETIC.value:
        from keras_posegate.data.samples import sample_dataset

        # A quarter of the rendered people go to validation: render more.
        n = 2 * _SYNTHETIC.value * _BATCH.value
        return scope.enter_context(
            sample_dataset(config.input_size, num_stacks, n, _BATCH.value,
                           _DATASET.value, training=True)
        ).take(_SYNTHETIC.value)  # fmt: skip
    if not _DATA_DIR.value:
        raise flags.ValidationError("give --data_dir or --synthetic_batches")
    # The training pipeline (keras_posegate.data), imported only when used.
    from keras_posegate.codec import HeatmapCodec
    from keras_posegate.data.pipeline import build_dataset
    from keras_posegate.datasets.info import get_info

    return build_dataset(
        _DATA_DIR.value,
        get_info(_DATASET.value),
        HeatmapCodec(input_size=config.input_size),
        num_stacks=num_stacks,
        batch_size=_BATCH.value,
        training=True,
    )


_validate.positive("learning_rate")
_validate.existing_data_dir("data_dir")
_validate.output_dir("tflite_dir")


def main(argv):
    """Fine-tune `--model` quantization-aware; print the report as JSON.

    The QAT checkpoint is written at the `--output` prefix.

    Args:
        argv: unused (the program name, as absl passes it).

    Raises:
        flags.ValidationError: neither `--data_dir` nor `--synthetic_batches`.
    """
    del argv
    if not _SYNTHETIC.value and not _DATA_DIR.value:  # before the model is read
        raise flags.ValidationError("give --data_dir or --synthetic_batches")

    from keras_posegate.models.saving import load_keras_model, size_training_threads

    size_training_threads(_MODEL.value, _BATCH.value)  # fine-tuning is training
    # Keras 3 reads the model first; tfmot is imported afterwards, in qat.quantize.
    model = load_keras_model(_MODEL.value)
    from keras_posegate.quantization.qat import quantize_trained_model

    with contextlib.ExitStack() as scope:
        config = model.config_record
        dataset = training_dataset(config, config.num_stacks, scope)
        report = quantize_trained_model(
            model, dataset, _OUTPUT.value, _EPOCHS.value, _LR.value, _STEPS.value,
            tflite_dir=_TFLITE_DIR.value, io_dtype=_IO.value, preset=_PRESET.value,
            dataset_name=_DATASET.value, calibration_batches=_CALIBRATION.value,
        )  # fmt: skip
    print(json.dumps(report, indent=2))
