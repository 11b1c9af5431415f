"""The run's backup (`MODEL_DIR/backup/`): weights, optimizer state, epoch reached.

It is kept in `BackupAndRestore`'s layout, written so that a kill or a full
disk at any moment leaves a checkpoint to resume from.

Each save writes the new weights and metadata under `.tmp-*` names, then moves
the current pair to `*.bkp` and renames the new pair into place. The metadata
records the SHA-256 of its weights file, so on resume a pair that does not
match (a cut file, or a kill between the renames) is recognised and the newest
matching one is used: the current pair, else the previous one, else none (the
run starts again from epoch 1), each time with a warning.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os

import keras

from keras_posegate.training.errors import NotEnoughSpace
from keras_posegate.training.run_dir import ensure_free_space, is_disk_full, model_bytes

BACKUP_DIR = "backup"
WEIGHTS = "latest.weights.h5"
METADATA = "training_metadata.json"
PREVIOUS = ".bkp"


@dataclasses.dataclass(frozen=True)
class Checkpoint:
    """A usable backup: epochs completed, and its two files."""

    epoch: int
    weights: str
    metadata: str


def _sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _read_metadata(path: str) -> dict | None:
    try:
        with open(path) as f:
            meta = json.load(f)
        int(meta["epoch"])
        return meta
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _h5_readable(path: str) -> bool:
    """Tell whether every dataset of an HDF5 file reads.

    For backups written by Keras's own `BackupAndRestore`, which record no
    checksum.
    """
    import h5py

    def read(_, obj):
        if isinstance(obj, h5py.Dataset):
            obj[()]

    try:
        with h5py.File(path, "r") as f:
            f.visititems(read)
        return True
    except Exception:  # noqa: BLE001 - any failure means unreadable
        return False


def find_checkpoint(backup_dir: str) -> tuple[Checkpoint | None, list[str]]:
    """Find the newest usable checkpoint in `backup_dir`.

    A checkpoint is usable when its weights file matches the SHA-256 its
    metadata records (for Keras's own layout, which records none: when the
    weights file of the same suffix reads whole).

    Args:
        backup_dir: the backup folder.

    Returns:
        `(checkpoint, problems)`: the newest usable `Checkpoint`, None if there
        is none; and a description of each damaged or incomplete one passed
        over.
    """
    problems, metas = [], []
    for name in (METADATA, METADATA + PREVIOUS):
        path = os.path.join(backup_dir, name)
        if os.path.exists(path):
            meta = _read_metadata(path)
            if meta is None:
                problems.append(f"{path} is empty or damaged")
            else:
                metas.append((int(meta["epoch"]), meta, path))
    weights = [
        p
        for p in (os.path.join(backup_dir, n) for n in (WEIGHTS, WEIGHTS + PREVIOUS))
        if os.path.isfile(p)
    ]
    hashes = {}
    for epoch, meta, path in sorted(metas, key=lambda m: -m[0]):
        if epoch < 1:
            continue
        if "weights_sha256" in meta:
            for w in weights:
                hashes.setdefault(w, _sha256(w))
            match = next(
                (w for w in weights if hashes[w] == meta["weights_sha256"]), None
            )
        else:  # Keras's own layout: the pair with the same suffix
            suffix = PREVIOUS if path.endswith(PREVIOUS) else ""
            w = os.path.join(backup_dir, WEIGHTS + suffix)
            match = w if os.path.isfile(w) and _h5_readable(w) else None
        if match:
            return Checkpoint(epoch, match, path), problems
        problems.append(f"the weights of {path} (epoch {epoch}) are missing or damaged")
    if weights and not metas:
        problems.append(f"{weights[0]} has no metadata (a checkpoint cut short)")
    return None, problems


def backup_epoch(model_dir: str) -> int:
    """Epochs completed according to the backup (0 when there is no usable one).

    Args:
        model_dir: the run's directory.
    """
    found, _ = find_checkpoint(os.path.join(model_dir, BACKUP_DIR))
    return found.epoch if found else 0


def settle_backup(model_dir: str) -> tuple[int, list[str]]:
    """Leave only the newest usable checkpoint, under the current names.

    Damaged files are removed. Call it holding the model directory's lock.

    Args:
        model_dir: the run's directory.

    Returns:
        `(epochs completed, warnings)`: the warnings are lines to print, naming
        what was damaged and where training goes on.
    """
    folder = os.path.join(model_dir, BACKUP_DIR)
    found, problems = find_checkpoint(folder)
    current = os.path.join(folder, WEIGHTS), os.path.join(folder, METADATA)
    previous = tuple(p + PREVIOUS for p in current)
    if found is None:  # nothing usable: drop the damaged files
        doomed = current + previous
    else:  # the usable pair under the current names, damaged leftovers dropped
        if found.weights != current[0]:
            os.replace(found.weights, current[0])
        if found.metadata != current[1]:
            os.replace(found.metadata, current[1])
        doomed = previous if problems else ()
    for path in doomed:
        if os.path.exists(path):
            os.remove(path)
    warnings = []
    if problems:
        then = (
            f"resuming from the checkpoint of epoch {found.epoch}"
            if found
            else "no usable checkpoint is left; training starts again from epoch 1"
        )
        warnings.append(f"warning: {folder}: {'; '.join(problems)}; {then}.")
    return (found.epoch if found else 0), warnings


class RunBackup(keras.callbacks.BackupAndRestore):
    """`BackupAndRestore` with the module's crash-safe writes and a free-space check.

    It saves every epoch, keeps two checkpoints and keeps them after training;
    each save is written as the module notes describe, after a free-space
    check (`NotEnoughSpace` when the disk is too full).

    Args:
        backup_dir: where the checkpoints go.
        restore_from: where to restore from (default `backup_dir`; a
            multi-worker non-chief restores the chief's).
    """

    def __init__(self, backup_dir: str, restore_from: str | None = None):
        super().__init__(backup_dir, double_checkpoint=True, delete_checkpoint=False)
        self.restore_from = restore_from or backup_dir
        self.restored_epoch = 0

    def on_train_begin(self, logs=None):
        """Restore the newest usable checkpoint of `restore_from`, if there is one.

        Loads its weights (the optimizer's state included) and makes `fit`
        start at the epoch after it; `restored_epoch` records that epoch.
        """
        found, _ = find_checkpoint(self.restore_from)
        if found is None:
            return
        if self.model.optimizer is not None and not self.model.optimizer.built:
            self.model.optimizer.build(self.model.trainable_variables)
        self.model.load_weights(found.weights)
        self.model._initial_epoch = found.epoch  # as BackupAndRestore does, for fit
        self.restored_epoch = found.epoch

    def _save_model(self):
        folder = self.backup_dir
        os.makedirs(folder, exist_ok=True)
        current = os.path.join(folder, WEIGHTS), os.path.join(folder, METADATA)
        size = os.path.getsize(current[0]) if os.path.isfile(current[0]) else 0
        ensure_free_space(folder, size or model_bytes(self.model), "the backup")
        tmp = [
            os.path.join(folder, f".tmp-{os.getpid()}-{n}") for n in (WEIGHTS, METADATA)
        ]
        try:
            self.model.save_weights(tmp[0], overwrite=True)
            meta = {"epoch": self._current_epoch, "batch": self._last_batch_seen,
                    "weights_sha256": _sha256(tmp[0])}  # fmt: skip
            with open(tmp[1], "w") as f:
                json.dump(meta, f)
                f.flush()
                os.fsync(f.fileno())
        except OSError as e:
            for path in tmp:
                if os.path.exists(path):
                    os.remove(path)
            if is_disk_full(e):
                raise NotEnoughSpace(
                    f"{folder}: disk full while writing the backup."
                ) from e
            raise
        for path in current:  # the pair being replaced becomes the previous one
            if os.path.exists(path):
                os.replace(path, path + PREVIOUS)
        os.replace(tmp[0], current[0])
        os.replace(tmp[1], current[1])
