"""Runs that cannot be locked, doubled or lost: a failed first start, flags
that differ on resume, a NaN in the first epoch, a kill or a full disk during
a checkpoint, two runs on one directory, temporary files left behind."""

from __future__ import annotations

import hashlib
import json
import os
import textwrap

import keras
import numpy as np
import pytest

from keras_posegate.training import run_dir as run_dir_module
from keras_posegate.training import train
from keras_posegate.training import trainer as trainer_module
from keras_posegate.training.backup import BACKUP_DIR, backup_epoch
from keras_posegate.training.config import TrainConfig
from keras_posegate.training.errors import NotEnoughSpace, RunRefused, TrainingDiverged
from keras_posegate.training.history import read_history, trim_history
from keras_posegate.training.resume import plan_run
from keras_posegate.training.run_dir import clean_temp_files, lock_model_dir
from tests.training.conftest import tiny_config
from tests.training.helpers import posegate, run_python
from tests.training.test_failures import _poison_batch


def _error_lines(stderr: str) -> list[str]:
    return [s for s in stderr.splitlines() if s.startswith("posegate train: error:")]


def _assert_one_error_line(result, *words: str) -> str:
    assert result.returncode == 2, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    lines = _error_lines(result.stderr)
    assert len(lines) == 1, result.stderr[-2000:]
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def _fake_completed_run(model_dir: str, config: TrainConfig, epoch: int = 1) -> None:
    """A saved config and a backup that says `epoch` epochs completed (its
    weights are placeholder bytes: enough for the checks before training)."""
    os.makedirs(os.path.join(model_dir, BACKUP_DIR))
    config.save(model_dir)
    weights = os.path.join(model_dir, BACKUP_DIR, "latest.weights.h5")
    with open(weights, "wb") as f:
        f.write(b"placeholder weights")
    digest = hashlib.sha256(b"placeholder weights").hexdigest()
    with open(os.path.join(model_dir, BACKUP_DIR, "training_metadata.json"), "w") as f:
        json.dump({"epoch": epoch, "batch": 0, "weights_sha256": digest}, f)


def _temp_files(model_dir: str) -> list[str]:
    found = []
    for folder, _, names in os.walk(model_dir):
        found += [os.path.join(folder, n) for n in names if ".tmp-" in n]
    return found


# --- a failed first start; flags on resume --------------------------------------


def test_failed_first_start_is_started_over_with_the_new_flags(mpii_dir, tmp_path):
    # What a first start with a bad --data_dir leaves: the config, no epoch.
    model_dir = str(tmp_path / "run")
    os.makedirs(model_dir)
    tiny_config(str(tmp_path / "typo"), model_dir, epochs=1, steps_per_epoch=1).save(
        model_dir
    )
    result = posegate("train", "--model_dir", model_dir, "--data_dir", mpii_dir)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "never completed an epoch" in result.stdout
    assert TrainConfig.load(model_dir).data_dir == mpii_dir
    assert backup_epoch(model_dir) == 1


def test_resume_refuses_flags_that_differ_naming_them(mpii_dir, tmp_path):
    model_dir = str(tmp_path / "run")
    _fake_completed_run(model_dir, tiny_config(mpii_dir, model_dir, epochs=3))
    result = posegate("train", "--model_dir", model_dir, "--learning_rate", "0.001")
    _assert_one_error_line(result, "--learning_rate", "--override", model_dir)
    assert TrainConfig.load(model_dir).learning_rate == 2.5e-4  # untouched


def test_plan_run_resumes_overrides_and_starts_over(mpii_dir, tmp_path):
    model_dir = str(tmp_path / "run")
    saved = tiny_config(mpii_dir, model_dir, epochs=3)
    fields = {"data_dir": mpii_dir, "learning_rate": 1e-3, "epochs": 3, "preset": "x"}
    _fake_completed_run(model_dir, saved)
    same, note = plan_run(model_dir, fields, ["data_dir", "epochs"])
    assert same == saved and "Resuming" in note
    with pytest.raises(RunRefused, match="--learning_rate 0.001"):
        plan_run(model_dir, fields, ["learning_rate"])
    new, note = plan_run(model_dir, fields, ["learning_rate"], override=True)
    assert new.learning_rate == 1e-3 and new.final_learning_rate == pytest.approx(4e-5)
    assert new.epochs == 3 and "--learning_rate" in note
    with pytest.raises(RunRefused, match="--preset .*define"):
        plan_run(model_dir, fields, ["preset"], override=True)
    # Without a completed epoch the given flags win over the saved ones.
    os.remove(os.path.join(model_dir, BACKUP_DIR, "training_metadata.json"))
    fresh, note = plan_run(model_dir, fields, ["learning_rate"])
    assert fresh.learning_rate == 1e-3 and fresh.epochs == 3
    assert "never completed an epoch" in note
    with pytest.raises(RunRefused, match="--data_dir is required"):
        plan_run(str(tmp_path / "new"), {"data_dir": None}, [])


# --- NaN in the first epoch ------------------------------------------------------


def test_nan_in_the_first_epoch_says_what_is_really_kept(
    mpii_dir, tmp_path, monkeypatch
):
    real = trainer_module.train_and_val_datasets
    monkeypatch.setattr(
        trainer_module, "train_and_val_datasets", _poison_batch(real, 0)
    )
    model_dir = str(tmp_path / "run")
    with pytest.raises(TrainingDiverged) as info:
        train(tiny_config(mpii_dir, model_dir, epochs=2), verbose=0)
    message = str(info.value)
    assert "epoch 1" in message and "Nothing to resume" in message
    assert "train_config.json" in message and "--learning_rate" in message
    # It names only what exists.
    assert "backup" not in message and "last.keras" not in message
    assert not os.path.exists(os.path.join(model_dir, "last.keras"))
    assert backup_epoch(model_dir) == 0


# --- a damaged or interrupted checkpoint -----------------------------------------

# Dies (no cleanup) in the middle of writing the first backup: the weights file
# it writes is cut to half, as a kill or a full disk leaves it.
KILLED_IN_CHECKPOINT = textwrap.dedent(
    """
    import os, sys
    import keras
    from keras_posegate.training import TrainConfig, train

    def dying_save_weights(self, filepath, *args, **kwargs):
        real_save_weights(self, filepath, *args, **kwargs)
        with open(filepath, "r+b") as f:
            f.truncate(os.path.getsize(filepath) // 2)
        os._exit(9)

    real_save_weights = keras.Model.save_weights
    keras.Model.save_weights = dying_save_weights
    train(TrainConfig.load(sys.argv[1]), verbose=0)
    """
)


def test_kill_during_the_first_checkpoint_resumes_and_cleans_up(mpii_dir, tmp_path):
    model_dir = str(tmp_path / "run")
    os.makedirs(model_dir)
    tiny_config(mpii_dir, model_dir, epochs=1).save(model_dir)
    killed = run_python(["-c", KILLED_IN_CHECKPOINT, model_dir])
    assert killed.returncode == 9, killed.stderr[-2000:]
    assert _temp_files(model_dir)  # the cut weights file
    resumed = posegate("train", "--model_dir", model_dir)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert "Traceback" not in resumed.stderr
    assert backup_epoch(model_dir) == 1
    assert [int(r["epoch"]) for r in read_history(model_dir)] == [0]
    assert _temp_files(model_dir) == []


def test_damaged_newest_checkpoint_falls_back_to_the_previous(
    mpii_dir, tmp_path, capsys
):
    model_dir = str(tmp_path / "run")
    train(tiny_config(mpii_dir, model_dir, epochs=2), verbose=0)
    weights = os.path.join(model_dir, BACKUP_DIR, "latest.weights.h5")
    with open(weights, "r+b") as f:
        f.truncate(os.path.getsize(weights) // 2)
    capsys.readouterr()
    history = train(tiny_config(mpii_dir, model_dir, epochs=2), verbose=0)
    err = capsys.readouterr().err
    assert "warning:" in err and "resuming from the checkpoint of epoch 1" in err
    assert len(history.history["loss"]) == 1  # epoch 1 again
    assert [int(r["epoch"]) for r in read_history(model_dir)] == [0, 1]
    assert backup_epoch(model_dir) == 2


def test_empty_metadata_of_the_first_checkpoint_restarts(mpii_dir, tmp_path, capsys):
    model_dir = str(tmp_path / "run")
    train(tiny_config(mpii_dir, model_dir, epochs=1), verbose=0)
    open(os.path.join(model_dir, BACKUP_DIR, "training_metadata.json"), "w").close()
    capsys.readouterr()
    history = train(tiny_config(mpii_dir, model_dir, epochs=1), verbose=0)
    err = capsys.readouterr().err
    assert "is empty or damaged" in err and "starts again from epoch 1" in err
    assert len(history.history["loss"]) == 1  # epoch 0 again
    assert [int(r["epoch"]) for r in read_history(model_dir)] == [0]
    assert backup_epoch(model_dir) == 1


# --- a full disk -----------------------------------------------------------------


def _disk_fills_after_epoch_0(model_dir: str):
    def free_bytes(path: str) -> int:
        return 2**20 if backup_epoch(model_dir) >= 1 else 2**40

    return free_bytes


def test_full_disk_stops_before_the_checkpoint_keeping_the_last(
    mpii_dir, tmp_path, monkeypatch
):
    model_dir = str(tmp_path / "run")
    monkeypatch.setattr(
        run_dir_module, "free_bytes", _disk_fills_after_epoch_0(model_dir)
    )
    with pytest.raises(NotEnoughSpace) as info:
        train(tiny_config(mpii_dir, model_dir, epochs=3), verbose=0)
    message = str(info.value)
    assert model_dir in message and "1 MiB free" in message and "\n" not in message
    assert "checkpoint of epoch 1" in message and "resumes at epoch 2" in message
    assert backup_epoch(model_dir) == 1
    assert [int(r["epoch"]) for r in read_history(model_dir)] == [0]
    last = keras.saving.load_model(os.path.join(model_dir, "last.keras"))
    assert all(np.isfinite(np.asarray(w)).all() for w in last.weights)
    assert _temp_files(model_dir) == []


FULL_DISK_CLI = textwrap.dedent(
    """
    import sys
    from keras_posegate.training import run_dir
    run_dir.free_bytes = lambda path: 2**20  # 1 MiB free
    from keras_posegate.cli import main
    main(["posegate", "train", *sys.argv[1:]])
    """
)


def test_cli_full_disk_is_one_line(mpii_dir, tmp_path):
    model_dir = str(tmp_path / "run")
    result = run_python(
        ["-c", FULL_DISK_CLI, "--model_dir", model_dir, "--data_dir", mpii_dir]
    )
    _assert_one_error_line(result, model_dir, "MiB free")


# --- two runs on one directory; leftovers ----------------------------------------


def test_second_run_on_a_locked_model_dir_exits_2_naming_the_holder(mpii_dir, tmp_path):
    model_dir = str(tmp_path / "run")
    os.makedirs(model_dir)
    with lock_model_dir(model_dir), lock_model_dir(model_dir):  # re-entrant
        result = posegate("train", "--model_dir", model_dir, "--data_dir", mpii_dir)
    _assert_one_error_line(result, model_dir, f"pid {os.getpid()}")
    assert not os.path.exists(os.path.join(model_dir, "train_config.json"))
    with lock_model_dir(model_dir):  # released
        pass


def test_trim_history_survives_a_repeated_header(tmp_path):
    # What two runs appending to one history.csv leave.
    path = tmp_path / "history.csv"
    path.write_text("epoch,loss\n0,1.0\n1,0.5\nepoch,loss\n0,0.9\n1,0.4\n2,0.3\n")
    assert [r["loss"] for r in read_history(str(tmp_path))] == ["0.9", "0.4", "0.3"]
    assert trim_history(str(tmp_path), 2) == 4  # a header, 3 rows
    assert path.read_text() == "epoch,loss\n0,0.9\n1,0.4\n"
    assert trim_history(str(tmp_path), 2) == 0


def test_temporary_files_of_interrupted_writes_are_removed(tmp_path):
    backup = tmp_path / BACKUP_DIR
    backup.mkdir()
    leftovers = [tmp_path / ".tmp-123-last.keras", tmp_path / "train_config.json.tmp-7",
                 tmp_path / ".tmp-abc.part", backup / ".tmp-123-latest.weights.h5"]  # fmt: skip
    for path in leftovers:
        path.write_text("cut")
    keep = [tmp_path / ".lock", tmp_path / "last.keras", backup / "latest.weights.h5"]
    for path in keep:
        path.write_text("kept")
    removed = clean_temp_files(str(tmp_path))
    assert sorted(removed) == sorted(str(p) for p in leftovers)
    assert all(p.exists() for p in keep) and not any(p.exists() for p in leftovers)
