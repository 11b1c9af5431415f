"""QAT: weight copy and parity, QuantizeConfigs, fine-tuning, HDF5 round trip,
conversion to an all-int8 TFLite model, and `posegate quantize` via the
subprocess helper. The tfmot work runs in child processes (it switches its
process to Keras 2); the last test checks this worker is still Keras 3."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from tests.helpers import TINY as SMALL

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    out = tmp_path_factory.mktemp("qat")
    env = {**os.environ, "PYTHONPATH": REPO, "KERAS_BACKEND": "tensorflow"}
    env.pop("TF_USE_LEGACY_KERAS", None)
    proc = subprocess.run(
        [sys.executable, os.path.join(REPO, "tests/quantization/_qat_checks.py"),
         str(out)],
        capture_output=True, text=True, env=env, cwd=REPO, timeout=400,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    line = [x for x in proc.stdout.splitlines() if x.startswith("RESULTS ")][-1]
    return json.loads(line.removeprefix("RESULTS "))


def test_weight_copy_reproduces_the_keras3_model(results):
    assert results["twin_max_diff"] < 1e-4


def test_twin_check_scales_with_the_heatmaps(results):
    # A barely trained model can output hundreds; the check compares against
    # atol times that magnitude (the helper raises otherwise), and a
    # tolerance below float32 rounding still fails.
    assert results["big_peak"] > 100
    assert "does not reproduce the Keras 3 model" in results["strict_error"]


def test_weight_copy_fails_loudly_on_mismatch(results):
    assert "weight shapes differ" in results["mismatch_error"]


def test_fine_tuning_runs(results):
    assert all(np.isfinite(results["loss"])) and len(results["loss"]) == 1


def test_qat_model_stays_close_to_float(results):
    assert results["qat_vs_float_max_diff"] < 0.25 * results["float_max_abs"]


def test_checkpoint_round_trip(results):
    assert results["round_trip_config"]
    assert results["round_trip_max_diff"] < 1e-5
    expected = 0o666 & ~results["umask"]
    assert results["file_modes"] == {
        "rt.weights.h5": expected,
        "rt.qat.json": expected,
    }


def test_qat_tflite_passes_int8_audit(results):
    assert results["audit_ok"], results["audit_violations"]
    assert "DEQUANTIZE" not in results["op_counts"]
    assert results["op_counts"]["DEPTHWISE_CONV_2D"] > 0  # the affine twins


def test_qat_tflite_computes_what_the_qat_model_does(results):
    # Fake quantization (float sums, then rounding) and the int8 kernels
    # (fixed-point requantization) round differently at some layers, and the
    # differences add up through the 2-stack network: measured 3.3% of the
    # heatmaps' largest value on average and 21% at the worst pixel on the
    # child's seeded model (1.3-5.1% and 12-31% over unseeded ones; the same
    # in absolute terms with tfmot's [-6, 6] start ranges, whose output step
    # is 5x coarser). Wrong weights or a wrong graph miss by far more on
    # average.
    peak = results["float_max_abs"]
    assert results["tflite_vs_qat_mean_diff"] <= 0.05 * peak
    assert results["tflite_vs_qat_max_diff"] <= 0.5 * peak


def test_calibration_sets_activation_ranges_from_data(results):
    # tfmot starts every activation range at [-6, 6]; calibration replaces it
    # with what the data gives (the stem conv: the float output's range).
    assert results["range_before"] == [-6.0, 6.0]
    low, high = results["stem_float_range"]
    got_low, got_high = results["range_after"]
    tolerance = 0.03 * (high - low)
    assert abs(got_low - min(low, 0.0)) < tolerance and abs(got_high - high) < tolerance
    assert results["ranges_set"] > 100  # every output / activation quantizer
    # Deep in the network too: the float range, not one clipped at +-6 upstream.
    low, high = results["deep_float_range"]
    got_low, got_high = results["deep_range_after"]
    assert results["deep_index"] >= 20, results["deep_name"]  # past the stem
    assert got_low == pytest.approx(min(low, 0.0), rel=1e-5, abs=1e-6)
    assert got_high == pytest.approx(max(high, 0.0), rel=1e-5, abs=1e-6)


def test_qat_metadata(results):
    meta = results["metadata"]
    assert meta["model_file"] == "posegate_qat.tflite"
    assert meta["input"]["dtype"] == "int8"
    assert meta["input"]["quantization"]["scale"] > 0
    assert meta["output"]["height"] == 16 and meta["output"]["num_joints"] == 16


def test_quantize_cli_through_subprocess_helper(tmp_path):
    import keras

    from keras_posegate.models import PoseGateModel
    from keras_posegate.quantization import run_quantize_subprocess

    model = PoseGateModel(**SMALL)
    model.save(tmp_path / "m.keras")
    proc = run_quantize_subprocess(
        str(tmp_path / "m.keras"), str(tmp_path / "q"), epochs=1,
        synthetic_batches=1, timeout=300,
        extra_flags=[f"--tflite_dir={tmp_path / 'tfl'}", "--preset=tiny_test"],
    )  # fmt: skip
    report = json.loads(proc.stdout[proc.stdout.index("{") :])
    assert os.path.exists(report["weights"]) and os.path.exists(report["config"])
    # --tflite_dir: the int8 model of the fine-tuned weights, with its metadata.
    assert report["tflite"] == str(tmp_path / "tfl" / "posegate_qat.tflite")
    with open(report["tflite_metadata"]) as f:
        meta = json.load(f)
    assert meta["preset"] == "tiny_test" and meta["input"]["dtype"] == "int8"
    from keras_posegate.litert.audit import audit_int8

    assert audit_int8(report["tflite"]).ok
    # This process never imported tfmot: still Keras 3.
    assert "TF_USE_LEGACY_KERAS" not in os.environ
    assert keras.__version__.startswith("3.")
    assert "tensorflow_model_optimization" not in sys.modules


def test_quantize_cli_needs_data(tmp_path):
    from keras_posegate.models import PoseGateModel
    from keras_posegate.quantization import run_quantize_subprocess

    model_path = str(tmp_path / "m.keras")
    PoseGateModel(**SMALL).save(model_path)  # a real model: only the data is missing
    with pytest.raises(subprocess.CalledProcessError) as info:
        run_quantize_subprocess(model_path, str(tmp_path / "q"), timeout=300)
    assert info.value.returncode == 2
    assert "Traceback" not in info.value.stderr
    errors = [line for line in info.value.stderr.splitlines() if "error:" in line]
    assert errors == [
        "posegate quantize: error: give --data_dir or --synthetic_batches"
    ]
    assert not os.path.exists(tmp_path / "q.weights.h5")
