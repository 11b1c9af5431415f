"""Multi-worker training with a custom loop (Keras 3's `model.fit` fails under
`MultiWorkerMirroredStrategy`, keras-team/keras#20585).

The same model, loss (`heatmap_mse` per stack, summed over stacks, as
`MaskedHeatmapMSE` through `fit`), RMSprop optimizer and per-epoch learning
rate as `train`, run through `strategy.run` over
`strategy.experimental_distribute_dataset`.

* Data: every worker builds the whole training pipeline and tf.data keeps its
  share by `AutoShardPolicy.DATA` (each global batch is split between the
  workers). Shuffling is seeded alike on every worker, but the parallel,
  non-deterministic map can reorder elements, so an epoch covers the data only
  approximately; augmentation is random per worker. An epoch is
  `steps_per_epoch` steps, or the training set size // batch size, on a
  repeated dataset, so that every worker runs the same number of steps.
* Checkpoints: every worker saves (as TF recommends), the chief (`chief`, or
  `worker` 0 without one) into `model_dir` (atomically: `last.keras`,
  `best.keras`, `backup/latest.weights.h5` with the optimizer state, and
  `backup/training_metadata.json` with the epoch, the layout of
  `BackupAndRestore`), the others into a temporary folder they delete.
  The chief alone writes `history.csv` and runs the validation.
* Resume: every worker loads the chief's backup from `model_dir`, which must
  therefore be on a filesystem all workers share (or copied to each).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile

import keras
import tensorflow as tf

from keras_posegate.codec import HeatmapCodec
from keras_posegate.datasets.info import get_info
from keras_posegate.training import history as run_history
from keras_posegate.training.callbacks import save_model_atomic
from keras_posegate.training.config import TrainConfig
from keras_posegate.training.mw_loop import EpochLoop, count_steps


def is_chief(strategy: tf.distribute.Strategy) -> bool:
    """The chief: task `chief`, or `worker` 0 in a cluster without one."""
    resolver = strategy.cluster_resolver
    task_type, task_id = resolver.task_type, resolver.task_id
    if task_type in (None, "chief"):
        return True
    has_chief = "chief" in resolver.cluster_spec().as_dict()
    return task_type == "worker" and task_id == 0 and not has_chief


def train_multi_worker(
    config: TrainConfig, strategy: tf.distribute.Strategy, verbose: int | str = 1
) -> keras.callbacks.History:
    """Train with `strategy` (a `MultiWorkerMirroredStrategy`); see the module
    notes. Returns a `History` (its `model` the trained model) whose `history`
    has one value per epoch run.

    Raises:
        TrainingDiverged: the loss became NaN (the last good epoch is kept).
    """
    from keras_posegate.training.data import train_and_val_datasets
    from keras_posegate.training.trainer import build_model, compile_model

    chief = is_chief(strategy)
    with strategy.scope():
        model = build_model(config)
        compile_model(model, config)
        model.optimizer.build(model.trainable_variables)
    start = _restore(model, config.model_dir)
    if chief:
        run_history.trim_history(config.model_dir, start)
    info = get_info(config.dataset)
    codec = HeatmapCodec(model.input_size, sigma=config.sigma)
    steps = config.steps_per_epoch or count_steps(config)
    config = _with_steps(config, steps)
    train_ds, val_ds = train_and_val_datasets(config, info, codec, model.num_stacks)
    loop = EpochLoop(model, strategy, train_ds, steps, config.batch_size)
    saver = _Saver(model, config.model_dir, chief)
    result = keras.callbacks.History()
    result.set_model(model)
    result.history = {}
    for epoch in range(start, config.epochs):
        logs = loop.run_epoch(epoch, config, verbose if chief else 0)
        if chief and val_ds is not None:
            logs["val_pck"] = _val_pck(model, val_ds, codec, info, config.val_flip)
        saver.save(epoch, logs)
        for key, value in logs.items():
            result.history.setdefault(key, []).append(value)
    saver.close()
    return result


def _with_steps(config: TrainConfig, steps: int) -> TrainConfig:
    """A copy with `steps_per_epoch` set (so the training data repeats)."""
    import dataclasses

    return dataclasses.replace(config, steps_per_epoch=steps)


def _restore(model, model_dir: str) -> int:
    """Load the chief's backup, if any; returns the epochs it completed."""
    done = run_history.backup_epoch(model_dir)
    weights = os.path.join(model_dir, run_history.BACKUP_DIR, "latest.weights.h5")
    if done and os.path.isfile(weights):
        model.load_weights(weights)
        return done
    return 0


def _val_pck(model, val_ds, codec, info, flip: bool) -> float:
    from keras_posegate.evaluation.runner import predict_dataset, score_predictions

    scores = score_predictions(predict_dataset(model, val_ds, codec, info, flip), info)
    return float((scores.get("pckh@0.5") or scores["pck@0.2"]).mean)


class _Saver:
    """Per-epoch files: the chief's into `model_dir`, the others' into a
    temporary folder (deleted by `close`)."""

    def __init__(self, model, model_dir: str, chief: bool):
        self.model, self.chief = model, chief
        self.dir = model_dir if chief else tempfile.mkdtemp(prefix="posegate-worker-")
        self.best = run_history.best_so_far(model_dir, "val_pck", True)
        self.best_loss = run_history.best_so_far(model_dir, "loss", False)

    def save(self, epoch: int, logs: dict) -> None:
        save_model_atomic(self.model, os.path.join(self.dir, "last.keras"))
        if self._improved(logs):
            save_model_atomic(self.model, os.path.join(self.dir, "best.keras"))
        if self.chief:
            _append_history(self.dir, epoch, logs)
        self._backup(epoch)

    def _improved(self, logs: dict) -> bool:
        if "val_pck" in logs:
            if not logs["val_pck"] > self.best:
                return False
            self.best = logs["val_pck"]
            return True
        if not logs["loss"] < self.best_loss:
            return False
        self.best_loss = logs["loss"]
        return True

    def _backup(self, epoch: int) -> None:
        folder = os.path.join(self.dir, run_history.BACKUP_DIR)
        os.makedirs(folder, exist_ok=True)
        weights = os.path.join(folder, "latest.weights.h5")
        tmp = os.path.join(folder, f".tmp-{os.getpid()}.weights.h5")
        self.model.save_weights(tmp, overwrite=True)
        os.replace(tmp, weights)
        meta = os.path.join(folder, "training_metadata.json")
        with open(meta + f".tmp-{os.getpid()}", "w") as f:
            json.dump({"epoch": epoch + 1, "batch": 0}, f)
        os.replace(meta + f".tmp-{os.getpid()}", meta)

    def close(self) -> None:
        if not self.chief:
            shutil.rmtree(self.dir, ignore_errors=True)


def _append_history(model_dir: str, epoch: int, logs: dict) -> None:
    """One `history.csv` row (header first when the file is new or empty)."""
    path = os.path.join(model_dir, run_history.HISTORY_FILE)
    keys = sorted(logs)
    new = not os.path.isfile(path) or os.path.getsize(path) == 0
    with open(path, "a") as f:
        if new:
            f.write(",".join(["epoch", *keys]) + "\n")
        values = [logs[k] for k in keys]
        f.write(",".join([str(epoch), *(repr(float(v)) for v in values)]) + "\n")
        f.flush()
        os.fsync(f.fileno())
