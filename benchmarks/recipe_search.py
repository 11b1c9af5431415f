"""One recipe try for the demo (issue 13 part 5, `docs/recipe_runs.md`): train
`posegate_tiny` with overrides (input size, stacks, sigma) at a constant rate
with one late drop, printing after every epoch the images seen, the seconds,
the validation PCKh@0.5 (no flip), the loss and the load average; then the
flip-test PCKh@0.5 of the last model (what the demo evaluates).

    .venv/bin/python -c "from keras_posegate.demo.common import *; \
        from keras_posegate.demo.model_steps import data_steps; \
        c = DemoConfig(out_dir='runs/d3000', num_images=3000); \
        data_steps(c, demo_paths(c.out_dir), StepLog(print), print)"
    .venv/bin/python benchmarks/recipe_search.py --data_dir runs/d3000/tfrecords \
        --model_dir runs/r96 --input_size 96 --epochs 30 --drop_at 0.8
"""

from __future__ import annotations

import argparse
import os
import time

import keras

from keras_posegate.evaluation.evaluate import evaluate
from keras_posegate.training import TrainConfig, train


class EpochClock(keras.callbacks.Callback):
    """Prints images seen, wall seconds and the step-only seconds per epoch."""

    def __init__(self, batch_size: int):
        super().__init__()
        self.batch_size, self.images, self.steps_s = batch_size, 0, 0.0

    def on_train_begin(self, logs=None):
        self.start = time.perf_counter()

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch_start = time.perf_counter()
        self.first = None

    def on_train_batch_begin(self, batch, logs=None):
        if self.first is None:
            self.first = time.perf_counter()

    def on_train_batch_end(self, batch, logs=None):
        self.images += self.batch_size
        self.last = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        self.steps_s += self.last - self.first
        lr = float(keras.ops.convert_to_numpy(self.model.optimizer.learning_rate))
        print(f"epoch {epoch + 1}: images {self.images}, wall {time.perf_counter() - self.start:.0f} s, "
              f"steps {self.steps_s:.0f} s, val_pck {logs.get('val_pck', float('nan')):.1f}, "
              f"loss {logs.get('loss', float('nan')):.5f}, lr {lr:.2g}, "
              f"load {os.getloadavg()[0]:.1f}", flush=True)  # fmt: skip


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--data_dir", required=True)
    p.add_argument("--model_dir", required=True)
    p.add_argument("--input_size", type=int, default=128)
    p.add_argument("--num_stacks", type=int, default=2)
    p.add_argument("--sigma", type=float, default=2.0)
    p.add_argument("--epochs", type=int, default=20)
    p.add_argument("--batch_size", type=int, default=16)
    p.add_argument("--learning_rate", type=float, default=6e-3)
    p.add_argument("--drop_at", type=float, default=0.8, help="fraction of the run")
    p.add_argument("--drop_factor", type=float, default=0.1)
    a = p.parse_args()
    start = time.perf_counter()
    train(TrainConfig(
        preset="posegate_tiny", data_dir=a.data_dir, model_dir=a.model_dir,
        epochs=a.epochs, batch_size=a.batch_size, learning_rate=a.learning_rate,
        final_learning_rate=a.learning_rate * a.drop_factor,
        lr_drop_epochs=(round(200 * a.drop_at),), sigma=a.sigma, seed=0,
        model_config_overrides={"input_size": a.input_size, "num_stacks": a.num_stacks},
    ), verbose=0, callbacks=[EpochClock(a.batch_size)])  # fmt: skip
    print(f"train seconds: {time.perf_counter() - start:.0f}")
    for name in ("last", "best"):
        result = evaluate(os.path.join(a.model_dir, f"{name}.keras"),
                          os.path.join(a.data_dir, "valid"), "mpii")  # fmt: skip
        print(f"{name}.keras PCKh@0.5 (flip): {result['metrics']['pckh@0.5'].mean:.1f}")
    print(result["table"])


if __name__ == "__main__":
    main()
