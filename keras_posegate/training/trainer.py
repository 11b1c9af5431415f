"""`train(config)`: the paper's recipe through `model.fit`, resumable.

Resume: `BackupAndRestore` keeps the weights, optimizer and epoch in
`MODEL_DIR/backup/`; rerunning with the same `model_dir` continues at the epoch
that was interrupted (the learning rate follows the epoch, so the schedule is
unchanged) and `history.csv` keeps each epoch once. The backup is kept after
the last epoch, so rerunning a finished run does nothing. A NaN loss raises
(`TerminateOnNaN(raise_error=True)`), which keeps the backup and `last.keras`
of the last good epoch, and the run stops with `TrainingDiverged`.
"""

from __future__ import annotations

import os
import shutil

import keras

from keras_posegate.codec import HeatmapCodec
from keras_posegate.datasets.info import get_info
from keras_posegate.training.callbacks import run_callbacks
from keras_posegate.training.config import TrainConfig
from keras_posegate.training.data import train_and_val_datasets
from keras_posegate.training.distribute import make_strategy
from keras_posegate.training.errors import TrainingDiverged
from keras_posegate.training.history import BACKUP_DIR, backup_epoch, trim_history
from keras_posegate.training.model_setup import make_model, set_precision
from keras_posegate.training.multi_worker import train_multi_worker

MIN_FREE_BYTES = 200 * 1024**2


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
        OSError: `model_dir` is not writable or the disk is nearly full.
    """
    check_model_dir(config.model_dir)
    config.save(config.model_dir)
    done = backup_epoch(config.model_dir)
    if done >= config.epochs:
        print(f"{config.model_dir}: all {config.epochs} epochs are done.")
        return None
    strategy = make_strategy(config.strategy)
    set_precision(config.mixed_precision)
    keras.utils.set_random_seed(config.seed)
    try:
        if config.strategy == "multi_worker":
            return train_multi_worker(config, strategy, verbose, callbacks)
        return _fit(config, strategy, done, verbose, callbacks)
    except RuntimeError as e:
        if _is_nan_stop(e):
            raise TrainingDiverged(
                f"Loss became NaN; stopped. The last good epoch is kept in "
                f"{os.path.join(config.model_dir, BACKUP_DIR)} and last.keras; "
                "lower --learning_rate or check the data, then rerun to resume."
            ) from e
        raise


def _fit(config: TrainConfig, strategy, done: int, verbose, callbacks):
    trim_history(config.model_dir, done)
    model = make_model(config, strategy)
    info = get_info(config.dataset)
    codec = HeatmapCodec(model.input_size, sigma=config.sigma)
    train_ds, val_ds = train_and_val_datasets(config, info, codec, model.num_stacks)
    found = run_callbacks(config, val_ds, codec, info, train_ds.skip_counter)
    return model.fit(
        train_ds, epochs=config.epochs, steps_per_epoch=config.steps_per_epoch,
        callbacks=found + list(callbacks or []), verbose=verbose,
        shuffle=False,  # the pipeline shuffles; Keras warns otherwise
    )  # fmt: skip
