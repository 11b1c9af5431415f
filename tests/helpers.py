"""Shared test helpers (keras-hub style): config round trip, `.keras` save and
load with equal outputs, and a `jit_compile` fit step."""

from __future__ import annotations

import os

import keras
import numpy as np


def assert_config_round_trip(obj):
    """`from_config(get_config())` gives back an equal config."""
    config = obj.get_config()
    clone = type(obj).from_config(config)
    assert clone.get_config() == config
    return clone


def assert_saved_model_equal(model, inputs, tmp_path):
    """Saving to `.keras` and loading (safe mode) gives the same outputs."""
    path = os.path.join(tmp_path, "model.keras")
    model.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True)
    expected = keras.tree.flatten(model.predict(inputs, verbose=0))
    got = keras.tree.flatten(loaded.predict(inputs, verbose=0))
    for a, b in zip(expected, got, strict=True):
        np.testing.assert_allclose(a, b, atol=1e-6)
    return loaded


def assert_fit_step(model, inputs, targets, jit_compile=True):
    """One compiled training step runs and changes the trainable weights."""
    before = [np.array(w) for w in model.trainable_weights]
    model.compile(
        optimizer=keras.optimizers.SGD(0.1), loss="mse", jit_compile=jit_compile
    )
    history = model.fit(inputs, targets, epochs=1, batch_size=len(inputs), verbose=0)
    assert np.isfinite(history.history["loss"][0])
    after = [np.array(w) for w in model.trainable_weights]
    assert any(not np.array_equal(a, b) for a, b in zip(before, after, strict=True))
    return history
