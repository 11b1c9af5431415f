r"""The training step with and without the input pipeline's work, side by side.

On a machine whose cores the pipeline shares with the step, the pipeline's CPU
time shows up in the step time. Three feeds of the same `posegate_tiny` model,
`model.fit` steps timed in the loop (a callback clock, the median step of each
fit after 5 warm-up steps), interleaved, one process:

- `pipeline`: the training pipeline (`build_dataset`, full augmentation);
- `cached`: the same with `cache_images=True` (decoded images in memory);
- `cached_cv`: that with `warp="opencv"` (the demo's pipeline);
- `one_batch`: one batch of it, repeated from memory (no pipeline work).

    .venv/bin/python -c "from keras_posegate.demo.common import *; \
        from keras_posegate.demo.model_steps import data_steps; \
        c = DemoConfig(out_dir='runs/d3000'); \
        data_steps(c, demo_paths(c.out_dir), StepLog(print), print)"
    .venv/bin/python benchmarks/pipeline_step.py --data runs/d3000/tfrecords/train
"""

import argparse
import time

import keras
import numpy as np

from keras_posegate.codec import HeatmapCodec
from keras_posegate.data import build_dataset
from keras_posegate.datasets.info import MPII
from keras_posegate.losses import MaskedHeatmapMSE
from keras_posegate.models import PoseGateModel
from keras_posegate.models.presets import get_preset_config
from keras_posegate.threads import configure_training_threads

p = argparse.ArgumentParser()
p.add_argument("--data", required=True, help="a TFRecord training split")
p.add_argument("--batch", type=int, default=16)
p.add_argument("--steps", type=int, default=60)
p.add_argument("--repeats", type=int, default=3)
a = p.parse_args()
tiny = get_preset_config("posegate_tiny")
configure_training_threads(a.batch, tiny.input_size, tiny.width)  # as `posegate train`

model = PoseGateModel.from_preset("posegate_tiny")
codec = HeatmapCodec(model.input_size)
stacks = model.num_stacks


def pipeline(cache: bool, warp: str = "tensorflow"):
    """The demo's training pipeline, with or without the image cache."""
    return build_dataset(a.data, MPII, codec, stacks, a.batch, training=True,
                         seed=0, repeat=True, cache_images=cache, warp=warp)  # fmt: skip


feeds = {"pipeline": pipeline(False), "cached": pipeline(True),
         "cached_cv": pipeline(True, "opencv")}  # fmt: skip
feeds["one_batch"] = feeds["pipeline"].take(1).cache().repeat()
for name in ("cached", "cached_cv"):
    filled = iter(feeds[name])  # one whole pass fills the image cache
    for _ in range(10_000 // a.batch):  # more than any demo-sized split
        next(filled)
model.compile(optimizer=keras.optimizers.RMSprop(1e-2),
              loss=[MaskedHeatmapMSE() for _ in range(stacks)])  # fmt: skip
marks: list[float] = []


class Clock(keras.callbacks.Callback):
    """The end time of every step."""

    def on_train_batch_end(self, batch, logs=None):  # noqa: D102
        marks.append(time.perf_counter())


found: dict[str, list[float]] = {name: [] for name in feeds}
for _ in range(a.repeats):
    for name, ds in feeds.items():
        marks.clear()
        model.fit(ds, steps_per_epoch=a.steps, epochs=1, verbose=0, callbacks=[Clock()])
        found[name].append(float(np.median(np.diff(marks[5:]))) * 1e3)
for name, ms in found.items():
    print(f"{name:10s} step ms median {np.median(ms):6.1f}  "
          f"(min {min(ms):.1f}, max {max(ms):.1f}, {len(ms)} runs)")  # fmt: skip
