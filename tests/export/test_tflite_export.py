"""TFLite export from the Keras 3 model: each format, io types, metadata."""

import json
import os
from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf

from keras_posegate.data.samples import sample_images
from keras_posegate.export import tflite as export_tflite
from keras_posegate.fileio import file_mode
from keras_posegate.litert.accuracy import run_tflite
from keras_posegate.litert.audit import audit_int8
from keras_posegate.models import PoseGateModel
from tests.helpers import TINY as SMALL


@pytest.fixture(scope="module")
def model():
    return PoseGateModel(**SMALL)


@pytest.fixture(scope="module")
def examples():
    return {"images": sample_images(64, 8, seed=3)}


def _batches(examples, batch_size):
    return tf.data.Dataset.from_tensor_slices(examples["images"]).batch(batch_size)


@pytest.mark.parametrize("quantization", ["float32", "float16"])
def test_float_exports_match_keras(model, examples, quantization, tmp_path):
    content = export_tflite.convert_keras(model, quantization)
    path, meta_path = export_tflite.write_tflite(content, tmp_path, quantization)
    assert os.path.basename(path) == f"posegate_{quantization}.tflite"
    for written in (path, meta_path):  # readable by others, as the umask says
        assert os.stat(written).st_mode & 0o777 == file_mode()
    expected = model.predict(examples["images"], verbose=0)[-1]
    got = run_tflite(path, examples["images"])
    assert got.shape == expected.shape
    tol = 1e-4 if quantization == "float32" else 0.05 * np.abs(expected).max()
    np.testing.assert_allclose(got, expected, atol=tol)
    meta = json.loads(Path(meta_path).read_text())
    assert meta["input"]["dtype"] == "float32" and meta["input"]["quantization"] is None
    assert not audit_int8(path).ok  # float models are not integer-only


@pytest.mark.parametrize("io_dtype", ["int8", "uint8"])
def test_int8_ptq_is_all_integer_with_metadata(model, examples, io_dtype, tmp_path):
    rep = export_tflite.representative_from_dataset(
        _batches(examples, 4), num_batches=2
    )
    content = export_tflite.convert_keras(model, "int8", rep, io_dtype)
    path, meta_path = export_tflite.write_tflite(content, tmp_path, "int8", "tiny")
    report = audit_int8(path)
    assert report.ok, report.violations
    meta = json.loads(Path(meta_path).read_text())
    assert meta["format_version"] == 1 and meta["preset"] == "tiny"
    assert meta["input"]["dtype"] == io_dtype == meta["output"]["dtype"]
    q = meta["input"]["quantization"]
    assert q["scale"] == pytest.approx(1 / 255, rel=0.02)
    assert meta["output"]["stride"] == 4 and meta["output"]["width"] == 16
    assert meta["keypoints"]["names"][9] == "head_top"
    assert meta["decoding"]["method"] == "dark"  # what HeatmapCodec decodes
    expected = model.predict(examples["images"], verbose=0)[-1]
    got = run_tflite(path, examples["images"])
    assert np.abs(got - expected).max() < 0.2 * np.abs(expected).max() + 1e-3


def test_size_shrinks_with_quantization(model, examples):
    rep = export_tflite.representative_from_dataset(
        _batches(examples, 4), num_batches=1
    )
    f32 = len(export_tflite.convert_keras(model, "float32"))
    i8 = len(export_tflite.convert_keras(model, "int8", rep, "int8"))
    assert i8 < 0.7 * f32


@pytest.mark.parametrize(
    "quantization, io_dtype, message",
    [("int4", "float32", "quantization must be one of"),
     ("float32", "int8", "needs an integer model"),
     ("int8", "int16", "io_dtype must be one of")],
)  # fmt: skip
def test_bad_options(quantization, io_dtype, message):
    with pytest.raises(ValueError, match=message):
        export_tflite.check_options(quantization, io_dtype)


def test_int8_needs_representative_data(model):
    with pytest.raises(ValueError, match="representative"):
        export_tflite.convert_keras(model, "int8")
