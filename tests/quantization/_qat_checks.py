"""Run in a child process by test_qat.py: tfmot switches its process to Keras 2,
so these checks never share a pytest worker with the Keras 3 tests.

Prints one JSON line of measurements for the test to assert on.
"""

import json
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "tensorflow")

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


def main(out_dir):
    results = {}
    model = trained_like_model()
    twin = qat.float_twin(model)  # raises if outputs disagree
    x = sample_images(64, 4, seed=1)
    results["twin_max_diff"] = max(
        float(np.abs(np.asarray(a) - np.asarray(b)).max())
        for a, b in zip(model(x), twin(x), strict=True)
    )
    inputs, outputs = build_graph(tf_keras, model.config_record.replace(width=20))
    try:
        from keras_posegate.models.transfer import copy_weights

        copy_weights(model, tf_keras.Model(inputs, outputs))
        results["mismatch_error"] = None
    except ValueError as e:
        results["mismatch_error"] = str(e)

    qat_model = qat.quantize(twin)
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
    audit = audit_int8(path)
    results["audit_ok"] = audit.ok
    results["audit_violations"] = audit.violations[:5]
    results["op_counts"] = audit.op_counts
    with open(meta) as f:
        results["metadata"] = json.load(f)
    print("RESULTS " + json.dumps(results))


if __name__ == "__main__":
    main(sys.argv[1])
