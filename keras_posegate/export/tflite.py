"""TFLite conversion of the Keras 3 model and of the tf_keras QAT model.

float32 / float16 / int8 (post-training) from the Keras 3 model, and qat from
the tf_keras QAT model. Every exported model has ONE input
(`image`, NHWC RGB) and ONE output: the last stack's heatmaps.

Input and output types: "float32" (RGB in [0, 1]), or "int8" / "uint8" (only
for the integer models), whose scale and zero point go into the metadata JSON
(`metadata.py`); the app feeds `pixel / 255` quantized with them.

The Keras 3 models are converted from `gpu_friendly_graph(model)`: the same
layers and weights with nearest upsampling as one RESIZE_NEAREST_NEIGHBOR op,
so the LiteRT GPU delegate runs the model whole (see `keras_posegate.litert.gpu`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable

import keras
import numpy as np
import tensorflow as tf
from tensorflow.python.framework.convert_to_constants import (
    convert_variables_to_constants_v2,
)

from keras_posegate.export.metadata import tflite_metadata, write_metadata
from keras_posegate.fileio import atomic_write_bytes
from keras_posegate.logs import quiet_tensorflow
from keras_posegate.models.posegate_model import final_heatmaps

QUANTIZATIONS = ("float32", "float16", "int8", "qat")
IO_DTYPES = ("float32", "int8", "uint8")


def check_options(quantization: str, io_dtype: str) -> None:
    """Raise `ValueError` on an unknown or incompatible quantization / io type."""
    if quantization not in QUANTIZATIONS:
        raise ValueError(
            f"quantization must be one of {QUANTIZATIONS}. "
            f"Received: quantization={quantization!r}"
        )
    if io_dtype not in IO_DTYPES:
        raise ValueError(
            f"io_dtype must be one of {IO_DTYPES}. Received: io_dtype={io_dtype!r}"
        )
    if io_dtype != "float32" and quantization in ("float32", "float16"):
        raise ValueError(
            "Integer input/output needs an integer model (int8 or qat). "
            f"Received: quantization={quantization!r}, io_dtype={io_dtype!r}"
        )


def representative_from_dataset(
    dataset: tf.data.Dataset, num_batches: int = 16
) -> Callable[[], Iterable[list[np.ndarray]]]:
    """A TFLite representative-dataset callable.

    Args:
        dataset: a pipeline of `(images, ...)` batches (or of image batches).
        num_batches: how many batches to draw from.

    Returns:
        A callable yielding `[image (1, S, S, 3) float32]`, one image at a time.
    """

    def gen():
        for element in dataset.take(num_batches):
            images = element[0] if isinstance(element, tuple | list) else element
            for image in np.asarray(images, np.float32):
                yield [image[None]]

    return gen


class _ResizeNearest(keras.layers.Layer):
    """Export-only stand-in for `UpSampling2D(interpolation="nearest")`.

    One RESIZE_NEAREST_NEIGHBOR op (Keras lowers its upsampling to `repeat`,
    i.e. 5-D RESHAPE + TILE, which the LiteRT GPU delegate refuses). Same
    values: output pixel `i` reads input pixel `floor(i / factor)`.
    """

    def __init__(self, size, **kwargs):
        super().__init__(**kwargs)
        self.size = tuple(size)

    def call(self, x):
        height, width = x.shape[1] * self.size[0], x.shape[2] * self.size[1]
        return tf.raw_ops.ResizeNearestNeighbor(
            images=x,
            size=[height, width],
            align_corners=False,
            half_pixel_centers=False,
        )


def gpu_friendly_graph(model) -> keras.Model:
    """The model's graph with every nearest `UpSampling2D` as one resize op.

    Every other layer (and so every weight) is shared with `model`, which is
    left as it is.

    Args:
        model: a Keras 3 `PoseGateModel` (or any functional model).

    Returns:
        A new functional model computing the same values.
    """

    def swap(layer):
        if isinstance(layer, keras.layers.UpSampling2D):
            if layer.interpolation != "nearest" or layer.data_format != "channels_last":
                return layer
            return _ResizeNearest(layer.size, name=f"{layer.name}_resize")
        return layer

    flat = keras.Model(model.inputs, model.outputs, name=f"{model.name}_export")
    return keras.models.clone_model(flat, clone_function=swap)


def _final_heatmaps_function(model) -> tf.types.experimental.ConcreteFunction:
    size = model.config_record.input_size
    spec = tf.TensorSpec((1, size, size, 3), tf.float32, name="image")
    graph = gpu_friendly_graph(model)

    @tf.function(input_signature=[spec])
    def heatmaps(image):
        return {"heatmaps": final_heatmaps(graph(image, training=False))}

    # Freeze the Keras 3 variables into constants (the converter would otherwise
    # keep resource variables, which calibration cannot read).
    return convert_variables_to_constants_v2(heatmaps.get_concrete_function())


def _set_io(converter, io_dtype: str) -> None:
    if io_dtype != "float32":
        dtype = {"int8": tf.int8, "uint8": tf.uint8}[io_dtype]
        converter.inference_input_type = dtype
        converter.inference_output_type = dtype


def convert_keras(
    model,
    quantization: str = "float32",
    representative: Callable | None = None,
    io_dtype: str = "float32",
) -> bytes:
    """Convert the Keras 3 `PoseGateModel` ("float32", "float16" or "int8").

    "int8" is full-integer post-training quantization: `representative` (see
    `representative_from_dataset`) is required; all ops are int8 builtins.
    """
    check_options(quantization, io_dtype)
    if quantization == "qat":
        raise ValueError("quantization='qat' converts the QAT model: use convert_qat")
    if quantization == "int8" and representative is None:
        raise ValueError("quantization='int8' needs a representative dataset")
    function = _final_heatmaps_function(model)
    with quiet_tensorflow():  # creating the converter warns too (no trackable)
        converter = tf.lite.TFLiteConverter.from_concrete_functions([function])
        if quantization == "float16":
            converter.optimizations = [tf.lite.Optimize.DEFAULT]
            converter.target_spec.supported_types = [tf.float16]
        elif quantization == "int8":
            converter.optimizations = [tf.lite.Optimize.DEFAULT]
            converter.representative_dataset = representative
            converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        _set_io(converter, io_dtype)
        return converter.convert()


def convert_qat(qat_model, io_dtype: str = "int8") -> bytes:
    """Convert the tf_keras QAT model to an all-int8 TFLite model.

    Args:
        qat_model: the model of `keras_posegate.quantization.qat`.
        io_dtype: the input and output type, one of `IO_DTYPES`.

    Returns:
        The `.tflite` flatbuffer, the last stack's heatmaps its one output.
    """
    import tf_keras

    check_options("qat", io_dtype)
    single = tf_keras.Model(qat_model.inputs, qat_model.outputs[-1])
    spec = tf.TensorSpec((1, *single.input_shape[1:]), tf.float32, name="image")
    function = tf.function(lambda image: single(image, training=False))
    # A concrete function without its trackable: the converter then converts the
    # graph as it is. `from_keras_model` (or passing the model as trackable)
    # first saves a SavedModel of every layer's call functions, which takes
    # 12x as long here (about 70 s against 6 s for posegate_tiny) for a
    # byte-for-byte equal result (tests/export/test_tflite_qat.py).
    with quiet_tensorflow():
        converter = tf.lite.TFLiteConverter.from_concrete_functions(
            [function.get_concrete_function(spec)]
        )
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        _set_io(converter, io_dtype)
        return converter.convert()


def write_tflite(
    model_content: bytes,
    export_dir: str,
    quantization: str,
    preset: str | None = None,
    dataset: str = "mpii",
) -> tuple[str, str]:
    """Write `posegate_{quantization}.tflite` and its `.json` metadata atomically.

    The metadata records whether the LiteRT GPU delegate takes every op
    (`gpu_delegate_compatible`) and `preferred_delegate`: "gpu" for a float16
    model it runs whole (the app's GPU choice), else "cpu" (XNNPACK).

    Returns:
        `(model path, metadata path)`.
    """
    from keras_posegate.litert.gpu import gpu_compatibility

    name = f"posegate_{quantization}.tflite"
    path = atomic_write_bytes(os.path.join(export_dir, name), model_content)
    gpu_ok = gpu_compatibility(model_content).compatible
    preferred = "gpu" if gpu_ok and quantization == "float16" else "cpu"
    metadata = tflite_metadata(model_content, name, preset, dataset, gpu_ok, preferred)
    meta_path = write_metadata(metadata, path.removesuffix(".tflite") + ".json")
    return path, meta_path
