"""GPU-delegate compatibility: the rules name the ops the delegate refuses, the
analyzer's report is parsed, and every Keras 3 export runs on the GPU whole
(the Keras graph itself, converted as is, does not: its upsampling is 5-D)."""

import json
from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf

from keras_posegate.data.samples import sample_images
from keras_posegate.export import tflite as export_tflite
from keras_posegate.litert import gpu
from keras_posegate.litert.accuracy import run_tflite
from keras_posegate.models import PoseGateModel
from keras_posegate.models.posegate_model import final_heatmaps

SMALL = dict(
    num_stacks=2, width=16, input_size=64, depth=2, bottom_blocks=1, stem_width=8
)

# The analyzer's format (tflite/tools/versioning/model_analyzer.cc): a warning
# line follows the op it is about, then one summary line per subgraph.
REPORT = """=== TFLite ModelAnalyzer ===

Subgraph#0 main(T#0) -> [T#5]
  Op#0 CONV_2D(T#0, T#1, T#2) -> [T#3]
  Op#1 TOPK_V2(T#3, T#4[3]) -> [T#5, T#6]
GPU COMPATIBILITY WARNING: Not supported op TOPK_V2
  Op#2 RELU(T#5) -> [T#7]

GPU COMPATIBILITY WARNING: Subgraph#0 has GPU delegate compatibility issues at nodes 1 with TFLite runtime version 2.21.0
"""


def _convert(function) -> bytes:
    return tf.lite.TFLiteConverter.from_concrete_functions(
        [function.get_concrete_function()]
    ).convert()


@pytest.fixture(scope="module")
def model():
    return PoseGateModel(**SMALL, fusion="concat_grouped", skip_transform="conv1x1")


def test_parse_analyzer_report():
    ok, warnings = gpu.parse_analyzer_report(REPORT)
    assert not ok and warnings == [(1, "TOPK_V2", "Not supported op TOPK_V2")]
    clean = "  Op#0 RELU(T#0) -> [T#1]\nYour model looks compatible with GPU delegate"
    assert gpu.parse_analyzer_report(clean) == (True, [])


def test_ops_without_a_gpu_kernel_are_named():
    @tf.function(input_signature=[tf.TensorSpec([1, 8, 8, 3], tf.float32)])
    def f(x):
        top, _ = tf.math.top_k(tf.reshape(x, [1, -1]), 3)
        return {"top": top, "flipped": tf.reverse(x, [1]), "relu": tf.nn.relu(x)}

    report = gpu.gpu_compatibility(_convert(f))
    assert not report.compatible
    assert report.incompatible_ops == {"REVERSE_V2": 1, "TOPK_V2": 1}
    assert any("TOPK_V2: no GPU delegate kernel" in i for i in report.issues)


def test_keras_upsampling_as_is_is_refused(model):
    # Keras lowers nearest UpSampling2D to `repeat`: 5-D RESHAPE and TILE.
    spec = tf.TensorSpec((1, 64, 64, 3), tf.float32)
    content = _convert(tf.function(lambda x: final_heatmaps(model(x)), [spec]))
    report = gpu.gpu_compatibility(content)
    assert not report.compatible
    assert set(report.incompatible_ops) == {"RESHAPE", "TILE"}
    assert "has 5 dimensions" in report.issues[0]


@pytest.mark.parametrize("quantization", ["float32", "float16", "int8"])
def test_every_keras_export_runs_whole_on_the_gpu(model, quantization, tmp_path):
    examples = {"images": sample_images(64, 8, seed=2)}
    rep, io = None, "float32"
    if quantization == "int8":
        rep = export_tflite.representative_from_dataset(
            tf.data.Dataset.from_tensor_slices(examples["images"]).batch(4), 2
        )
        io = "int8"
    content = export_tflite.convert_keras(model, quantization, rep, io)
    report = gpu.gpu_compatibility(content)
    assert report.compatible, report.issues
    path, meta_path = export_tflite.write_tflite(content, tmp_path, quantization)
    meta = json.loads(Path(meta_path).read_text())
    assert meta["gpu_delegate_compatible"] is True
    assert meta["preferred_delegate"] == ("gpu" if quantization == "float16" else "cpu")
    if quantization == "float32":  # The rewrite changes no value.
        expected = model.predict(examples["images"], verbose=0)[-1]
        np.testing.assert_allclose(run_tflite(path, examples["images"]), expected,
                                   atol=1e-5)  # fmt: skip


def test_the_keras_model_is_left_as_it_is(model):
    before = [type(layer).__name__ for layer in model.layers]
    graph = export_tflite.gpu_friendly_graph(model)
    assert [type(layer).__name__ for layer in model.layers] == before
    assert "UpSampling2D" in before
    names = [type(layer).__name__ for layer in graph.layers]
    assert "UpSampling2D" not in names and "_ResizeNearest" in names
    assert {id(w) for w in graph.weights} == {id(w) for w in model.weights}
