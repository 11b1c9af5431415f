"""Failures: a NaN loss stops the run (keeping the last good epoch), an
unwritable model_dir fails before any work, the CLI maps them to exit codes."""

from __future__ import annotations

import os

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_posegate.training import TrainConfig, train
from keras_posegate.training import trainer as trainer_module
from keras_posegate.training.backup import backup_epoch
from keras_posegate.training.errors import TrainingDiverged
from keras_posegate.training.history import read_history
from tests.training.conftest import tiny_config
from tests.training.helpers import posegate


def _poison_batch(datasets_fn, index: int):
    """Wraps `train_and_val_datasets` so training batch `index` is all NaN."""

    def wrapped(*args, **kwargs):
        train_ds, val_ds = datasets_fn(*args, **kwargs)

        def poison(i, element):
            images = tf.where(i == index, np.nan, element[0])
            return (images, *element[1:])

        poisoned = train_ds.enumerate().map(poison)
        poisoned.skip_counter = train_ds.skip_counter
        return poisoned, val_ds

    return wrapped


def test_nan_batch_raises_and_keeps_last_good_epoch(mpii_dir, tmp_path, monkeypatch):
    real = trainer_module.train_and_val_datasets
    # Batch 2 is the first of epoch 1 (2 steps per epoch).
    monkeypatch.setattr(
        trainer_module, "train_and_val_datasets", _poison_batch(real, 2)
    )
    model_dir = str(tmp_path / "run")
    with pytest.raises(TrainingDiverged, match="NaN"):
        train(tiny_config(mpii_dir, model_dir, epochs=3), verbose=0)
    assert backup_epoch(model_dir) == 1
    assert os.path.isfile(os.path.join(model_dir, "backup", "latest.weights.h5"))
    assert [int(r["epoch"]) for r in read_history(model_dir)] == [0]
    last = keras.saving.load_model(os.path.join(model_dir, "last.keras"))
    assert all(np.isfinite(np.asarray(w)).all() for w in last.weights)


def test_cli_exits_3_with_a_message_on_nan(mpii_dir, tmp_path):
    # A huge RMSprop rate blows the weights up within a few steps.
    model_dir = str(tmp_path / "run")
    os.makedirs(model_dir)
    tiny_config(mpii_dir, model_dir, epochs=1, steps_per_epoch=4,
                learning_rate=1e30).save(model_dir)  # fmt: skip
    result = posegate("train", "--model_dir", model_dir)
    assert result.returncode == 3, result.stderr[-2000:]
    assert "posegate train: Loss became NaN" in result.stderr
    assert "Traceback" not in result.stderr


def test_unwritable_model_dir_fails_early_with_the_path(mpii_dir, tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("not a directory")
    model_dir = str(blocker / "run")
    with pytest.raises(OSError, match="cannot write checkpoints") as info:
        train(tiny_config(mpii_dir, model_dir), verbose=0)
    assert model_dir in str(info.value)


def test_cli_reports_unwritable_model_dir_without_traceback(mpii_dir, tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    result = posegate("train", "--model_dir", str(blocker / "run"),
                      "--data_dir", mpii_dir)  # fmt: skip
    assert result.returncode == 2
    assert "cannot write checkpoints" in result.stderr
    assert "Traceback" not in result.stderr


def test_config_rejects_bad_arguments_by_name():
    with pytest.raises(ValueError, match="epochs"):
        TrainConfig(epochs=0)
    with pytest.raises(ValueError, match="strategy"):
        TrainConfig(strategy="tpu")
    for bad in (-1.0, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="foreground_weight"):
            TrainConfig(foreground_weight=bad)


def test_cli_rejects_bad_lr_drops_and_a_new_run_without_data(tmp_path):
    bad = posegate("train", "--model_dir", str(tmp_path / "a"), "--data_dir", "x",
                   "--lr_drops", "75,300")  # fmt: skip
    assert bad.returncode != 0
    assert "--lr_drops must be integers in 1..199" in bad.stderr
    no_data = posegate("train", "--model_dir", str(tmp_path / "b"))
    assert no_data.returncode == 2
    assert "--data_dir is required" in no_data.stderr
    assert "Traceback" not in bad.stderr + no_data.stderr
