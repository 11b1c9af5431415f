"""`train(config)`: the paper's recipe through `model.fit`, resumable.

The model directory is locked to one run (`run_dir.lock_model_dir`); temporary
files of interrupted writes are removed and the backup is checked before
anything else (`backup.settle_backup`: a damaged newest checkpoint falls back
to the previous one, or to epoch 1, with a warning).

Resume: the backup (`MODEL_DIR/backup/`) keeps the weights, optimizer and
epoch; rerunning with the same `model_dir` continues at the epoch that was
interrupted (the learning rate follows the epoch, so the schedule is
unchanged) and `history.csv` keeps each epoch once. The backup is kept after
the last epoch, so rerunning a finished run does nothing. A NaN loss
(`TerminateOnNaN(raise_error=True)`) stops the run with `TrainingDiverged`,
and a disk too full for the next checkpoint with `NotEnoughSpace`, each
keeping the last complete epoch and saying so.

Backends: the process's Keras backend trains (TensorFlow, JAX or PyTorch), fed
by the same `tf.data` pipeline; checkpoints (`.keras`, `.weights.h5`) are
backend-neutral, so a run may resume on another backend. The `mirrored` and
`multi_worker` strategies are `tf.distribute`, TensorFlow only.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys

import keras

from keras_posegate import backends
from keras_posegate.codec import HeatmapCodec
from keras_posegate.datasets.info import get_info
from keras_posegate.threads import configure_training_threads
from keras_posegate.training.backup import BACKUP_DIR, backup_epoch, settle_backup
from keras_posegate.training.callbacks import run_callbacks
from keras_posegate.training.config import CONFIG_FILE, TrainConfig
from keras_posegate.training.data import train_and_val_datasets
from keras_posegate.training.distribute import make_strategy
from keras_posegate.training.errors import NotEnoughSpace, TrainingDiverged
from keras_posegate.training.history import trim_history
from keras_posegate.training.model_setup import make_model, set_precision
from keras_posegate.training.multi_worker import is_chief_process, train_multi_worker
from keras_posegate.training.run_dir import (
    check_model_dir,
    clean_temp_files,
    lock_model_dir,
)


def _is_nan_stop(error: RuntimeError) -> bool:
    """Whether `error` is `TerminateOnNaN(raise_error=True)`'s."""
    return "NaN or Inf loss" in str(error)


def what_is_kept(model_dir: str) -> str:
    """Say what a run stopped by a full disk keeps, and how to go on.

    Args:
        model_dir: the run's directory.

    Returns:
        One or two sentences for the error message.
    """
    done = backup_epoch(model_dir)
    if done == 0:
        return (
            f"No epoch completed, so there is nothing to resume ({model_dir} keeps "
            f"only {CONFIG_FILE}); free some space and run again."
        )
    return (
        f"Kept: the checkpoint of epoch {done} ({os.path.join(model_dir, BACKUP_DIR)}"
        f"), last.keras and history.csv; free some space, then `posegate train "
        f"--model_dir {model_dir}` resumes at epoch {done + 1}."
    )


def _diverged(error: RuntimeError, model_dir: str) -> TrainingDiverged:
    done = backup_epoch(model_dir)
    batch = re.search(r"at batch (\d+)", str(error))
    where = f"epoch {done + 1}" + (f", batch {batch.group(1)}" if batch else "")
    if done == 0:
        advice = (
            f"Nothing to resume: no epoch completed, {model_dir} keeps only "
            f"{CONFIG_FILE}. Lower --learning_rate or check the data, and run "
            "again with the corrected flags (they replace the saved ones)."
        )
    else:
        advice = (
            f"Kept: the checkpoint of epoch {done} "
            f"({os.path.join(model_dir, BACKUP_DIR)}), last.keras and "
            "history.csv. Resuming unchanged would likely diverge again: resume "
            f"with a lower rate (posegate train --model_dir {model_dir} --override "
            "--learning_rate RATE) or check the data."
        )
    return TrainingDiverged(f"Loss became NaN in {where}; stopped. {advice}")


def _warn(lines: list[str]) -> None:
    for line in lines:
        print(line, file=sys.stderr)


def train(
    config: TrainConfig,
    verbose: int | str = "auto",
    callbacks: list | None = None,
) -> keras.callbacks.History | None:
    """Train (or resume) a model as `config` says.

    Args:
        config: the run.
        verbose: `model.fit` verbosity.
        callbacks: extra Keras callbacks, run after the built-in ones (after
            the epoch's backup is written).

    Returns:
        The Keras history; None when `model_dir` holds a finished run, which is
        left as it is.

    Raises:
        TrainingDiverged: the loss became NaN (the last good epoch is kept).
        NotEnoughSpace: the disk is too full for the next checkpoint (the
            last complete epoch is kept).
        RunRefused: another run holds `model_dir`.
        OSError: `model_dir` is not writable.
    """
    if config.strategy != "default":
        backends.require_tensorflow(f"strategy={config.strategy!r}")
    _choose_threads(config)
    check_model_dir(config.model_dir)
    chief = is_chief_process(config.strategy)  # multi-worker: only it writes
    with lock_model_dir(config.model_dir) if chief else contextlib.nullcontext():
        if chief:
            removed = clean_temp_files(config.model_dir)
            if removed:
                _warn([f"warning: removed {len(removed)} temporary file(s) of an "
                       f"interrupted write: {', '.join(removed)}"])  # fmt: skip
            _warn(settle_backup(config.model_dir)[1])
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
        except NotEnoughSpace as e:
            raise NotEnoughSpace(f"{e} {what_is_kept(config.model_dir)}") from e
        except RuntimeError as e:
            if _is_nan_stop(e):
                raise _diverged(e, config.model_dir) from e
            raise


def _choose_threads(config: TrainConfig) -> None:
    """Size TensorFlow's intra-op pool for this run's step, before it starts."""
    from keras_posegate.models.presets import get_preset_config

    model = get_preset_config(config.preset, **config.model_overrides())
    configure_training_threads(config.batch_size, model.input_size, model.width)


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
