"""The model on JAX and PyTorch equals the model on TensorFlow.

Each backend runs in its own child process (`_backend_checks.py`): TensorFlow
saves the sweep models (every gate mode and fusion), each other backend loads
the `.keras` files and records outputs, the loss, decoded keypoints, one `fit`
step on a tf.data pipeline, and the parameter count of every preset; then
TensorFlow loads the models each backend saved after its step.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from tests.backends.conftest import OTHER_BACKENDS
from tests.training.helpers import REPO, child_env

TOL = dict(rtol=1e-4, atol=1e-4)
SWEEP_SIZE = 4


def _check(args: list[str], backend: str) -> None:
    # Faster XLA compiles (JAX's weight initialisers compile one kernel per
    # shape); the numbers do not change.
    env = child_env(
        KERAS_BACKEND=backend, XLA_FLAGS="--xla_backend_optimization_level=0"
    )
    result = subprocess.run(
        [sys.executable, "-m", "tests.backends._backend_checks", *args],
        capture_output=True, text=True, env=env, cwd=REPO, timeout=900,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert json.loads(result.stdout.strip().splitlines()[-1])["backend"] == backend


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> str:
    out = str(tmp_path_factory.mktemp("parity"))
    _check(["make", out], "tensorflow")
    for backend in OTHER_BACKENDS:
        _check(["run", out], backend)
    _check(["reload", out, *OTHER_BACKENDS], "tensorflow")
    return out


def _load(out: str, name: str):
    return np.load(os.path.join(out, f"{name}.npz"))


@pytest.mark.parametrize("backend", OTHER_BACKENDS)
def test_loaded_models_give_tensorflows_outputs(out, backend):
    ref, got = _load(out, "tensorflow"), _load(out, backend)
    for i in range(SWEEP_SIZE):
        assert got[f"outputs_{i}"].shape == ref[f"outputs_{i}"].shape
        np.testing.assert_allclose(got[f"outputs_{i}"], ref[f"outputs_{i}"], **TOL)


@pytest.mark.parametrize("backend", OTHER_BACKENDS)
def test_loss_and_decoded_keypoints_match(out, backend):
    ref, got = _load(out, "tensorflow"), _load(out, backend)
    for i in range(SWEEP_SIZE):
        np.testing.assert_allclose(got[f"loss_{i}"], ref[f"loss_{i}"], **TOL)
        np.testing.assert_allclose(got[f"joints_{i}"], ref[f"joints_{i}"], atol=1e-3)
        np.testing.assert_allclose(got[f"scores_{i}"], ref[f"scores_{i}"], **TOL)


@pytest.mark.parametrize("backend", OTHER_BACKENDS)
def test_one_fit_step_trains_like_tensorflow(out, backend):
    ref, got = _load(out, "tensorflow"), _load(out, backend)
    for i in range(SWEEP_SIZE):
        assert np.isfinite(got[f"fit_loss_{i}"])
        np.testing.assert_allclose(got[f"fit_loss_{i}"], ref[f"fit_loss_{i}"], **TOL)
        # The step changed the model, and as TensorFlow's step did.
        assert np.abs(got[f"stepped_{i}"] - got[f"outputs_{i}"]).max() > 1e-3
        np.testing.assert_allclose(got[f"stepped_{i}"], ref[f"stepped_{i}"], **TOL)


@pytest.mark.parametrize("backend", OTHER_BACKENDS)
def test_models_saved_on_the_backend_load_on_tensorflow(out, backend):
    saved, reloaded = _load(out, backend), _load(out, f"reload_{backend}")
    for i in range(SWEEP_SIZE):
        np.testing.assert_allclose(
            reloaded[f"stepped_{i}"], saved[f"stepped_{i}"], **TOL
        )


@pytest.mark.parametrize("backend", OTHER_BACKENDS)
def test_every_preset_builds_with_tensorflows_parameter_count(out, backend):
    def counts(name):
        with open(os.path.join(out, f"{name}_presets.json")) as f:
            return json.load(f)

    ref = counts("tensorflow")
    assert len(ref) == 6 and counts(backend) == ref
