"""Resume: a run killed after an epoch continues from `model_dir` alone."""

from __future__ import annotations

import os
import textwrap

import pytest

from keras_posegate.training import TrainConfig, train
from keras_posegate.training.backup import backup_epoch
from keras_posegate.training.history import read_history, trim_history
from keras_posegate.training.schedule import epoch_learning_rate
from tests.training.conftest import tiny_config
from tests.training.helpers import posegate, run_python

# Trains from the saved config and dies hard (no cleanup) after epoch 0's
# callbacks, the backup included, have run.
KILLED_RUN = textwrap.dedent(
    """
    import os, sys
    import keras
    from keras_posegate.training import TrainConfig, train

    class Die(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 0:
                os._exit(9)

    train(TrainConfig.load(sys.argv[1]), verbose=0, callbacks=[Die()])
    """
)


def test_killed_run_resumes_with_model_dir_alone(mpii_dir, tmp_path):
    model_dir = str(tmp_path / "run")
    os.makedirs(model_dir)
    config = tiny_config(mpii_dir, model_dir, epochs=3)
    config.save(model_dir)
    killed = run_python(["-c", KILLED_RUN, model_dir])
    assert killed.returncode == 9, killed.stderr[-2000:]
    assert backup_epoch(model_dir) == 1
    assert [int(r["epoch"]) for r in read_history(model_dir)] == [0]

    resumed = posegate("train", "--model_dir", model_dir)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert "Resuming" in resumed.stdout
    rows = read_history(model_dir)
    assert [int(r["epoch"]) for r in rows] == [0, 1, 2]
    rates = [float(r["learning_rate"]) for r in rows]
    assert rates == pytest.approx([epoch_learning_rate(config, e) for e in range(3)])
    assert rates[0] > rates[1] > rates[2] == pytest.approx(config.final_learning_rate)
    assert backup_epoch(model_dir) == 3

    assert train(TrainConfig.load(model_dir), verbose=0) is None  # finished
    assert len(read_history(model_dir)) == 3


def test_trim_history_drops_epochs_not_in_the_backup(tmp_path):
    path = tmp_path / "history.csv"
    path.write_text("epoch,loss\n0,1.0\n1,0.5\n2,0.25\n")
    assert trim_history(str(tmp_path), 2) == 1
    assert path.read_text() == "epoch,loss\n0,1.0\n1,0.5\n"
    assert trim_history(str(tmp_path), 2) == 0
