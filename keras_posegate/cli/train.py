"""Train a model with model.fit (the paper's recipe by default); resumable.

`posegate train --model_dir DIR` alone resumes the run in DIR with its saved
`train_config.json`. Flags given on a resume must match it, or the run is
refused naming them; `--override` resumes with the new values instead (for
example `--epochs 300`, or a lower `--learning_rate` after a NaN). A run that
never completed an epoch starts over, with the flags given replacing the
saved ones. One run at a time per `--model_dir` (a lock file names the
holder's pid). Exit codes: 0 done, 2 unusable `--model_dir` or flags (locked,
flags differ, disk full), 3 the loss became NaN (the message says what is
kept and how to resume).

`--backend jax|torch|tensorflow` picks the Keras 3 backend of the run (the
input pipeline is tf.data on all three; checkpoints are backend-neutral, so a
run can resume on another backend); `--strategy mirrored|multi_worker` is
TensorFlow only (one line, exit 2, on another backend).
"""

from __future__ import annotations

import contextlib
import os
import sys

from absl import flags

from keras_posegate.cli import _validate
from keras_posegate.data.augment import WARPS
from keras_posegate.datasets.info import DATASETS
from keras_posegate.models.config import FUSIONS, GATE_MODES
from keras_posegate.models.presets import preset_names

_PRESET = flags.DEFINE_enum("preset", "posegate_4x144", preset_names(), "Model preset.")
_DATASET = flags.DEFINE_enum("dataset", "mpii", list(DATASETS), "Dataset.")
_DATA_DIR = flags.DEFINE_string(
    "data_dir",
    None,
    "TFRecords (posegate prepare) or raw root; comma-separated for a union "
    "(e.g. LSP,LSP-extended: validation comes from the first with one).",
)
_MODEL_DIR = flags.DEFINE_string(
    "model_dir", None, "Checkpoints, logs, config.", required=True
)
_EPOCHS = flags.DEFINE_integer(
    "epochs", 200, "Epochs (LR drops scale with it).", lower_bound=1
)
_BATCH = flags.DEFINE_integer("batch_size", 24, "Global batch size.", lower_bound=1)
_LR = flags.DEFINE_float("learning_rate", 2.5e-4, "Initial RMSprop learning rate.")
_FG = flags.DEFINE_float(
    "foreground_weight", 0.0,
    "Heatmap loss pixel weights 1 + w * target (0: the paper's MSE; the demo "
    "uses 40).",
)  # fmt: skip
_DROPS = flags.DEFINE_list(
    "lr_drops",
    ["75", "100", "150"],
    "Epochs of a 200-epoch run at which the rate drops; scaled to --epochs.",
)
_STEPS = flags.DEFINE_integer(
    "steps_per_epoch", None, "Cap on steps per epoch.", lower_bound=1
)
_GATE = flags.DEFINE_enum(
    "gate",
    None,
    list(GATE_MODES),
    "Gate ablation (Table II).",
)
_GATE_VALUE = flags.DEFINE_float(
    "gate_value", None, "alpha of --gate=fixed (0.5, 0.1)."
)
_FUSION = flags.DEFINE_enum(
    "fusion", None, list(FUSIONS), "Fusion ablation (Table IV)."
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
_CACHE = flags.DEFINE_bool(
    "cache_images", False,
    "Decode every image once and keep them in memory (datasets that fit in RAM).",
)  # fmt: skip
_WARP = flags.DEFINE_enum(
    "warp", "tensorflow", list(WARPS),
    "How training crops are warped: opencv is 2-3x faster, within 5 grey levels "
    "of TensorFlow's op (validation, evaluation and serving use TensorFlow's).",
)  # fmt: skip
_OVERRIDE = flags.DEFINE_bool(
    "override",
    False,
    "Resume with the flags given where they differ from the saved configuration "
    "(not those that define the model).",
)

# TrainConfig field -> its flag, for the flags that set one.
_FIELDS = {
    "preset": _PRESET, "dataset": _DATASET, "data_dir": _DATA_DIR,
    "epochs": _EPOCHS, "batch_size": _BATCH, "learning_rate": _LR,
    "lr_drop_epochs": _DROPS, "steps_per_epoch": _STEPS, "gate": _GATE,
    "gate_value": _GATE_VALUE, "fusion": _FUSION, "init_from": _INIT,
    "mixed_precision": _MIXED, "jit_compile": _JIT, "strategy": _STRATEGY,
    "seed": _SEED, "val_flip": _VAL_FLIP, "cache_images": _CACHE,
    "warp": _WARP, "foreground_weight": _FG,
}  # fmt: skip

_validate.positive("learning_rate")
_validate.non_negative("foreground_weight")
_validate.existing_data_dir("data_dir")


def _valid_drops(values: list[str]) -> bool:
    try:
        return all(0 < int(v) < 200 for v in values)
    except ValueError:
        return False


flags.register_validator(
    "lr_drops", _valid_drops, "--lr_drops must be integers in 1..199 (out of 200)."
)


def _fail(message: str) -> None:
    print(f"posegate train: error: {message}", file=sys.stderr)
    sys.exit(2)


def main(argv):
    """Train, or resume, the run in `--model_dir` with the settings of the flags.

    One line on stderr and exit status 3 when the loss became NaN, 2 when the
    run is refused (locked, flags that differ from the saved ones, disk full,
    an unusable `--model_dir`).

    Args:
        argv: unused (the program name, as absl passes it).
    """
    del argv
    from keras_posegate.training import train
    from keras_posegate.training.errors import (
        NotEnoughSpace,
        RunRefused,
        TrainingDiverged,
    )
    from keras_posegate.training.multi_worker import is_chief_process
    from keras_posegate.training.resume import plan_run
    from keras_posegate.training.run_dir import check_model_dir, lock_model_dir

    model_dir = _MODEL_DIR.value
    fields = {name: holder.value for name, holder in _FIELDS.items()}
    fields["lr_drop_epochs"] = tuple(int(e) for e in _DROPS.value)
    given = [name for name, holder in _FIELDS.items() if holder.present]
    try:
        check_model_dir(model_dir)
        chief = is_chief_process(_STRATEGY.value)
        with lock_model_dir(model_dir) if chief else contextlib.nullcontext():
            config, note = plan_run(model_dir, fields, given, _OVERRIDE.value)
            if note:
                print(note)
            history = train(config)
    except TrainingDiverged as e:
        print(f"posegate train: {e}", file=sys.stderr)
        sys.exit(3)
    except (RunRefused, NotEnoughSpace) as e:
        _fail(str(e))
    except OSError as e:
        if model_dir not in str(e):
            raise
        _fail(str(e))
    if history is not None:
        print(f"Done. Models: {os.path.join(model_dir, 'best.keras')}, last.keras")
