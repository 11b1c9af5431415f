"""The whole job end to end on built-in synthetic data (what `make demo` runs).

Writes a synthetic MPII-format dataset (official file formats), converts it to
TFRecords, trains a model with model.fit, evaluates it by the official PCKh
protocol (the paper's Table V layout), fine-tunes it quantization-aware and
exports float32 and all-int8 TFLite models and a SavedModel, checks TFLite
against Keras (PCKh, int8 audit, latency, size), draws predicted skeletons on
held-out images and the learned gates (paper Fig. 3), and writes summary.json.
Offline; the defaults take under 10 minutes on 2 CPU cores.
"""

from __future__ import annotations

from absl import flags

from keras_posegate.cli import _validate
from keras_posegate.demo import DemoConfig

_D = DemoConfig()
_OUT = flags.DEFINE_string("out", _D.out_dir, "Where everything goes.")
_PRESET = flags.DEFINE_string("preset", _D.preset, "Model preset.")
_NUM = flags.DEFINE_integer(
    "num_images", _D.num_images, "Synthetic images to write.", lower_bound=1
)
_EPOCHS = flags.DEFINE_integer(
    "epochs", _D.epochs, "Passes over the training people.", lower_bound=1
)
_CHECKS = flags.DEFINE_integer(
    "checks", _D.checks, "Validations + checkpoints over the run (model.fit epochs).",
    lower_bound=1,
)  # fmt: skip
_BATCH = flags.DEFINE_integer("batch_size", _D.batch_size, "Batch size.", lower_bound=1)
_LR = flags.DEFINE_float("learning_rate", _D.learning_rate, "Training learning rate.")
_FG = flags.DEFINE_float(
    "foreground_weight", _D.foreground_weight,
    "Heatmap loss pixel weights 1 + w * target (0: the paper's MSE).",
)  # fmt: skip
_SCHEDULE = flags.DEFINE_enum(
    "lr_schedule",
    _D.lr_schedule,
    ["cosine", "step"],
    "cosine: warm-up then per-step cosine to 0; step: late drops.",
)
_QAT_EPOCHS = flags.DEFINE_integer(
    "qat_epochs", _D.qat_epochs, "QAT fine-tuning epochs."
)
_QAT_LR = flags.DEFINE_float(
    "qat_learning_rate", _D.qat_learning_rate, "QAT learning rate."
)
_OVERLAYS = flags.DEFINE_integer("num_overlays", _D.num_overlays, "Images to predict.")
_SEED = flags.DEFINE_integer("seed", _D.seed, "Random seed.")

_validate.positive("learning_rate", "qat_learning_rate")
_validate.non_negative("foreground_weight")


def main(argv):
    """Run the end-to-end demo (`run_demo`) with the settings given by the flags.

    Args:
        argv: unused (the program name, as absl passes it).
    """
    del argv
    from keras_posegate.demo import run_demo

    run_demo(DemoConfig(
        out_dir=_OUT.value, preset=_PRESET.value, num_images=_NUM.value,
        epochs=_EPOCHS.value, checks=_CHECKS.value, batch_size=_BATCH.value, learning_rate=_LR.value,
        foreground_weight=_FG.value, lr_schedule=_SCHEDULE.value, qat_epochs=_QAT_EPOCHS.value, qat_learning_rate=_QAT_LR.value,
        num_overlays=_OVERLAYS.value, seed=_SEED.value,
    ))  # fmt: skip
