"""Validation PCKh per training image for one recipe (issue 13 part 5).

Trains `posegate_tiny` (or `--preset`) with `model.fit` on the training
pipeline for `--images` images, in `--evals` equal stretches; after each it
prints one `RES` line: images seen, step-only seconds and images/s, the
validation PCKh@0.5 (flip test on the last) per paper column, the evaluation
seconds and the load average. Recipes: optimizer (`rmsprop`, `adam`), rate,
schedule (`const`, `cosine`, `drop` x0.1 at `--drop_at`, `wsd`: linear
to 0 from `--drop_at`), warm-up fraction, batch,
augmentation (`paper` or `light`), input size, sigma, the loss's foreground
weight (`--fg`, `MaskedHeatmapMSE(foreground_weight=...)`), and the
validation's decoding (`--decoding`; rounds before the fourth decoded with
`argmax_quarter_offset`). The README's table:

    .venv/bin/python -c "from keras_posegate.demo.common import *; \
        from keras_posegate.demo.model_steps import data_steps; \
        c = DemoConfig(out_dir='runs/d3000'); \
        data_steps(c, demo_paths(c.out_dir), StepLog(print), print)"
    .venv/bin/python benchmarks/recipe_images.py --data runs/d3000/tfrecords \
        --images 24000 --evals 4 --opt rmsprop --lr 1e-2 --sched const
"""

import argparse
import math
import os
import time

import keras

from keras_posegate.codec import DECODINGS, HeatmapCodec
from keras_posegate.data import build_dataset
from keras_posegate.data.parser import AugmentConfig
from keras_posegate.datasets.info import MPII
from keras_posegate.evaluation.runner import predict_dataset, score_predictions
from keras_posegate.losses import MaskedHeatmapMSE, check_foreground_weight
from keras_posegate.models import PoseGateModel

p = argparse.ArgumentParser()
p.add_argument("--data", required=True)
p.add_argument("--images", type=int, default=20000)
p.add_argument("--batch", type=int, default=16)
p.add_argument("--opt", default="rmsprop")
p.add_argument("--lr", type=float, default=6e-3)
p.add_argument("--sched", default="const")  # const, cosine, drop
p.add_argument("--warmup", type=float, default=0.0)  # fraction
p.add_argument("--drop_at", type=float, default=0.8)
p.add_argument("--aug", default="paper")  # paper, light
p.add_argument("--size", type=int, default=128)
p.add_argument("--preset", default="posegate_tiny")
p.add_argument("--evals", type=int, default=5)
p.add_argument("--sigma", type=float, default=2.0)
p.add_argument("--seed", type=int, default=0)
p.add_argument("--cache", action="store_true")  # cache_images, as the demo
p.add_argument("--ema", type=float, default=0.0)  # weight EMA momentum (0: off)
p.add_argument("--stacks", type=int, default=0)  # num_stacks override (0: preset)
p.add_argument("--gate_init", type=float, default=0.0)  # learned alphas start here
p.add_argument("--fg", type=float, default=0.0)  # pixel weight 1 + fg * target
p.add_argument("--decoding", default="dark", choices=DECODINGS)  # validation's
a = p.parse_args()
try:
    check_foreground_weight(a.fg)
except ValueError as e:
    p.error(f"argument --fg: {e}")
keras.utils.set_random_seed(a.seed)
steps = a.images // a.batch
per = steps // a.evals


class Sched(keras.optimizers.schedules.LearningRateSchedule):
    """The `--sched` rate per step, after a linear `--warmup`."""

    def __call__(self, step):  # noqa: D102
        s = keras.ops.cast(step, "float32")
        w = max(1.0, a.warmup * steps)
        if a.sched == "cosine":
            lr = (
                0.5
                * a.lr
                * (1 + keras.ops.cos(math.pi * keras.ops.minimum(s / steps, 1.0)))
            )
        elif a.sched == "wsd":  # constant, then linear to 0 from --drop_at
            tail = keras.ops.clip((s / steps - a.drop_at) / (1 - a.drop_at), 0.0, 1.0)
            lr = a.lr * (1 - tail)
        elif a.sched == "drop":
            lr = keras.ops.where(s < a.drop_at * steps, a.lr, a.lr * 0.1)
        else:
            lr = a.lr + 0 * s
        return keras.ops.where(s < w, a.lr * (s + 1) / w, lr) if a.warmup else lr


stacks = {"num_stacks": a.stacks} if a.stacks else {}
model = PoseGateModel.from_preset(a.preset, input_size=a.size, **stacks)
for layer in model.layers:
    if hasattr(layer, "alpha") and a.gate_init:
        layer.alpha.assign(keras.ops.full(layer.alpha.shape, a.gate_init))
opt = {"rmsprop": keras.optimizers.RMSprop, "adam": keras.optimizers.Adam}[a.opt](
    Sched(), **({"use_ema": True, "ema_momentum": a.ema} if a.ema else {})
)
loss = MaskedHeatmapMSE(foreground_weight=a.fg)
model.compile(optimizer=opt, loss=[loss for _ in model.outputs])
codec = HeatmapCodec(a.size, sigma=a.sigma, decoding=a.decoding)
aug = (
    AugmentConfig()
    if a.aug == "paper"
    else AugmentConfig(rotation=15.0, rotation_prob=0.4, scale_min=0.85, scale_max=1.15)
)
tr = build_dataset(
    os.path.join(a.data, "train"),
    MPII,
    codec,
    model.num_stacks,
    a.batch,
    training=True,
    seed=a.seed,
    repeat=True,
    augment=aug,
    cache_images=a.cache,
)
va = build_dataset(
    os.path.join(a.data, "valid"), MPII, codec, model.num_stacks, 32, training=False
)


class Clock(keras.callbacks.Callback):
    """Times the steps of each stretch, then validates and prints `RES`."""

    def on_epoch_begin(self, e, logs=None):  # noqa: D102
        self.t0 = None

    def on_train_batch_begin(self, b, logs=None):  # noqa: D102
        if self.t0 is None:
            self.t0 = time.perf_counter()

    def score(self, e):  # noqa: D102
        flip = e == a.evals - 1
        return score_predictions(
            predict_dataset(self.model, va, codec, MPII, flip), MPII
        )["pckh@0.5"]

    def on_epoch_end(self, e, logs=None):  # noqa: D102
        dt = time.perf_counter() - self.t0
        t = time.perf_counter()
        sc = self.score(e)
        ema = ""
        if a.ema:  # the same check on the averaged weights, then back
            saved = [v.numpy() for v in self.model.trainable_variables]
            opt.finalize_variable_values(self.model.trainable_variables)
            ema = f"ema {self.score(e).mean:.1f} "
            for v, value in zip(self.model.trainable_variables, saved, strict=True):
                v.assign(value)
        print(
            f"RES {vars(a)} eval {e + 1}: images {(e + 1) * per * a.batch}, step_s {dt:.1f} "
            f"({per * a.batch / dt:.0f} img/s), val {sc.mean:.1f}{' (flip)' if e == a.evals - 1 else ''} "
            f"{ema}cols { {k: round(v) for k, v in sc.columns.items()} } "
            f"eval_s {time.perf_counter() - t:.1f} load {os.getloadavg()[0]:.1f}",
            flush=True,
        )


model.fit(tr, epochs=a.evals, steps_per_epoch=per, callbacks=[Clock()], verbose=0)
