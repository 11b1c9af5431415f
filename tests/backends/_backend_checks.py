"""Run in child processes by test_parity.py (a process has one Keras backend).

    python -m tests.backends._backend_checks make OUT    # TensorFlow: the models
    KERAS_BACKEND=B python -m tests.backends._backend_checks run OUT
    python -m tests.backends._backend_checks reload OUT  # TensorFlow: B's files

`make` saves the sweep models (every gate mode and fusion) with non-trivial
weights as `.keras` files, plus fixed inputs. `run` loads them on its backend
and records outputs, loss values, decoded keypoints, one `fit` step on a
`tf.data` pipeline (loss and the updated model's outputs) and the parameter
count of every preset built there; it saves its stepped models for `reload`,
which runs them on TensorFlow. The test compares the `.npz` files.
"""

from __future__ import annotations

import json
import os
import sys

import keras
import numpy as np
import tensorflow as tf

from keras_posegate.codec import HeatmapCodec
from keras_posegate.inference import KerasPredictor, predict_image
from keras_posegate.losses import MaskedHeatmapMSE, heatmap_mse
from keras_posegate.models import PoseGateModel
from keras_posegate.models.presets import preset_names
from tests.helpers import randomize_gates_and_norms

SMALL = dict(num_stacks=2, width=16, input_size=32, depth=1, bottom_blocks=1,
             stem_width=8)  # fmt: skip
# Every gate mode and every fusion at least once (and the conv1x1 big skip).
SWEEP = [
    dict(gate="channel", fusion="concat"),
    dict(gate="scalar", fusion="concat_grouped"),
    dict(gate="fixed", gate_value=0.5, fusion="sum", skip_transform="conv1x1"),
    dict(gate="identity", fusion="concat"),
]


def _backend() -> str:
    return keras.backend.backend()


def make(out: str) -> None:
    rng = np.random.default_rng(0)
    for i, overrides in enumerate(SWEEP):
        model = PoseGateModel(**SMALL, **overrides)
        randomize_gates_and_norms(model, rng)
        model.save(os.path.join(out, f"sweep_{i}.keras"))
    side = SMALL["input_size"] // 4
    weights = np.ones((2, 16), np.float32)
    weights[0, :3] = 0.0
    np.savez(
        os.path.join(out, "inputs.npz"),
        images=rng.random((2, 32, 32, 3), dtype=np.float32),
        targets=rng.random((2, side, side, 16), dtype=np.float32),
        weights=weights,
        photo=rng.integers(0, 256, (90, 70, 3), dtype=np.uint8),
    )


def _fit_step(model, images, targets, weights) -> float:
    from keras_posegate import backends

    model.compile(
        optimizer=keras.optimizers.SGD(0.01),
        loss=[MaskedHeatmapMSE() for _ in model.outputs],
        jit_compile=backends.jit_compile_for(False),
    )
    stacks = len(model.outputs)
    data = tf.data.Dataset.from_tensors(
        (images, (targets,) * stacks, (weights,) * stacks)
    )
    history = model.fit(data, epochs=1, verbose=0, shuffle=False)
    return float(history.history["loss"][0])


def _outputs(model, images) -> np.ndarray:
    from keras_posegate.backends import to_numpy

    return np.stack([to_numpy(o) for o in model(images, training=False)])


def run(out: str) -> None:
    from keras_posegate.models.saving import load_keras_model

    name = _backend()
    data = np.load(os.path.join(out, "inputs.npz"))
    images, targets, weights = data["images"], data["targets"], data["weights"]
    results = {}
    for i in range(len(SWEEP)):
        path = os.path.join(out, f"sweep_{i}.keras")
        model = load_keras_model(path)
        outputs = _outputs(model, images)
        results[f"outputs_{i}"] = outputs
        loss = MaskedHeatmapMSE()(targets, outputs[-1], sample_weight=weights)
        results[f"loss_{i}"] = [
            float(keras.ops.convert_to_numpy(loss)),
            float(keras.ops.convert_to_numpy(heatmap_mse(targets, outputs[-1], weights))),
        ]  # fmt: skip
        joints, scores = predict_image(KerasPredictor(path), data["photo"])
        results[f"joints_{i}"], results[f"scores_{i}"] = joints, scores
        results[f"fit_loss_{i}"] = _fit_step(model, images, targets, weights)
        results[f"stepped_{i}"] = _outputs(model, images)
        model.save(os.path.join(out, f"{name}_stepped_{i}.keras"))
    results["codec_heatmap_size"] = HeatmapCodec(32).heatmap_size
    np.savez(os.path.join(out, f"{name}.npz"), **results)
    params = {p: PoseGateModel.from_preset(p).count_params() for p in preset_names()}
    with open(os.path.join(out, f"{name}_presets.json"), "w") as f:
        json.dump(params, f)


def reload(out: str, backends: list[str]) -> None:
    from keras_posegate.models.saving import load_keras_model

    images = np.load(os.path.join(out, "inputs.npz"))["images"]
    for name in backends:
        results = {}
        for i in range(len(SWEEP)):
            model = load_keras_model(os.path.join(out, f"{name}_stepped_{i}.keras"))
            results[f"stepped_{i}"] = _outputs(model, images)
        np.savez(os.path.join(out, f"reload_{name}.npz"), **results)


if __name__ == "__main__":
    mode, out_dir = sys.argv[1], sys.argv[2]
    if mode == "make":
        make(out_dir)
        run(out_dir)
    elif mode == "run":
        run(out_dir)
    else:
        reload(out_dir, sys.argv[3:])
    print(json.dumps({"backend": _backend(), "mode": mode}))
