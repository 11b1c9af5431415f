import keras
import numpy as np
import pytest

from keras_posegate.models.layers import ChannelAffine, SoftGate
from tests.helpers import (
    assert_config_round_trip,
    assert_fit_step,
    assert_saved_model_equal,
    run_layer_test,
)


def _gate_model(mode, value=0.0):
    inputs = keras.Input((4, 4, 8))
    return keras.Model(inputs, SoftGate(mode, value, name="gate")(inputs))


def test_channel_gate_starts_at_zero_and_is_trainable_per_channel():
    gate = SoftGate()
    out = gate(np.ones((2, 4, 4, 8), np.float32))
    assert out.shape == (2, 4, 4, 8)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(out), 0.0)
    assert gate.alpha.shape == (8,)
    assert gate.trainable_weights == [gate.alpha]


@pytest.mark.parametrize(
    "mode,value,shape,trainable,expected",
    [
        ("scalar", 0.0, (1,), True, 0.0),
        ("fixed", 0.5, (1,), False, 0.5),
        ("fixed", 0.1, (1,), False, 0.1),
        ("identity", 0.3, (1,), False, 1.0),
    ],
)
def test_gate_modes_of_table_ii(mode, value, shape, trainable, expected):
    gate = SoftGate(mode, value)
    x = np.random.default_rng(0).normal(size=(1, 3, 3, 8)).astype(np.float32)
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(gate(x)), expected * x, rtol=1e-6
    )
    assert gate.alpha.shape == shape
    assert (len(gate.trainable_weights) == 1) == trainable


def test_gate_config_save_and_jit_fit(tmp_path):
    clone = assert_config_round_trip(SoftGate("fixed", 0.1, name="g"))
    assert clone.value == 0.1 and clone.mode == "fixed"
    model = _gate_model("channel")
    x = np.random.default_rng(1).normal(size=(4, 4, 4, 8)).astype(np.float32)
    assert_fit_step(model, x, 0.5 * x)
    assert np.abs(keras.ops.convert_to_numpy(model.get_layer("gate").alpha)).max() > 0
    assert_saved_model_equal(model, x, tmp_path)


def test_channel_affine_is_scale_and_bias(tmp_path):
    layer = ChannelAffine()
    x = np.ones((1, 2, 2, 3), np.float32)
    layer.build(x.shape)
    layer.set_weights([np.array([1.0, 2.0, 3.0]), np.array([0.5, 0.0, -1.0])])
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(layer(x))[0, 0, 0], [1.5, 2.0, 2.0]
    )
    assert_config_round_trip(layer)


@pytest.mark.parametrize(
    "kwargs", [{}, {"mode": "scalar"}, {"mode": "fixed", "value": 0.1},
               {"mode": "identity"}],
)  # fmt: skip
def test_soft_gate_passes_the_layer_checks(kwargs, tmp_path):
    model = run_layer_test(SoftGate, kwargs, (2, 4, 4, 8), tmp_path)
    trainable = kwargs.get("mode", "channel") in ("channel", "scalar")
    assert bool(model.trainable_weights) == trainable


def test_channel_affine_passes_the_layer_checks(tmp_path):
    model = run_layer_test(ChannelAffine, {}, (2, 3, 3, 5), tmp_path)
    scale, bias = model.get_layer("under_test").get_weights()
    assert scale.shape == bias.shape == (5,)


def test_unknown_gate_mode_names_the_value():
    with pytest.raises(ValueError, match="mode='sigmoid'"):
        SoftGate("sigmoid")


def test_fused_batch_norm_trains_exactly_like_keras_batch_norm():
    import tensorflow as tf

    from keras_posegate.models.layers import FusedBatchNormalization

    rng = np.random.default_rng(0)
    x = tf.constant(rng.normal(2.0, 3.0, (4, 5, 5, 6)).astype(np.float32))
    fused = FusedBatchNormalization(epsilon=1e-5, momentum=0.9)
    plain = keras.layers.BatchNormalization(epsilon=1e-5, momentum=0.9)
    weights = [rng.uniform(0.5, 2, 6).astype(np.float32) for _ in range(4)]
    probe = tf.constant(rng.normal(size=x.shape).astype(np.float32))
    for layer in (fused, plain):
        layer.build(x.shape)
        layer.set_weights(weights)
    results = []
    for layer in (fused, plain):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = layer(x, training=True)
            loss = tf.reduce_sum(y * probe)
        grads = tape.gradient(loss, [x, layer.gamma, layer.beta])
        stats = [layer.moving_mean, layer.moving_variance]
        results.append([y, *grads, *stats, layer(x, training=False)])
    for a, b in zip(*results, strict=True):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-4, atol=2e-5)
    assert not np.allclose(results[0][4], 1.0)  # the statistics did move


def test_fused_batch_norm_layer_checks_and_the_model_uses_it(tmp_path):
    from keras_posegate.models import PoseGateModel
    from keras_posegate.models.layers import FusedBatchNormalization
    from tests.helpers import TINY

    layer = FusedBatchNormalization(momentum=0.8)
    layer.build((None, 3, 3, 4))
    assert_config_round_trip(layer)
    inputs = keras.Input((3, 3, 4))
    model = keras.Model(inputs, FusedBatchNormalization()(inputs))
    x = np.random.default_rng(1).normal(size=(2, 3, 3, 4)).astype(np.float32)
    assert_fit_step(model, x, x + 1.0)
    assert_saved_model_equal(model, x, tmp_path)
    norms = [type(v).__name__ for v in PoseGateModel(**TINY).layers if "_bn" in v.name]
    assert norms and set(norms) == {"FusedBatchNormalization"}


def test_a_nan_input_gives_a_nan_loss_through_fused_batch_norm_and_relu():
    # Grappler fuses a batch-norm kernel with the ReLU after it into oneDNN's
    # `_FusedBatchNormEx`, whose ReLU turns NaN into 0: the loss stayed finite
    # while the weights became NaN, and the NaN stop never fired. The layer's
    # zero loss `0 * sum(batch mean)` carries the NaN into the loss (this test
    # fails without it).
    from keras_posegate.losses import MaskedHeatmapMSE
    from keras_posegate.models import PoseGateModel
    from tests.helpers import TINY

    model = PoseGateModel(**TINY)
    model.compile(optimizer="rmsprop", loss=[MaskedHeatmapMSE()] * TINY["num_stacks"])
    size = TINY["input_size"]
    images = np.full((2, size, size, 3), np.nan, np.float32)
    targets = [np.zeros((2, size // 4, size // 4, 16), np.float32)] * TINY["num_stacks"]
    assert np.isnan(model.train_on_batch(images, targets)[0])
