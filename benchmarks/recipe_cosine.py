"""The cosine-recipe try of README, Results: `posegate_tiny` on the learning
proof's data, one-epoch warm-up then a per-step cosine to 0, printing the
validation PCKh@0.5 (no flip) and the time after every epoch.

    posegate sample-data --format mpii --out runs/synth --num 3000 --seed 1
    .venv/bin/python benchmarks/recipe_cosine.py --data_dir runs/synth \
        --model_dir runs/tiny_cosine --epochs 20 --learning_rate 6e-3 --batch_size 16
"""

from __future__ import annotations

import argparse
import time

import keras

from keras_posegate.training import TrainConfig, train
from keras_posegate.training.schedule import WarmupCosine

TRAIN_PEOPLE = 1800  # 3,000 synthetic images: 1,800 training people


class EpochClock(keras.callbacks.Callback):
    def on_train_begin(self, logs=None):
        self.start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        print(f"epoch {epoch}: {time.perf_counter() - self.start:.0f} s, "
              f"val_pck {logs.get('val_pck')}, loss {logs.get('loss')}", flush=True)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data_dir", required=True)
    parser.add_argument("--model_dir", required=True)
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--learning_rate", type=float, default=6e-3)
    parser.add_argument("--batch_size", type=int, default=16)
    args = parser.parse_args()
    per_epoch = TRAIN_PEOPLE // args.batch_size
    schedule = WarmupCosine(args.epochs * per_epoch, args.learning_rate, per_epoch)
    start = time.perf_counter()
    train(TrainConfig(preset="posegate_tiny", data_dir=args.data_dir,
                      model_dir=args.model_dir, epochs=args.epochs,
                      batch_size=args.batch_size, learning_rate=args.learning_rate,
                      lr_drop_epochs=(), seed=0),
          verbose=0, callbacks=[schedule, EpochClock()])  # fmt: skip
    print(f"train seconds: {time.perf_counter() - start:.0f}")


if __name__ == "__main__":
    main()
