"""Train a model with model.fit (the paper's recipe by default); resumable.

`posegate train --model_dir DIR` alone resumes the run in DIR with its saved
`train_config.json` (other flags are then ignored). Exit codes: 0 done,
2 unusable `--model_dir` or flags, 3 the loss became NaN (the last good epoch
is kept; rerun to resume from it after fixing the cause).

`--backend jax|torch|tensorflow` picks the Keras 3 backend of the run (the
input pipeline is tf.data on all three; checkpoints are backend-neutral, so a
run can resume on another backend); `--strategy mirrored|multi_worker` is
TensorFlow only.
"""

from __future__ import annotations

import os
import sys

from absl import flags

from keras_posegate.models.presets import preset_names

_PRESET = flags.DEFINE_enum("preset", "posegate_4x144", preset_names(), "Model preset.")
_DATASET = flags.DEFINE_enum("dataset", "mpii", ["mpii", "lsp"], "Dataset.")
_DATA_DIR = flags.DEFINE_string(
    "data_dir",
    None,
    "TFRecords (posegate prepare) or raw root; comma-separated for a union "
    "(e.g. LSP,LSP-extended: validation comes from the first with one).",
)
_MODEL_DIR = flags.DEFINE_string(
    "model_dir", None, "Checkpoints, logs, config.", required=True
)
_EPOCHS = flags.DEFINE_integer("epochs", 200, "Epochs (LR drops scale with it).")
_BATCH = flags.DEFINE_integer("batch_size", 24, "Global batch size.")
_LR = flags.DEFINE_float("learning_rate", 2.5e-4, "Initial RMSprop learning rate.")
_DROPS = flags.DEFINE_list(
    "lr_drops",
    ["75", "100", "150"],
    "Epochs of a 200-epoch run at which the rate drops; scaled to --epochs.",
)
_STEPS = flags.DEFINE_integer("steps_per_epoch", None, "Cap on steps per epoch.")
_GATE = flags.DEFINE_enum(
    "gate",
    None,
    ["channel", "scalar", "fixed", "identity"],
    "Gate ablation (Table II).",
)
_GATE_VALUE = flags.DEFINE_float(
    "gate_value", None, "alpha of --gate=fixed (0.5, 0.1)."
)
_FUSION = flags.DEFINE_enum(
    "fusion", None, ["concat", "concat_grouped", "sum"], "Fusion ablation (Table IV)."
)
_INIT = flags.DEFINE_string("init_from", None, "A .keras model to fine-tune from.")
_MIXED = flags.DEFINE_bool("mixed_precision", False, "float16 (GPU) / bfloat16 (CPU).")
_JIT = flags.DEFINE_bool("jit_compile", False, "XLA-compile the train step.")
_STRATEGY = flags.DEFINE_enum(
    "strategy",
    "default",
    ["default", "mirrored", "multi_worker"],
    "tf.distribute strategy.",
)
flags.DEFINE_enum(
    "backend",
    "tensorflow",
    ["tensorflow", "jax", "torch"],
    "Keras 3 backend (read before Keras loads; JAX always XLA-compiles the step).",
)
_SEED = flags.DEFINE_integer("seed", 0, "Random seed.")
_VAL_FLIP = flags.DEFINE_bool(
    "val_flip", False, "Flip test in the per-epoch validation."
)


def _valid_drops(values: list[str]) -> bool:
    try:
        return all(0 < int(v) < 200 for v in values)
    except ValueError:
        return False


flags.register_validator(
    "lr_drops", _valid_drops, "--lr_drops must be integers in 1..199 (out of 200)."
)


def main(argv):
    del argv
    from keras_posegate.backends import TensorFlowOnly
    from keras_posegate.training import TrainConfig, train
    from keras_posegate.training.config import CONFIG_FILE
    from keras_posegate.training.trainer import TrainingDiverged, check_model_dir

    model_dir = _MODEL_DIR.value
    try:
        check_model_dir(model_dir)
    except OSError as e:
        print(f"posegate train: {e}", file=sys.stderr)
        sys.exit(2)
    if os.path.isfile(os.path.join(model_dir, CONFIG_FILE)):
        config = TrainConfig.load(model_dir)
        print(f"Resuming the run in {model_dir} with its saved configuration.")
    else:
        if not _DATA_DIR.value:
            print(
                "posegate train: --data_dir is required for a new run", file=sys.stderr
            )
            sys.exit(2)
        config = TrainConfig(
            preset=_PRESET.value, dataset=_DATASET.value, data_dir=_DATA_DIR.value,
            model_dir=model_dir, epochs=_EPOCHS.value, batch_size=_BATCH.value,
            learning_rate=_LR.value, lr_drop_epochs=tuple(int(e) for e in _DROPS.value),
            steps_per_epoch=_STEPS.value, gate=_GATE.value,
            gate_value=_GATE_VALUE.value, fusion=_FUSION.value, init_from=_INIT.value,
            mixed_precision=_MIXED.value, jit_compile=_JIT.value,
            strategy=_STRATEGY.value, seed=_SEED.value, val_flip=_VAL_FLIP.value,
        )  # fmt: skip
    try:
        history = train(config)
    except TensorFlowOnly as e:
        print(f"posegate train: {e}", file=sys.stderr)
        sys.exit(2)
    except TrainingDiverged as e:
        print(f"posegate train: {e}", file=sys.stderr)
        sys.exit(3)
    if history is not None:
        print(f"Done. Models: {os.path.join(model_dir, 'best.keras')}, last.keras")
