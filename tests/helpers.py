"""Shared test helpers (keras-hub style): config round trip, `.keras` save and
load with equal outputs, and a `jit_compile` fit step."""

from __future__ import annotations

import os

import keras
import numpy as np

from keras_posegate.models.layers import is_batch_norm


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


# The small model the tests share: 2 stacks x 16 at 64x64, depth 2 (heatmaps 16x16).
TINY = dict(
    num_stacks=2, width=16, input_size=64, depth=2, bottom_blocks=1, stem_width=8
)


def _tf_keras_twin_class(layer_cls):
    import tf_keras

    from keras_posegate.models.layers import layer_classes

    return tf_keras, layer_classes(tf_keras)[layer_cls.__name__]


def run_layer_test(
    layer_cls, init_kwargs: dict, input_shape: tuple, tmp_path, expected_shape=None
):
    """keras-hub's layer checks for a custom layer and its tf_keras twin.

    Output shape (and `compute_output_shape`), config round trip, `.keras` save
    and load with equal outputs, a `jit_compile` fit step when the layer has
    trainable weights, and the tf_keras twin: its config round trip and, with the
    same weights, the same outputs.
    """
    rng = np.random.default_rng(0)
    x = rng.normal(size=input_shape).astype(np.float32)
    layer = layer_cls(**init_kwargs)
    out = keras.ops.convert_to_numpy(layer(x))
    assert out.shape == tuple(expected_shape or input_shape)
    assert tuple(layer.compute_output_shape(input_shape)) == out.shape
    assert_config_round_trip(layer)
    inputs = keras.Input(input_shape[1:])
    model = keras.Model(inputs, layer_cls(**init_kwargs, name="under_test")(inputs))
    if model.trainable_weights:
        assert_fit_step(model, x, 0.5 * out + 1.0)
    assert_saved_model_equal(model, x, tmp_path)
    tf_keras, twin_cls = _tf_keras_twin_class(layer_cls)
    twin = twin_cls(**init_kwargs)
    twin.build(input_shape)
    twin.set_weights(model.get_layer("under_test").get_weights())
    config = twin.get_config()
    assert twin_cls.from_config(config).get_config() == config
    np.testing.assert_allclose(
        np.asarray(twin(tf_keras.backend.constant(x))),
        keras.ops.convert_to_numpy(model(x)),
        rtol=1e-5, atol=1e-6,
    )  # fmt: skip
    return model


def run_model_test(model, tmp_path, num_joints: int = 16):
    """keras-hub's model checks for a `PoseGateModel` and its tf_keras rebuild.

    One heatmap output per stack of `(input/4, input/4, joints)`, config round
    trip, `.keras` save and load with equal outputs, a `jit_compile` fit step,
    and the tf_keras graph from the same builder and config taking the weights
    and giving the same outputs.
    """
    import tf_keras

    from keras_posegate.models import build_graph
    from keras_posegate.models.transfer import copy_weights

    config = model.config_record
    size, side = config.input_size, config.input_size // 4
    rng = np.random.default_rng(0)
    x = rng.uniform(size=(2, size, size, 3)).astype(np.float32)
    outputs = keras.tree.flatten(model(x))
    assert len(outputs) == config.num_stacks
    assert all(tuple(o.shape) == (2, side, side, num_joints) for o in outputs)
    clone = assert_config_round_trip(model)
    assert clone.count_params() == model.count_params()
    targets = [rng.uniform(size=o.shape).astype(np.float32) for o in outputs]
    assert_fit_step(model, x, targets, jit_compile=True)
    loaded = assert_saved_model_equal(model, x, tmp_path)
    twin = tf_keras.Model(*build_graph(tf_keras, config))
    copy_weights(model, twin)
    expected = keras.tree.flatten(model.predict(x, verbose=0))
    got = keras.tree.flatten(twin.predict(x, verbose=0))
    for a, b in zip(expected, got, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-4)
    return loaded


def randomize_gates_and_norms(model, rng):
    """Non-trivial gates and BN statistics (uniform 0.3-1), so that copies,
    exports and other backends are really checked; returns `model`."""
    for layer in model.layers:
        if type(layer).__name__ == "SoftGate" or is_batch_norm(layer):
            layer.set_weights(
                [rng.uniform(0.3, 1.0, w.shape).astype("float32")
                 for w in layer.get_weights()]
            )  # fmt: skip
    return model
