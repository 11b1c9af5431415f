"""The callbacks of a run: validation PCKh, atomic checkpoints, history, backup.

They add the per-epoch validation PCKh and write atomic best/last checkpoints,
the history and the backup. `run_callbacks` is the one list that both
`model.fit` and the multi-worker loop drive.
"""

from __future__ import annotations

import math
import os

import keras

from keras_posegate.codec import HeatmapCodec
from keras_posegate.datasets.info import DatasetInfo
from keras_posegate.fileio import atomic_path
from keras_posegate.training.backup import BACKUP_DIR, RunBackup
from keras_posegate.training.config import TrainConfig
from keras_posegate.training.errors import NotEnoughSpace
from keras_posegate.training.history import HISTORY_FILE, best_so_far
from keras_posegate.training.run_dir import ensure_free_space, is_disk_full, model_bytes
from keras_posegate.training.schedule import epoch_learning_rate


def save_model_atomic(model, path: str) -> str:
    """Save `model` as a `.keras` file through a temporary name and a rename.

    A crash never leaves a half-written model under `path`. Refuses to start
    when the disk has no room for it (the size of the file it replaces, or of
    the model's variables).

    Args:
        model: the Keras model.
        path: the `.keras` file to write.

    Returns:
        `path`.

    Raises:
        NotEnoughSpace: the disk is (nearly) full; `path` is left as it was.
    """
    directory, name = os.path.split(os.path.abspath(path))
    size = os.path.getsize(path) if os.path.isfile(path) else model_bytes(model)
    ensure_free_space(directory, size, name)
    try:
        with atomic_path(path) as tmp:
            model.save(tmp)
    except OSError as e:
        if is_disk_full(e):
            raise NotEnoughSpace(f"{directory}: disk full while writing {name}.") from e
        raise
    return path


class ValidationPCK(keras.callbacks.Callback):
    """Adds the validation accuracy to the epoch logs as `val_pck`.

    The accuracy is MPII PCKh@0.5 or LSP PCK@0.2, the mean over joints, in %.

    Args:
        dataset: an eval pipeline (`build_dataset(..., training=False)`).
        codec: the heatmap codec.
        info: the dataset facts.
        flip: flip test.
    """

    def __init__(
        self, dataset, codec: HeatmapCodec, info: DatasetInfo, flip: bool = False
    ):
        super().__init__()
        self.dataset, self.codec, self.info, self.flip = dataset, codec, info, flip

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        """Predict the validation set, score it and put the mean into `logs`."""
        from keras_posegate.evaluation.runner import predict_dataset, score_predictions

        pred = predict_dataset(
            self.model, self.dataset, self.codec, self.info, self.flip
        )
        scores = score_predictions(pred, self.info)
        main = scores.get("pckh@0.5") or scores["pck@0.2"]
        if logs is not None:
            logs["val_pck"] = float(main.mean)


class AtomicCheckpoints(keras.callbacks.Callback):
    """Writes `last.keras` every epoch and `best.keras` when `monitor` improves.

    Higher is better for `val_pck`, lower for losses; each file is written
    atomically. On resume the best value so far is read back from
    `history.csv`, so a worse epoch after a restart does not replace
    `best.keras`.

    Args:
        model_dir: where the two files go.
        monitor: the log to compare epochs by; higher is better when its name
            contains "pck".
    """

    def __init__(self, model_dir: str, monitor: str = "val_pck"):
        super().__init__()
        self.model_dir, self.monitor = model_dir, monitor
        self.higher_is_better = "pck" in monitor
        self.best = best_so_far(model_dir, monitor, self.higher_is_better)

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        """Write `last.keras`, then `best.keras` if `monitor` improved.

        A missing or non-finite `monitor` value never counts as better.
        """
        logs = logs or {}
        save_model_atomic(self.model, os.path.join(self.model_dir, "last.keras"))
        value = logs.get(self.monitor)
        if value is None or not math.isfinite(value):
            return
        better = value > self.best if self.higher_is_better else value < self.best
        if better:
            self.best = value
            save_model_atomic(self.model, os.path.join(self.model_dir, "best.keras"))


def run_callbacks(
    config: TrainConfig,
    val_ds,
    codec: HeatmapCodec,
    info: DatasetInfo,
    counter,
    out_dir: str | None = None,
    restore_from: str | None = None,
) -> list:
    """Build the run's callbacks, in the order they run.

    Skip counts, learning rate, validation, NaN stop, `last.keras` and
    `best.keras`, `history.csv`, TensorBoard, backup.

    Args:
        config: the run.
        val_ds: the validation pipeline, or None (then `best.keras` follows
            the training loss).
        codec: the heatmap codec.
        info: the dataset facts.
        counter: the training pipeline's `skip_counter`.
        out_dir: where the files go (default `config.model_dir`; a
            multi-worker non-chief writes into a temporary folder).
        restore_from: the backup folder to resume from (default the one in
            `out_dir`).

    Returns:
        The list of callbacks.
    """
    from keras_posegate.data import SkipReport

    out_dir = out_dir or config.model_dir

    def schedule(epoch, lr):
        return epoch_learning_rate(config, epoch)

    found = [SkipReport(counter), keras.callbacks.LearningRateScheduler(schedule)]
    if val_ds is not None:
        found.append(ValidationPCK(val_ds, codec, info, config.val_flip))
    return found + [
        keras.callbacks.TerminateOnNaN(raise_error=True),
        AtomicCheckpoints(out_dir, "val_pck" if val_ds is not None else "loss"),
        keras.callbacks.CSVLogger(os.path.join(out_dir, HISTORY_FILE), append=True),
        keras.callbacks.TensorBoard(os.path.join(out_dir, "logs")),
        RunBackup(os.path.join(out_dir, BACKUP_DIR), restore_from),
    ]
