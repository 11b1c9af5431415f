"""`benchmark_train`: training throughput and peak memory of a preset.

Measured on random in-memory data, with and without XLA (`jit_compile`),
together with what the throughput means for the paper's MPII schedule.

The clock runs inside `model.fit` (`StepTimer`): from the end of the last
warm-up step to the end of the last timed step, so set-up, tracing and
whatever `fit` does after its last step are not counted. Each setting is
measured `repeats` times (one `fit` each) and reported as the median with the
lowest and highest figure.
"""

from __future__ import annotations

import resource
import statistics
import sys
import time

import keras
import numpy as np

from keras_posegate import backends
from keras_posegate.threads import configure_training_threads, current_threads

# The paper trains on 25,000 MPII persons for 200 epochs (Section IV-A, III-C).
PAPER_MPII_IMAGES = 25_000 * 200


class StepTimer(keras.callbacks.Callback):
    """Times training steps inside `fit`, leaving out the first `warmup` steps.

    The clock runs from the end of step `warmup - 1` (the start of the first
    step when `warmup` is 0) to the end of the last step of the run.
    Backend-neutral: it waits for a step's results with
    `keras.ops.convert_to_numpy`, so asynchronous backends are timed to the
    end of their work.

    After `fit`: `seconds` (timed steps) and `steps` (how many).

    Args:
        warmup: untimed steps at the start of the run.
    """

    def __init__(self, warmup: int = 1):
        super().__init__()
        self.warmup = int(warmup)
        self.start = self.end = self.first = self.last_end = None
        self.steps, self.seen = 0, 0

    def on_train_begin(self, logs=None):
        """Reset the clock and the step counts for a new `fit`."""
        self.start = self.end = self.first = self.last_end = None
        self.steps, self.seen = 0, 0

    def on_train_batch_begin(self, batch, logs=None):
        """Note the first step's start; with `warmup` 0 the clock starts there."""
        now = time.perf_counter()
        if self.first is None:
            self.first = now
        if self.seen == self.warmup and self.start is None:
            self.start = now

    def on_train_batch_end(self, batch, logs=None):
        """Wait for the step's results, then count the step and update the clock."""
        _wait_for(logs)
        now = time.perf_counter()
        self.seen += 1
        if self.seen == self.warmup:
            self.start = now
        elif self.seen > self.warmup:
            self.end, self.steps = now, self.seen - self.warmup
        self.last_end = now

    @property
    def seconds(self) -> float:
        """Seconds taken by the timed steps.

        Raises:
            ValueError: no step was timed (the run had no more than `warmup`).
        """
        if not self.steps:
            raise ValueError(
                f"No timed steps: the run had {self.seen} steps, warmup={self.warmup}."
            )
        return self.end - self.start


def _wait_for(logs) -> None:
    """Block until a step's outputs exist (asynchronous dispatch: JAX)."""
    for value in (logs or {}).values():
        keras.ops.convert_to_numpy(value)
        return


def random_batch(model, batch_size: int, seed: int = 0):
    """Make one random batch `(images, heatmaps, weights)` of the training contract.

    Args:
        model: a `PoseGateModel` (its input size, joints and stacks are used).
        batch_size: examples in the batch.
        seed: seed of the random values.

    Returns:
        `(images, heatmaps, weights)`: float32 images `(B, S, S, 3)` in
        [0, 1), where S is `model.input_size`; per stack the same heatmaps
        `(B, S/4, S/4, J)`; per stack joint weights `(B, J)`, all ones.
    """
    rng = np.random.default_rng(seed)
    size, side = model.input_size, model.input_size // 4
    images = rng.random((batch_size, size, size, 3), dtype=np.float32)
    heatmap = rng.random((batch_size, side, side, model.num_joints), np.float32)
    weights = np.ones((batch_size, model.num_joints), np.float32)
    stacks = model.num_stacks
    return images, (heatmap,) * stacks, (weights,) * stacks


def repeated_batches(batch):
    """Repeat `batch` forever as a `tf.data.Dataset`.

    Every Keras 3 backend's `fit` takes one; the options leave out tf.data's
    autotuning thread (see `keras_posegate.data.options.pipeline_options`).

    Args:
        batch: a nested structure of arrays, e.g. from `random_batch`.
    """
    import tensorflow as tf

    from keras_posegate.data.options import pipeline_options

    data = tf.data.Dataset.from_tensors(batch).repeat()
    return data.with_options(pipeline_options(deterministic=True))


def timed_fit(model, data, steps: int, warmup: int = 1) -> StepTimer:
    """Run one `model.fit` of `warmup + steps` steps and return its `StepTimer`.

    The timer also gets `fit_seconds`: the whole `fit` call, timed around it.

    Args:
        model: a compiled model.
        data: a dataset of training batches (at least `warmup + steps`).
        steps: timed steps.
        warmup: untimed steps first.
    """
    timer = StepTimer(warmup)
    start = time.perf_counter()
    model.fit(data, steps_per_epoch=warmup + steps, epochs=1, verbose=0,
              shuffle=False, callbacks=[timer])  # fmt: skip
    timer.fit_seconds = time.perf_counter() - start
    return timer


def peak_rss_mb() -> float:
    """This process's resident-set high-water mark, in MiB (since start)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024**2 if sys.platform == "darwin" else peak / 1024


def _time_one(preset, overrides, jit, batch_size, steps, warmup, repeats) -> dict:
    from keras_posegate.losses import MaskedHeatmapMSE
    from keras_posegate.models import PoseGateModel

    keras.backend.clear_session()
    backends.reset_gpu_peak()
    model = PoseGateModel.from_preset(preset, **(overrides or {}))
    model.compile(
        optimizer=keras.optimizers.RMSprop(2.5e-4),
        loss=[MaskedHeatmapMSE() for _ in model.outputs],
        jit_compile=jit,
    )
    data = repeated_batches(random_batch(model, batch_size))
    timed_fit(model, data, 1, warmup)  # trace, compile
    rates, fits = [], []
    for _ in range(repeats):
        timer = timed_fit(model, data, steps, 1)
        rates.append(steps * batch_size / timer.seconds)
        fits.append(timer.fit_seconds)
    images_per_s = statistics.median(rates)
    return {
        "images_per_s": images_per_s,
        "images_per_s_min": min(rates),
        "images_per_s_max": max(rates),
        "steps_per_s": images_per_s / batch_size,
        "step_ms": 1000 * batch_size / images_per_s,
        "fit_seconds": statistics.median(fits),
        "hours_paper_mpii": PAPER_MPII_IMAGES / images_per_s / 3600,
        "peak_rss_mb": peak_rss_mb(),
        "gpu_peak_mb": backends.gpu_peak_mb(),
    }


def benchmark_train(
    preset: str,
    batch_size: int = 24,
    steps: int = 10,
    warmup: int = 3,
    jit_compile: tuple[bool, ...] = (False, True),
    model_config_overrides: dict | None = None,
    mixed_precision: bool = False,
    repeats: int = 5,
) -> dict:
    """Measure the train-step throughput of a preset on this machine, inside `fit`.

    Runs on the process's Keras backend (`backend_table.benchmark_backends`
    runs several side by side).

    Args:
        preset: model preset; inputs at its input size.
        batch_size: examples per step.
        steps: timed steps per repeat.
        warmup: untimed steps before the first repeat (trace, compile), >= 1;
            each repeat also runs one untimed step first.
        jit_compile: the settings to measure, in order. JAX always compiles
            with XLA and PyTorch runs eagerly (`backends.jit_compile_for`), so
            there they collapse to the one setting that runs.
        model_config_overrides: preset overrides (tests: tiny models).
        mixed_precision: float16 compute on a GPU, bfloat16 on a CPU, as
            `posegate train --mixed_precision`.
        repeats: timed `fit` calls per setting, >= 1.

    Returns:
        A flat dict: `preset`, `batch_size`, `input_size`, `device`, `steps`,
        `repeats`, `precision`, `backend`, on TensorFlow `inter_op_threads`
        and `intra_op_threads` (`keras_posegate.threads`: 0 is TensorFlow's
        choice), and per setting
        `xla_{on,off}_{images_per_s,images_per_s_min,images_per_s_max,
        steps_per_s,step_ms,fit_seconds,peak_rss_mb,hours_paper_mpii}` (and
        `_gpu_peak_mb` on a GPU). `images_per_s` is the median over repeats,
        `_min`/`_max` the spread; `fit_seconds` is the median duration of the
        whole `fit` call (set-up, the untimed step and whatever `fit` does
        after its last step included). `hours_paper_mpii` is the paper's
        200 epochs over 25,000 MPII persons at that throughput, the model
        alone (the input pipeline must keep up: `posegate benchmark data`).
        `peak_rss_mb` is the process high-water mark so far, so a later
        setting's figure includes the earlier ones.

    Raises:
        ValueError: `batch_size`, `steps`, `warmup` or `repeats` is below 1, or
            `jit_compile` is empty.
    """
    for name, value, low in (("batch_size", batch_size, 1), ("steps", steps, 1),
                             ("warmup", warmup, 1), ("repeats", repeats, 1)):  # fmt: skip
        if int(value) < low:
            raise ValueError(f"{name} must be >= {low}. Received: {name}={value}")
    if not jit_compile:
        raise ValueError("jit_compile must name at least one setting. Received: ()")
    from keras_posegate.models.presets import get_preset_config
    from keras_posegate.training.model_setup import set_precision

    model_config = get_preset_config(preset, **(model_config_overrides or {}))
    size = model_config.input_size
    configure_training_threads(batch_size, size, model_config.width)  # as `train`
    before = keras.mixed_precision.global_policy().name
    set_precision(mixed_precision)
    result = {"preset": preset, "batch_size": batch_size, "input_size": size,
              "device": "GPU" if backends.has_gpu() else "CPU", "steps": steps,
              "repeats": repeats,
              "precision": keras.mixed_precision.global_policy().name,
              "backend": backends.current()}  # fmt: skip
    if backends.current() == "tensorflow":
        result["inter_op_threads"], result["intra_op_threads"] = current_threads()
    settings = list(dict.fromkeys(backends.jit_compile_for(j) for j in jit_compile))
    try:
        for jit in settings:
            figures = _time_one(preset, model_config_overrides, jit, batch_size,
                                steps, warmup, repeats)  # fmt: skip
            _add(result, "xla_on" if jit else "xla_off", figures)
    finally:
        keras.mixed_precision.set_global_policy(before)
    return result


def _add(result: dict, tag: str, figures: dict) -> None:
    for key, value in figures.items():
        if value is not None:
            result[f"{tag}_{key}"] = round(value, 3)
