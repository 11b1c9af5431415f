"""`backends.inference_fn`: compiled inference that follows the model's weights."""

from __future__ import annotations

import gc
import weakref

import keras
import numpy as np

from keras_posegate import backends
from keras_posegate.models import PoseGateModel
from tests.helpers import randomize_gates_and_norms


def _model():
    model = PoseGateModel.from_preset("posegate_tiny", input_size=64)
    randomize_gates_and_norms(model, np.random.default_rng(0))
    return model


def test_compiled_call_matches_the_model_and_sees_new_weights():
    model = _model()
    x = np.random.default_rng(0).random((3, 64, 64, 3), dtype=np.float32)
    run = backends.inference_fn(model)
    direct = keras.ops.convert_to_numpy(model(x, training=False)[-1])
    np.testing.assert_allclose(run(x)[-1], direct, atol=1e-5)
    # A later weight change (training between validation passes) is seen.
    head = model.get_layer("heatmaps_1")
    kernel, bias = head.get_weights()
    head.set_weights([kernel, bias + 1.0])
    np.testing.assert_allclose(
        backends.inference_fn(model)(x)[-1], direct + 1.0, atol=1e-4
    )
    # Compiled once (a tf.function on TensorFlow), not run op by op, and
    # another batch size runs through the same function.
    assert backends._COMPILED[model].experimental_get_tracing_count() == 1
    assert backends.inference_fn(model)(x[:1])[-1].shape == (1, 16, 16, 16)


def test_the_cache_does_not_keep_a_model_alive():
    model = _model()
    backends.inference_fn(model)(np.zeros((1, 64, 64, 3), np.float32))
    ref = weakref.ref(model)
    del model
    gc.collect()
    assert ref() is None


def test_other_callables_are_returned_as_they_are():
    def runner(images, training=False):
        return images

    assert backends.inference_fn(runner) is runner
