r"""Where a training step's op time goes: TensorFlow profiler, op type and layer.

Trains a preset on one random batch held in memory (no input pipeline), times
`--steps` steps in the loop (a callback clock; median step of each of 2 runs),
then traces `--trace_steps` more with `tf.profiler` and sums the duration of
every TensorFlow op it recorded on the CPU, by op type and by block (the
layer-name prefix: `stem_block0`, `hg0_down0`, ...: forward and gradient ops
together; `other` is the loss, the optimizer and the gradient sums). Op time
adds the time of ops that ran at the same time on different threads, so it
exceeds the step time when both cores work.

    .venv/bin/python benchmarks/step_profile.py --preset posegate_tiny --batch 16
"""

import argparse
import collections
import glob
import re
import tempfile
import time

import keras
import numpy as np
import tensorflow as tf
from tensorflow.tsl.profiler.protobuf import xplane_pb2

from keras_posegate.losses import MaskedHeatmapMSE
from keras_posegate.models import PoseGateModel
from keras_posegate.models.presets import get_preset_config, preset_names
from keras_posegate.threads import configure_training_threads

BLOCK = re.compile(r"(stem_conv|stem_block\d+|hg\d+_(down|dec|bottom|up|pool)\d+|head\d+"
                   r"|heatmaps_\d+|merge\d+)")  # fmt: skip


def step_ms(model, data, steps: int) -> float:
    """Median step time of one `fit` of `steps` steps, in milliseconds."""
    marks: list[float] = []

    class Clock(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            marks.append(time.perf_counter())

    model.fit(data, steps_per_epoch=steps, epochs=1, verbose=0, callbacks=[Clock()])
    return float(np.median(np.diff(marks[2:]))) * 1e3


def op_times(logdir: str) -> tuple[collections.Counter, collections.Counter]:
    """Picoseconds per op type and per block, summed over the traced CPU ops."""
    path = glob.glob(f"{logdir}/plugins/profile/*/*.xplane.pb")[0]
    space = xplane_pb2.XSpace()
    with open(path, "rb") as f:
        space.ParseFromString(f.read())
    by_type, by_block = collections.Counter(), collections.Counter()
    for plane in space.planes:
        if plane.name != "/host:CPU":
            continue
        for line in plane.lines:
            for event in line.events:
                op, _, kind = plane.event_metadata[event.metadata_id].name.rpartition(
                    ":"
                )
                # TensorFlow ops are "scope/name:Type"; executor and tf.data
                # events ("ExecutorState::Process", "Iterator::Root") are not.
                if "/" not in op or kind in ("_Arg", "_Retval") or "::" in op:
                    continue
                block = BLOCK.search(op)
                by_type[kind] += event.duration_ps
                by_block[block.group(1) if block else "other"] += event.duration_ps
    return by_type, by_block


def main() -> None:
    """Time the step, trace it, print the op time by type and by block."""
    p = argparse.ArgumentParser()
    p.add_argument("--preset", default="posegate_tiny", choices=preset_names())
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--steps", type=int, default=40)
    p.add_argument("--trace_steps", type=int, default=10)
    p.add_argument("--top", type=int, default=15)
    a = p.parse_args()
    cfg = get_preset_config(a.preset)
    configure_training_threads(a.batch, cfg.input_size, cfg.width)  # as `posegate train`
    model = PoseGateModel.from_preset(a.preset)
    size, joints = model.input_size, 16
    rng = np.random.default_rng(0)
    images = rng.random((a.batch, size, size, 3), np.float32)
    targets = 0.1 * rng.random((a.batch, size // 4, size // 4, joints), np.float32)
    data = tf.data.Dataset.from_tensors((images, (targets,) * model.num_stacks))
    data = data.repeat()
    model.compile(optimizer=keras.optimizers.RMSprop(1e-2),
                  loss=[MaskedHeatmapMSE() for _ in range(model.num_stacks)])  # fmt: skip
    model.fit(data, steps_per_epoch=5, epochs=1, verbose=0)  # trace and warm up
    ms = [step_ms(model, data, a.steps) for _ in range(2)]
    with tempfile.TemporaryDirectory() as logdir:
        tf.profiler.experimental.start(logdir)
        model.fit(data, steps_per_epoch=a.trace_steps, epochs=1, verbose=0)
        tf.profiler.experimental.stop()
        by_type, by_block = op_times(logdir)
    total = sum(by_type.values())
    per_step = lambda ps: ps / 1e9 / a.trace_steps  # noqa: E731 (ms per step)
    print(f"{a.preset}, batch {a.batch}: step {min(ms):.1f} / {max(ms):.1f} ms "
          f"(medians of 2 runs of {a.steps}); op time {per_step(total):.1f} ms per step")  # fmt: skip
    for title, counts in (("op type", by_type), ("block", by_block)):
        print(f"\nby {title}:")
        for key, ps in counts.most_common(a.top):
            print(f"  {key:36s} {100 * ps / total:5.1f}%  {per_step(ps):6.2f} ms")


if __name__ == "__main__":
    main()
