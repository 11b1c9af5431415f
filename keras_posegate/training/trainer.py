"""`train(config)`: the paper's recipe through `model.fit`, resumable.

Resume: `BackupAndRestore` keeps the weights, optimizer and epoch in
`MODEL_DIR/backup/`; rerunning with the same `model_dir` continues at the epoch
that was interrupted (the learning rate follows the epoch, so the schedule is
unchanged) and `history.csv` keeps each epoch once. The backup is kept after
the last epoch, so rerunning a finished run does nothing. A NaN loss raises
(`TerminateOnNaN(raise_error=True)`), which keeps the backup and `last.keras`
of the last good epoch, and the run stops with `TrainingDiverged`.

Backends: the process's Keras backend trains (TensorFlow, JAX or PyTorch), fed
by the same `tf.data` pipeline; checkpoints (`.keras`, `.weights.h5`) are
backend-neutral, so a run may resume on another backend. The `mirrored` and
`multi_worker` strategies are `tf.distribute`, TensorFlow only.
"""

from __future__ import annotations

import contextlib
import os
import shutil

import keras

from keras_posegate import backends
from keras_posegate.codec import HeatmapCodec
from keras_posegate.datasets.info import get_info
from keras_posegate.training import callbacks as cb
from keras_posegate.training.config import TrainConfig
from keras_posegate.training.data import train_and_val_datasets
from keras_posegate.training.distribute import make_strategy
from keras_posegate.training.history import BACKUP_DIR, backup_epoch, trim_history
from keras_posegate.training.schedule import learning_rate

MIN_FREE_BYTES = 200 * 1024**2


class TrainingDiverged(RuntimeError):
    """The loss became NaN; the last good epoch is kept in the backup."""


def check_model_dir(model_dir: str) -> None:
    """Fail early, with a clear message, if `model_dir` cannot take checkpoints."""
    try:
        os.makedirs(model_dir, exist_ok=True)
        probe = os.path.join(model_dir, ".write-probe")
        with open(probe, "w") as f:
            f.write("ok")
        os.remove(probe)
    except OSError as e:
        raise OSError(
            f"{model_dir}: cannot write checkpoints there ({e.strerror})."
        ) from e
    free = shutil.disk_usage(model_dir).free
    if free < MIN_FREE_BYTES:
        raise OSError(
            f"{model_dir}: only {free / 1024**2:.0f} MiB free; training needs at least "
            f"{MIN_FREE_BYTES / 1024**2:.0f} MiB for checkpoints."
        )


def build_model(config: TrainConfig):
    """The preset's model (with dataset and ablation overrides), or `init_from`."""
    from keras_posegate.models import PoseGateModel

    if config.init_from:
        from keras_posegate.evaluation.evaluate import load_keras_model

        model = load_keras_model(config.init_from)
        if model.num_joints != config.model_overrides()["num_joints"]:
            raise ValueError(
                f"{config.init_from}: predicts {model.num_joints} joints, dataset "
                f"{config.dataset} needs {config.model_overrides()['num_joints']}."
            )
        return model
    return PoseGateModel.from_preset(config.preset, **config.model_overrides())


def compile_model(model, config: TrainConfig) -> None:
    from keras_posegate.losses import MaskedHeatmapMSE

    model.compile(
        optimizer=keras.optimizers.RMSprop(config.learning_rate),
        loss=[MaskedHeatmapMSE() for _ in model.outputs],
        jit_compile=backends.jit_compile_for(config.jit_compile),
    )


def epoch_learning_rate(config: TrainConfig, epoch: int) -> float:
    """The learning rate of a 0-based `epoch` under `config`'s schedule."""
    return learning_rate(
        epoch, config.epochs, config.learning_rate,
        config.final_learning_rate, config.lr_drop_epochs,
    )  # fmt: skip


def _callbacks(config: TrainConfig, val_ds, codec, info, counter) -> list:
    from keras_posegate.data import SkipReport

    def schedule(epoch, lr):
        return epoch_learning_rate(config, epoch)

    found = [SkipReport(counter), keras.callbacks.LearningRateScheduler(schedule)]
    if val_ds is not None:
        found.append(cb.ValidationPCK(val_ds, codec, info, config.val_flip))
    return found + [
        keras.callbacks.TerminateOnNaN(raise_error=True),
        cb.AtomicCheckpoints(
            config.model_dir, "val_pck" if val_ds is not None else "loss"
        ),
        keras.callbacks.CSVLogger(
            os.path.join(config.model_dir, "history.csv"), append=True
        ),
        keras.callbacks.TensorBoard(os.path.join(config.model_dir, "logs")),
        keras.callbacks.BackupAndRestore(
            os.path.join(config.model_dir, BACKUP_DIR),
            double_checkpoint=True,
            delete_checkpoint=False,
        ),  # fmt: skip
    ]


def _is_nan_stop(error: RuntimeError) -> bool:
    """Whether `error` is `TerminateOnNaN(raise_error=True)`'s."""
    return "NaN or Inf loss" in str(error)


def train(
    config: TrainConfig,
    verbose: int | str = "auto",
    callbacks: list | None = None,
) -> keras.callbacks.History | None:
    """Train (or resume) a model as `config` says; returns the Keras history
    (None when `model_dir` holds a finished run, which is left as it is).

    Args:
        config: the run.
        verbose: `model.fit` verbosity.
        callbacks: extra Keras callbacks, run after the built-in ones (after
            the epoch's backup is written).

    Raises:
        TrainingDiverged: the loss became NaN (the last good epoch is kept).
        TensorFlowOnly: a `tf.distribute` strategy on another backend (ValueError).
        OSError: `model_dir` is not writable or the disk is nearly full.
    """
    if config.strategy != "default":
        backends.require_tensorflow(f"strategy={config.strategy!r}")
    check_model_dir(config.model_dir)
    config.save(config.model_dir)
    done = backup_epoch(config.model_dir)
    if done >= config.epochs:
        print(f"{config.model_dir}: all {config.epochs} epochs are done.")
        return None
    strategy = make_strategy(config.strategy)
    set_precision(config.mixed_precision)
    keras.utils.set_random_seed(config.seed)
    if config.strategy == "multi_worker":
        from keras_posegate.training.multi_worker import train_multi_worker

        return train_multi_worker(config, strategy, verbose)
    trim_history(config.model_dir, done)
    scope = strategy.scope() if backends.current() == "tensorflow" else None
    with scope or contextlib.nullcontext():
        model = build_model(config)
        compile_model(model, config)
    info = get_info(config.dataset)
    codec = HeatmapCodec(model.input_size, sigma=config.sigma)
    train_ds, val_ds = train_and_val_datasets(config, info, codec, model.num_stacks)
    found = _callbacks(config, val_ds, codec, info, train_ds.skip_counter)
    try:
        return model.fit(
            train_ds, epochs=config.epochs, steps_per_epoch=config.steps_per_epoch,
            callbacks=found + list(callbacks or []), verbose=verbose,
            shuffle=False,  # the pipeline shuffles; Keras warns otherwise
        )  # fmt: skip
    except RuntimeError as e:
        if _is_nan_stop(e):
            raise TrainingDiverged(
                f"Loss became NaN; stopped. The last good epoch is kept in "
                f"{os.path.join(config.model_dir, BACKUP_DIR)} and last.keras; "
                "lower --learning_rate or check the data, then rerun to resume."
            ) from e
        raise


def set_precision(mixed: bool) -> None:
    """float16 compute on GPU, bfloat16 on CPU, when `mixed`."""
    if mixed:
        keras.mixed_precision.set_global_policy(
            "mixed_float16" if backends.has_gpu() else "mixed_bfloat16"
        )
