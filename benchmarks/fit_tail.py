"""Where `fit()`'s tail went: the same steps fed with tf.data autotuning on
(TensorFlow's default, what the pipelines had) and off (what they have now),
interleaved, printing each fit's steps (in-loop clock) and the whole call.

    .venv/bin/python benchmarks/fit_tail.py [--repeats 5] [--steps 8]

With autotuning on, `fit` returns at the autotune thread's next wake-up,
10 ms x (2^k - 1) after the iterator was made (..., 2.55, 5.11, 10.23 s).
"""

from __future__ import annotations

import argparse
import statistics

import tensorflow as tf

from keras_posegate.losses import MaskedHeatmapMSE
from keras_posegate.models import PoseGateModel
from keras_posegate.training.benchmark import random_batch, timed_fit


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--steps", type=int, default=8)
    parser.add_argument("--batch", type=int, default=24)
    args = parser.parse_args()
    import keras

    model = PoseGateModel.from_preset("posegate_tiny")
    model.compile(optimizer=keras.optimizers.RMSprop(2.5e-4),
                  loss=[MaskedHeatmapMSE() for _ in model.outputs])  # fmt: skip
    base = tf.data.Dataset.from_tensors(random_batch(model, args.batch)).repeat()
    off = tf.data.Options()
    off.autotune.enabled = False
    feeds = {"autotune on": base, "autotune off": base.with_options(off)}
    timed_fit(model, base, 1, 1)  # trace
    tails = {name: [] for name in feeds}
    for _ in range(args.repeats):
        for name, data in feeds.items():
            timer = timed_fit(model, data, args.steps, 1)
            tail = timer.fit_seconds - (timer.last_end - timer.first)
            tails[name].append(tail)
            print(f"{name:<13} steps {timer.seconds:6.2f} s   fit() {timer.fit_seconds:6.2f} s"
                  f"   after the last step {tail:5.2f} s", flush=True)  # fmt: skip
    for name, values in tails.items():
        print(f"{name}: after the last step median {statistics.median(values):.2f} s "
              f"(min {min(values):.2f}, max {max(values):.2f})")  # fmt: skip


if __name__ == "__main__":
    main()
