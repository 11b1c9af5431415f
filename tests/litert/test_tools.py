"""keras_posegate.litert: the int8 audit catches a planted float op; accuracy and
latency run on real converted models; `posegate audit` / `posegate latency` and
the `tflite/` scripts run from the shell."""

import json
import os
import subprocess
import sys

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_posegate.data.samples import sample_images
from keras_posegate.data.sources import resolve_eval_source
from keras_posegate.datasets.synthetic import write_sample_dataset
from keras_posegate.export import tflite as export_tflite
from keras_posegate.litert import accuracy, audit, latency
from keras_posegate.models import PoseGateModel
from tests.helpers import TINY as SMALL

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _representative():
    rng = np.random.default_rng(0)
    for _ in range(4):
        yield [rng.uniform(size=(1, 16, 16, 3)).astype(np.float32)]


def _convert(model, int8_only: bool) -> bytes:
    import tensorflow as tf

    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = _representative
    if int8_only:
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    converter.inference_input_type = tf.int8
    converter.inference_output_type = tf.int8
    return converter.convert()


def _tiny(with_float_op: bool):
    inputs = keras.Input((16, 16, 3))
    x = keras.layers.Conv2D(4, 3, padding="same")(inputs)
    if with_float_op:  # no int8 kernel: the converter leaves it in float32
        x = keras.layers.Lambda(lambda t: keras.ops.cumsum(t, axis=1))(x)
    return keras.Model(inputs, keras.layers.Conv2D(2, 1)(x))


def test_audit_passes_an_integer_model():
    report = audit.audit_int8(_convert(_tiny(False), int8_only=True))
    assert report.ok and not report.violations and report.num_ops >= 2


def test_audit_catches_a_planted_float_op():
    report = audit.audit_int8(_convert(_tiny(True), int8_only=False))
    assert not report.ok
    assert any("DEQUANTIZE inside the graph" in v for v in report.violations)
    assert any("float tensors" in v for v in report.violations)


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    model = PoseGateModel(**SMALL)
    out = tmp_path_factory.mktemp("tools")
    examples = {"images": sample_images(64, 8, seed=5)}
    batches = tf.data.Dataset.from_tensor_slices(examples["images"]).batch(4)
    rep = export_tflite.representative_from_dataset(batches, 2)
    paths = {}
    for q, r, io in (("float32", None, "float32"), ("int8", rep, "int8")):
        content = export_tflite.convert_keras(model, q, r, io)
        paths[q] = export_tflite.write_tflite(content, out, q)[0]
    return model, examples, paths


def test_accuracy_without_data_scores_synthetic_people(converted, tmp_path, capsys):
    model, _, paths = converted
    model.save(tmp_path / "m.keras")
    code = accuracy.main(["--keras", str(tmp_path / "m.keras"), "--num", "6",
                          paths["float32"], paths["int8"]])  # fmt: skip
    report = json.loads(capsys.readouterr().out)
    assert code == 0 and set(report) == {"keras", "posegate_float32.tflite",
                                         "posegate_int8.tflite"}  # fmt: skip
    assert report["keras"]["metric"] == "PCKh@0.5"
    f32 = report["posegate_float32.tflite"]
    assert f32["mean"] == pytest.approx(report["keras"]["mean"])
    assert f32["mean_px_to_keras"] < 0.05


def test_accuracy_on_a_dataset_uses_the_official_evaluation(converted, tmp_path):
    model, _, paths = converted
    write_sample_dataset(tmp_path, "mpii", 12, seed=3, image_size=(96, 96))
    source = resolve_eval_source("mpii", str(tmp_path), "valid")
    report = accuracy.compare_on_data(model, paths, source, "mpii")
    assert set(report) == {"keras", "float32", "int8"}
    assert report["keras"]["metric"] == "PCKh@0.5"
    assert report["float32"]["mean_px_to_keras"] < 0.05
    assert report["float32"]["mean"] == pytest.approx(report["keras"]["mean"])
    assert 0 < report["int8"]["mean_px_to_keras"] < 96


def test_benchmark_reports_latency_and_size(converted):
    _, _, paths = converted
    report = latency.benchmark(list(paths.values()), threads=(1, 2), runs=3)
    f32, i8 = report["posegate_float32.tflite"], report["posegate_int8.tflite"]
    assert i8["bytes"] < f32["bytes"]
    assert f32["threads_1"]["median_ms"] > 0 and i8["threads_2"]["p90_ms"] > 0


def _run(*args):
    return subprocess.run(
        list(args), cwd=REPO, capture_output=True, text=True, timeout=300
    )


def test_scripts_run_from_the_shell(converted):
    _, _, paths = converted
    ok = _run(sys.executable, "tflite/audit.py", paths["int8"])
    assert ok.returncode == 0 and '"ok": true' in ok.stdout
    both = [paths["float32"], paths["int8"]]
    # A float model is not an int8 failure unless int8 is required.
    floats = _run(sys.executable, "tflite/audit.py", *both)
    assert floats.returncode == 0 and "a float model" in floats.stderr
    bad = _run(sys.executable, "tflite/audit.py", *both, "--require_int8")
    assert bad.returncode == 1 and "FAIL" in bad.stderr and "PASS" in bad.stderr
    gpu = _run(sys.executable, "tflite/audit.py", *both, "--require_gpu")
    assert gpu.returncode == 0 and gpu.stderr.count("runs whole") == 2
    missing = _run(sys.executable, "tflite/audit.py", "nope.tflite")
    assert (
        missing.returncode == 2 and "no such model file: nope.tflite" in missing.stderr
    )


def test_audit_and_latency_subcommands(converted):
    _, _, paths = converted
    posegate = os.path.join(os.path.dirname(sys.executable), "posegate")
    audited = _run(posegate, "audit", paths["int8"])
    assert audited.returncode == 0, audited.stderr
    assert json.loads(audited.stdout)["ok"] is True
    refused = _run(posegate, "audit", "--require_int8", paths["float32"])
    assert refused.returncode == 1 and '"ok": false' in refused.stdout
    report = json.loads(_run(posegate, "audit", paths["float32"]).stdout)
    assert report["int8_model"] is False and report["op_counts"]["CONV_2D"] > 0
    assert report["gpu_delegate"]["compatible"] is True
    timed = _run(posegate, "latency", "--runs", "2", "--threads", "1", paths["int8"])
    assert timed.returncode == 0, timed.stderr
    row = json.loads(timed.stdout)["posegate_int8.tflite"]
    assert row["bytes"] == os.path.getsize(paths["int8"])
    assert set(row) == {"bytes", "threads_1"} and row["threads_1"]["median_ms"] > 0
