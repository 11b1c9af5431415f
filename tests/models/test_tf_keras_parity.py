"""The same builder and config, built with tf_keras, takes the Keras 3 weights
and gives the same outputs (what the quantization module relies on)."""

import numpy as np
import pytest
import tf_keras

from keras_posegate.models import PoseGateModel, build_graph
from keras_posegate.models.transfer import copy_weights
from tests.helpers import TINY as SMALL


def _trained_keras3_model(stem_blocks: int = 1):
    model = PoseGateModel(**SMALL, stem_blocks=stem_blocks)
    rng = np.random.default_rng(0)
    # Non-trivial gates and BN statistics, so the copy is really checked.
    for layer in model.layers:
        if layer.weights:
            layer.set_weights(
                [
                    rng.normal(0.5, 0.1, w.shape).astype("float32")
                    for w in layer.get_weights()
                ]
            )
    x = rng.uniform(size=(2, 64, 64, 3)).astype("float32")
    return model, x


@pytest.mark.parametrize("stem_blocks", [1, 2])  # tiny's stem, the paper presets'
@pytest.mark.parametrize("norm", ["batchnorm", "affine"])
def test_tf_keras_rebuild_accepts_weights_and_matches(norm, stem_blocks):
    model, x = _trained_keras3_model(stem_blocks)
    inputs, outputs = build_graph(tf_keras, model.config_record, norm=norm)
    twin = tf_keras.Model(inputs, outputs)
    assert len(twin.layers) == len(model.layers)
    copied = copy_weights(model, twin)
    assert copied > 10
    for a, b in zip(
        model.predict(x, verbose=0), twin.predict(x, verbose=0), strict=True
    ):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-4)


def test_copy_fails_loudly_on_a_different_architecture():
    model, _ = _trained_keras3_model()
    inputs, outputs = build_graph(tf_keras, model.config_record.replace(width=20))
    with pytest.raises(ValueError, match="weight shapes differ"):
        copy_weights(model, tf_keras.Model(inputs, outputs))
