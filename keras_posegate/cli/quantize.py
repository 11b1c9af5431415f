"""Quantization-aware fine-tuning of a trained model (tfmot, own process)."""

from __future__ import annotations

import json

from absl import flags

from keras_posegate.cli import _validate

_MODEL = flags.DEFINE_string("model", None, "Trained Keras 3 .keras model.")
_OUTPUT = flags.DEFINE_string(
    "output", "exports/posegate_qat", "QAT checkpoint prefix (.weights.h5, .qat.json)."
)
_DATA_DIR = flags.DEFINE_string(
    "data_dir", None, "TFRecord directory (posegate prepare) to fine-tune on."
)
_DATASET = flags.DEFINE_enum("dataset", "mpii", ["mpii", "lsp"], "Joint layout.")
_EPOCHS = flags.DEFINE_integer("epochs", 3, "Fine-tuning epochs.", lower_bound=1)
_LR = flags.DEFINE_float("learning_rate", 1e-5, "Fine-tuning learning rate.")
_STEPS = flags.DEFINE_integer(
    "steps_per_epoch", None, "Batches per epoch.", lower_bound=1
)
_BATCH = flags.DEFINE_integer("batch_size", 8, "Batch size.", lower_bound=1)
_SYNTHETIC = flags.DEFINE_integer(
    "synthetic_batches", 0, "Fine-tune on synthetic batches instead (smoke test)."
)
flags.mark_flag_as_required("model")


def training_dataset(config, num_stacks: int):
    """The fine-tuning `tf.data.Dataset` from the flags."""
    if _SYNTHETIC.value:
        from keras_posegate.quantization.synthetic import make_dataset, make_examples

        n = _SYNTHETIC.value * _BATCH.value
        examples = make_examples(n, config.input_size, config.num_joints)
        return make_dataset(examples, num_stacks, _BATCH.value)
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


def main(argv):
    del argv
    if not _SYNTHETIC.value and not _DATA_DIR.value:  # before the model is read
        raise flags.ValidationError("give --data_dir or --synthetic_batches")

    import keras_posegate.models  # noqa: F401  (registers the Keras 3 classes)

    # Keras 3 reads the model first; tfmot is imported afterwards, in qat.quantize.
    from keras_posegate.evaluation.evaluate import load_keras_model

    model = load_keras_model(_MODEL.value, compile=False)
    from keras_posegate.quantization.qat import quantize_trained_model

    dataset = training_dataset(model.config_record, model.config_record.num_stacks)
    report = quantize_trained_model(
        model, dataset, _OUTPUT.value, _EPOCHS.value, _LR.value, _STEPS.value
    )
    print(json.dumps(report, indent=2))
