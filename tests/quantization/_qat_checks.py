"""Run in a child process by test_qat.py: tfmot switches its process to Keras 2,
so these checks never share a pytest worker with the Keras 3 tests.

Prints one JSON line of measurements for the test to assert on.
"""

import json
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tf_keras  # noqa: E402

from keras_posegate.data.samples import sample_dataset, sample_images  # noqa: E402
from keras_posegate.models import PoseGateModel, build_graph  # noqa: E402
from keras_posegate.quantization import qat  # noqa: E402
from tests.helpers import TINY as SMALL  # noqa: E402  (PYTHONPATH: the repo)
from tests.helpers import randomize_gates_and_norms  # noqa: E402


def trained_like_model():
    model = PoseGateModel(**SMALL)
    return randomize_gates_and_norms(model, np.random.default_rng(0))


def twin_tolerance():
    """`float_twin`'s check scales with the heatmaps and still catches a miss."""
    big = trained_like_model()
    for layer in big.layers:
        if layer.name.startswith("heatmaps"):  # outputs in the hundreds
            layer.kernel.assign(layer.kernel * 1000.0)
    out = {"big_peak": float(np.abs(np.asarray(big(sample_images(64, 2))[-1])).max())}
    qat.float_twin(big)  # raises if the tolerance does not scale
    try:
        qat.float_twin(trained_like_model(), atol=1e-12)
        out["strict_error"] = None
    except ValueError as e:
        out["strict_error"] = str(e)
    return out


def calibration(qat_model, twin, x):
    """Output ranges before and after `calibrate_ranges`, and the float ones.

    The stem conv (first) and the deepest layer whose float output passes
    +-6 (measured through the QAT model, its inputs would already be clipped
    at the upstream [-6, 6] ranges) take the float twin's output ranges. The
    images are scaled x20 so that activations pass +-6.
    """
    from keras_posegate.quantization.calibrate import (
        activation_range_variables,
        calibrate_ranges,
    )

    def ranges(name):
        pairs = activation_range_variables(qat_model)[name]
        low = [float(np.min(v.numpy())) for v, is_min in pairs if is_min]
        high = [float(np.max(v.numpy())) for v, is_min in pairs if not is_min]
        return [min(low), max(high)]

    names = list(activation_range_variables(qat_model))
    before = ranges("stem_conv")
    big = np.asarray(x) * 20.0
    count = calibrate_ranges(qat_model, twin, [big[:2], big[2:]])
    probe = tf_keras.Model(twin.inputs, [twin.get_layer(n).output for n in names])
    floats = [[float(np.min(t)), float(np.max(t))] for t in probe(big)]
    deep = max(i for i, (lo, hi) in enumerate(floats) if max(-lo, hi) > 6.0)
    found = {"range_before": before, "range_after": ranges("stem_conv"), "ranges_set": count,
            "stem_float_range": floats[0], "deep_index": deep, "deep_name": names[deep],
            "deep_range_after": ranges(names[deep]), "deep_float_range": floats[deep]}  # fmt: skip
    calibrate_ranges(qat_model, twin, [x[:2], x[2:]])  # the images the rest sees
    return found


def tflite_vs_qat(content, qat_model, x):
    """The converted model's dequantized heatmaps against the QAT model's."""
    from ai_edge_litert.interpreter import Interpreter

    interpreter = Interpreter(model_content=content)
    interpreter.allocate_tensors()
    inp, out = interpreter.get_input_details()[0], interpreter.get_output_details()[0]
    (in_scale, in_zero), (out_scale, out_zero) = (
        inp["quantization"],
        out["quantization"],
    )
    diffs = []
    for image in np.asarray(x):
        q = np.clip(np.round(image / in_scale + in_zero), -128, 127).astype(np.int8)
        interpreter.set_tensor(inp["index"], q[None])
        interpreter.invoke()
        heatmaps = (
            interpreter.get_tensor(out["index"]).astype(np.float32) - out_zero
        ) * out_scale
        # The QAT model sees the same quantized input the TFLite model does.
        expected = np.asarray(
            qat_model((q[None] - in_zero) * in_scale, training=False)[-1]
        )
        diffs.append(np.abs(heatmaps - expected))
    return {"tflite_vs_qat_max_diff": float(np.max(diffs)),
            "tflite_vs_qat_mean_diff": float(np.mean(diffs)),
            "tflite_output_scale": float(out_scale)}  # fmt: skip


def main(out_dir):
    # Keras' initializers draw unseeded: the same seed every run, so that
    # the tolerances below are checked on one model, not on a random one
    # (unseeded, the TFLite-vs-QAT mean difference ranged 1.3-5.1% of the peak).
    keras.utils.set_random_seed(0)
    results = {}
    model = trained_like_model()
    twin = qat.float_twin(model)  # raises if outputs disagree
    x = sample_images(64, 4, seed=1)
    results["twin_max_diff"] = max(
        float(np.abs(np.asarray(a) - np.asarray(b)).max())
        for a, b in zip(model(x), twin(x), strict=True)
    )
    results.update(twin_tolerance())
    inputs, outputs = build_graph(tf_keras, model.config_record.replace(width=20))
    try:
        from keras_posegate.models.transfer import copy_weights

        copy_weights(model, tf_keras.Model(inputs, outputs))
        results["mismatch_error"] = None
    except ValueError as e:
        results["mismatch_error"] = str(e)

    qat_model = qat.quantize(twin)
    results.update(calibration(qat_model, twin, x))
    with sample_dataset(64, num_stacks=2, num=24, batch_size=8) as dataset:
        results["loss"] = qat.fine_tune(qat_model, dataset.take(2), epochs=1)["loss"]
    before = [np.asarray(y) for y in qat_model(x, training=False)]
    qat.save_qat(qat_model, model.config_record, os.path.join(out_dir, "rt"))
    loaded, config = qat.load_qat(os.path.join(out_dir, "rt.weights.h5"))
    results["file_modes"] = {  # outputs follow the umask (not mkstemp's 0600)
        name: os.stat(os.path.join(out_dir, name)).st_mode & 0o777
        for name in ("rt.weights.h5", "rt.qat.json")
    }
    results["umask"] = os.umask(0o022)
    os.umask(results["umask"])
    after = [np.asarray(y) for y in loaded(x, training=False)]
    results["round_trip_max_diff"] = max(
        float(np.abs(a - b).max()) for a, b in zip(before, after, strict=True)
    )
    results["round_trip_config"] = config == model.config_record
    results["qat_vs_float_max_diff"] = float(
        np.abs(before[-1] - np.asarray(model(x)[-1])).max()
    )
    results["float_max_abs"] = float(np.abs(np.asarray(model(x)[-1])).max())

    from keras_posegate.export.tflite import convert_qat, write_tflite
    from keras_posegate.litert.audit import audit_int8

    content = convert_qat(loaded, io_dtype="int8")
    path, meta = write_tflite(content, out_dir, "qat", preset=None)
    results.update(tflite_vs_qat(content, loaded, x))
    audit = audit_int8(path)
    results["audit_ok"] = audit.ok
    results["audit_violations"] = audit.violations[:5]
    results["op_counts"] = audit.op_counts
    with open(meta) as f:
        results["metadata"] = json.load(f)
    print("RESULTS " + json.dumps(results))


if __name__ == "__main__":
    main(sys.argv[1])
