"""One train-step measurement, printed as one JSON line: ours (Keras 3) or
SG-TFK's `hourglass.models.HourglassModel` (tf.keras, `TF_USE_LEGACY_KERAS=1`).

Same for both: random in-memory batch (from_tensors().repeat(), tf.data
autotuning off), RMSprop, MSE on every stack's heatmaps, `fit` with a callback
clock from the end of a warm-up step to the end of the last step, and MACs
counted from the same TF graph profile (float ops / 2) of one forward pass.

    python benchmarks/step_rate.py --impl ours|sgtfk --model tiny|2x64 \
        --batch 8 --steps 20 --warmup 3 [--intra_op_threads N]

TensorFlow's thread pools are set as `posegate train` sets them for the step's
size (`keras_posegate.threads`, which imports nothing of ours, so SG-TFK's venv
runs it too) unless `--intra_op_threads` says otherwise (0: TensorFlow's choice,
one per core).

Run by benchmarks/sgtfk.sh, which interleaves the two and prints the table.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

# (stacks, width, input size, poolings) of the compared models.
MODELS = {"tiny": (2, 32, 128, 3), "2x64": (2, 64, 256, 4)}


def build(impl: str, name: str):
    stacks, width, size, depth = MODELS[name]
    if impl == "ours":
        import keras

        from keras_posegate.models import PoseGateModel

        if name == "tiny":
            model = PoseGateModel.from_preset("posegate_tiny")
        else:
            model = PoseGateModel.from_preset(
                "posegate_2x72", width=width, stem_width=width // 2
            )
        return keras, model, size, stacks
    from hourglass.layers import BulatBlock, ConcatFeatureAggregation1x1
    from hourglass.models import HourglassModel
    from tensorflow import keras  # tf_keras under TF_USE_LEGACY_KERAS=1

    model = HourglassModel(
        n_stacks=stacks, n_reductions=depth, n_heatmaps=16, inner_filters=width,
        bottleneck=BulatBlock, aggregation=ConcatFeatureAggregation1x1,
        short_preprocessing=False, conv_bias=False,
    )  # fmt: skip
    model.build((None, size, size, 3))
    return keras, model, size, stacks


def macs(model, size: int) -> float:
    import tensorflow as tf
    from tensorflow.python.framework.convert_to_constants import (
        convert_variables_to_constants_v2,
    )

    fn = tf.function(lambda x: model(x, training=False))
    concrete = fn.get_concrete_function(tf.TensorSpec((1, size, size, 3), tf.float32))
    graph = convert_variables_to_constants_v2(concrete).graph
    opts = tf.compat.v1.profiler.ProfileOptionBuilder.float_operation()
    opts["output"] = "none"
    flops = tf.compat.v1.profiler.profile(graph=graph, options=opts).total_float_ops
    return flops / 2


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--impl", choices=["ours", "sgtfk"], required=True)
    parser.add_argument("--model", choices=list(MODELS), required=True)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--intra_op_threads", type=int, default=None)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from keras_posegate.threads import configure_threads, configure_training_threads

    configure_threads(intra_op=args.intra_op_threads)
    _, width, size, _ = MODELS[args.model]
    inter_op, intra_op = configure_training_threads(args.batch, size, width)
    import numpy as np
    import tensorflow as tf

    keras, model, size, stacks = build(args.impl, args.model)
    rng = np.random.default_rng(0)
    x = rng.random((args.batch, size, size, 3), dtype=np.float32)
    y = rng.random((args.batch, size // 4, size // 4, 16), dtype=np.float32)
    if args.impl == "ours":
        data, loss = (x, (y,) * stacks), ["mse"] * stacks
    else:  # SG-TFK concatenates the stacks' heatmaps along the batch axis
        data, loss = (x, np.concatenate([y] * stacks, axis=0)), "mse"
    options = tf.data.Options()
    options.autotune.enabled = False
    ds = tf.data.Dataset.from_tensors(data).repeat().with_options(options)
    model.compile(optimizer=keras.optimizers.RMSprop(2.5e-4), loss=loss)
    marks = []

    class Clock(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            marks.append(time.perf_counter())

    total = args.warmup + args.steps
    model.fit(ds, steps_per_epoch=total, epochs=1, verbose=0, callbacks=[Clock()])
    seconds = marks[-1] - marks[args.warmup - 1]
    rate = args.steps * args.batch / seconds
    gmacs = macs(model, size) / 1e9
    print(json.dumps({
        "impl": args.impl, "model": args.model, "batch": args.batch,
        "input": size, "images_per_s": round(rate, 2), "gmacs": round(gmacs, 3),
        "gflops_per_s": round(6 * gmacs * rate, 1),
        "legacy_keras": os.environ.get("TF_USE_LEGACY_KERAS") == "1",
        "inter_op_threads": inter_op, "intra_op_threads": intra_op,
    }))  # fmt: skip


if __name__ == "__main__":
    main()
