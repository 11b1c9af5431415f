r"""Inference per batch: the Keras 3 model called directly, and compiled.

`backends.inference_fn(model)` is what validation, `posegate evaluate`,
`posegate predict` and the demo's evaluation call. On TensorFlow a Keras 3
model called directly runs op by op; `inference_fn` wraps it once in a
`tf.function`. This times both on the same random batch, interleaved, in one
process (after one warm-up call each), and prints the median and range per
call and the largest difference between their outputs:

    .venv/bin/python benchmarks/inference_compiled.py --preset posegate_tiny \
        --batch 32 --repeats 5
"""

import argparse
import time

import numpy as np

from keras_posegate import backends
from keras_posegate.models import PoseGateModel

p = argparse.ArgumentParser()
p.add_argument("--preset", default="posegate_tiny")
p.add_argument("--batch", type=int, default=32)
p.add_argument("--repeats", type=int, default=5)
a = p.parse_args()

model = PoseGateModel.from_preset(a.preset)
size = model.input_size
images = np.random.default_rng(0).random((a.batch, size, size, 3), np.float32)
feeds = {
    "direct": lambda x: model(x, training=False),
    "compiled": backends.inference_fn(model),
}
outputs = {name: np.asarray(call(images)[-1]) for name, call in feeds.items()}
times = {name: [] for name in feeds}
for _ in range(a.repeats):
    for name, call in feeds.items():
        start = time.perf_counter()
        np.asarray(call(images)[-1])  # waits for the result
        times[name].append(1000 * (time.perf_counter() - start))
for name, ms in times.items():
    print(
        f"{name:>9}: {np.median(ms):7.1f} ms per batch of {a.batch} "
        f"(min {min(ms):.1f}, max {max(ms):.1f}, {a.repeats} calls)"
    )
ratio = np.median(times["direct"]) / np.median(times["compiled"])
diff = np.max(np.abs(outputs["direct"] - outputs["compiled"]))
print(f"compiled is {ratio:.2f}x faster; largest output difference {diff:.1e}")
