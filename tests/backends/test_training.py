"""`posegate train --backend B`: checkpoints, resume and the NaN stop behave as
on TensorFlow; tf.distribute strategies refuse other backends in one line; the
benchmark times a backend in its own process."""

from __future__ import annotations

import os

import numpy as np
import pytest

from keras_posegate.models.saving import load_keras_model
from keras_posegate.training.backend_table import benchmark_backends, side_by_side
from keras_posegate.training.backup import backup_epoch
from keras_posegate.training.history import read_history
from tests.backends.conftest import OTHER_BACKENDS
from tests.training.conftest import TINY_MODEL, mpii_dir, tiny_config  # noqa: F401
from tests.training.helpers import posegate, run_python
from tests.training.test_resume import KILLED_RUN

# A JAX child compiles the train and predict steps: slower than TensorFlow's
# children on a busy 2-core machine.
SLOW = 600


@pytest.mark.parametrize("backend", OTHER_BACKENDS)
def test_killed_run_resumes_on_the_backend(mpii_dir, tmp_path, backend):  # noqa: F811
    model_dir = str(tmp_path / "run")
    os.makedirs(model_dir)
    tiny_config(mpii_dir, model_dir, epochs=3).save(model_dir)
    killed = run_python(
        ["-c", KILLED_RUN, model_dir], timeout=SLOW, KERAS_BACKEND=backend
    )
    assert killed.returncode == 9, killed.stderr[-2000:]
    assert backup_epoch(model_dir) == 1

    resumed = posegate(
        "train", "--backend", backend, "--model_dir", model_dir, timeout=SLOW
    )
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert "Resuming" in resumed.stdout
    assert [int(r["epoch"]) for r in read_history(model_dir)] == [0, 1, 2]
    assert all(0.0 <= float(r["val_pck"]) <= 100.0 for r in read_history(model_dir))
    assert backup_epoch(model_dir) == 3
    # The checkpoints the backend wrote load here, on TensorFlow.
    for name in ("last.keras", "best.keras"):
        model = load_keras_model(os.path.join(model_dir, name))
        out = model(np.zeros((1, 64, 64, 3), np.float32))
        assert np.isfinite(np.asarray(out[-1])).all()


@pytest.mark.parametrize("backend", OTHER_BACKENDS)
def test_nan_loss_stops_with_exit_3_on_the_backend(mpii_dir, tmp_path, backend):  # noqa: F811
    model_dir = str(tmp_path / "run")
    os.makedirs(model_dir)
    tiny_config(mpii_dir, model_dir, epochs=1, steps_per_epoch=4,
                learning_rate=1e30).save(model_dir)  # fmt: skip
    result = posegate(
        "train", "--backend", backend, "--model_dir", model_dir, timeout=SLOW
    )
    assert result.returncode == 3, result.stderr[-2000:]
    assert "posegate train: Loss became NaN" in result.stderr
    assert "Traceback" not in result.stderr


def test_distribution_strategies_stay_tensorflow_only(mpii_dir, tmp_path):  # noqa: F811
    model_dir = str(tmp_path / "run")
    result = posegate(
        "train", "--backend", "jax", "--strategy", "mirrored",
        "--model_dir", model_dir, "--data_dir", mpii_dir,
    )  # fmt: skip
    assert result.returncode == 2, result.stderr[-2000:]
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "TensorFlow-only" in lines[0], result.stderr
    assert "--backend tensorflow" in lines[0]
    assert not os.path.exists(os.path.join(model_dir, "train_config.json"))


def test_benchmark_runs_a_backend_in_its_own_process():
    (result,) = benchmark_backends(
        ["jax"], preset="posegate_tiny", model_config_overrides=TINY_MODEL,
        batch_size=2, steps=1, warmup=1, repeats=2, jit_compile=(False, True),
    )  # fmt: skip
    assert result["backend"] == "jax"
    # JAX always compiles with XLA: one setting, reported as such.
    assert "xla_off_images_per_s" not in result
    low, mid, high = (result[f"xla_on_images_per_s{k}"] for k in ("_min", "", "_max"))
    assert 0 < low <= mid <= high
    table = side_by_side([result])
    assert "jax.jit (XLA)" in table and f"{mid:.1f}" in table


def test_benchmark_names_an_unknown_backend():
    with pytest.raises(ValueError, match="mxnet"):
        benchmark_backends(["mxnet"], preset="posegate_tiny")
