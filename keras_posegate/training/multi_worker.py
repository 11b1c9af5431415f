"""Multi-worker training with a custom loop.

Keras 3's `model.fit` fails under `MultiWorkerMirroredStrategy`
(keras-team/keras#20585).

The same model, optimizer and precision (`model_setup.py`), loss
(`heatmap_mse` per stack, summed over stacks, as `MaskedHeatmapMSE` through
`fit`) and callbacks (`run_callbacks`: learning rate, validation, NaN stop,
checkpoints, `history.csv`, backup) as `train`; the steps run through
`strategy.run` over `strategy.experimental_distribute_dataset`, and a
`keras.callbacks.CallbackList` gets the same calls `fit` makes.

* Data: every worker builds the whole training pipeline and tf.data keeps its
  share by `AutoShardPolicy.DATA` (each global batch is split between the
  workers). Shuffling is seeded alike on every worker, but the parallel,
  non-deterministic map can reorder elements, so an epoch covers the data only
  approximately; augmentation is random per worker. An epoch is
  `steps_per_epoch` steps, or the training set size // batch size, on a
  repeated dataset, so that every worker runs the same number of steps.
* Checkpoints: every worker saves (as TF recommends), the chief (`chief`, or
  `worker` 0 without one) into `model_dir`, the others into a temporary
  folder they delete. The chief alone runs the validation.
* Resume: every worker restores the chief's backup from `model_dir`, which
  must therefore be on a filesystem all workers share (or copied to each).
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import tempfile

import keras
import tensorflow as tf

from keras_posegate.codec import HeatmapCodec
from keras_posegate.datasets.info import get_info
from keras_posegate.training import history as run_history
from keras_posegate.training.backup import BACKUP_DIR, RunBackup, backup_epoch
from keras_posegate.training.callbacks import run_callbacks
from keras_posegate.training.config import TrainConfig
from keras_posegate.training.data import train_and_val_datasets
from keras_posegate.training.model_setup import make_model
from keras_posegate.training.mw_loop import DistributedStep, count_steps


def is_chief(strategy: tf.distribute.Strategy) -> bool:
    """Tell whether this task is the chief: `chief`, or `worker` 0 without one.

    Args:
        strategy: a multi-worker strategy (its cluster resolver is read).
    """
    return _is_chief_task(strategy.cluster_resolver)


def is_chief_process(strategy_name: str) -> bool:
    """Tell whether this process writes the model directory.

    Always, except under "multi_worker", where only the chief of
    `TF_CONFIG`'s cluster does.

    Args:
        strategy_name: the run's strategy name.
    """
    if strategy_name != "multi_worker":
        return True
    resolver = tf.distribute.cluster_resolver.TFConfigClusterResolver()
    return _is_chief_task(resolver)


def _is_chief_task(resolver) -> bool:
    task_type, task_id = resolver.task_type, resolver.task_id
    if task_type in (None, "chief"):
        return True
    has_chief = "chief" in resolver.cluster_spec().as_dict()
    return task_type == "worker" and task_id == 0 and not has_chief


def train_multi_worker(
    config: TrainConfig,
    strategy: tf.distribute.Strategy,
    verbose: int | str = 1,
    callbacks: list | None = None,
) -> keras.callbacks.History:
    """Train with `strategy` (a `MultiWorkerMirroredStrategy`); see the module notes.

    Args:
        config: the run.
        strategy: the multi-worker strategy.
        verbose: progress output on the chief ("auto" means 1); the other
            workers are silent.
        callbacks: extra Keras callbacks, run after the built-in ones.

    Returns:
        A `History` (its `model` the trained model) whose `history` has one
        value per epoch run.

    Raises:
        RuntimeError: `TerminateOnNaN`'s, when the loss became NaN.
    """
    chief = is_chief(strategy)
    model = make_model(config, strategy)
    out_dir = config.model_dir if chief else tempfile.mkdtemp(prefix="posegate-worker-")
    try:
        if chief:
            run_history.trim_history(config.model_dir, backup_epoch(config.model_dir))
        info = get_info(config.dataset)
        codec = HeatmapCodec(model.input_size, sigma=config.sigma)
        steps = config.steps_per_epoch or count_steps(config)
        config = dataclasses.replace(config, steps_per_epoch=steps)
        train_ds, val_ds = train_and_val_datasets(config, info, codec, model.num_stacks)
        found = run_callbacks(
            config, val_ds if chief else None, codec, info, train_ds.skip_counter,
            out_dir=out_dir, restore_from=os.path.join(config.model_dir, BACKUP_DIR),
        )  # fmt: skip
        backup = next(c for c in found if isinstance(c, RunBackup))
        verbose = (1 if verbose == "auto" else int(verbose)) if chief else 0
        callback_list = keras.callbacks.CallbackList(
            found + list(callbacks or []), add_history=True, add_progbar=verbose != 0,
            model=model, verbose=verbose, epochs=config.epochs, steps=steps,
        )  # fmt: skip
        step = DistributedStep(
            model, strategy, train_ds, config.batch_size, config.foreground_weight
        )
        return _run(callback_list, step, backup, config.epochs, steps)
    finally:
        if not chief:
            shutil.rmtree(out_dir, ignore_errors=True)


def _run(callback_list, step, backup: RunBackup, epochs: int, steps: int):
    """Make the calls `model.fit` makes, around `steps` distributed steps an epoch.

    The first epoch is the one after the backup's.
    """
    callback_list.on_train_begin()
    logs = {}
    for epoch in range(backup.restored_epoch, epochs):
        callback_list.on_epoch_begin(epoch)
        total = 0.0
        for i in range(steps):
            callback_list.on_train_batch_begin(i)
            loss = step()
            total += loss
            callback_list.on_train_batch_end(i, {"loss": loss})
        logs = {"loss": total / steps}
        callback_list.on_epoch_end(epoch, logs)
    callback_list.on_train_end(logs)
    return callback_list.model.history
