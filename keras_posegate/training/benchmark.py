"""`benchmark_train`: training throughput and peak memory of a preset on
random in-memory data, with and without XLA (`jit_compile`), and what the
throughput means for the paper's MPII schedule."""

from __future__ import annotations

import resource
import sys
import time

import keras
import numpy as np
import tensorflow as tf

# The paper trains on 25,000 MPII persons for 200 epochs (Section IV-A, III-C).
PAPER_MPII_IMAGES = 25_000 * 200


def random_batch(model, batch_size: int, seed: int = 0):
    """`(images, heatmaps, weights)` of the training contract, random values."""
    rng = np.random.default_rng(seed)
    size, side = model.input_size, model.input_size // 4
    images = rng.random((batch_size, size, size, 3), dtype=np.float32)
    heatmap = rng.random((batch_size, side, side, model.num_joints), np.float32)
    weights = np.ones((batch_size, model.num_joints), np.float32)
    stacks = model.num_stacks
    return images, (heatmap,) * stacks, (weights,) * stacks


def peak_rss_mb() -> float:
    """This process's resident-set high-water mark, in MiB (since start)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024**2 if sys.platform == "darwin" else peak / 1024


def _gpu_peak_mb() -> float | None:
    if not tf.config.list_physical_devices("GPU"):
        return None
    return tf.config.experimental.get_memory_info("GPU:0")["peak"] / 1024**2


def _time_one(preset, overrides, jit: bool, batch_size, steps, warmup) -> dict:
    from keras_posegate.losses import MaskedHeatmapMSE
    from keras_posegate.models import PoseGateModel

    keras.backend.clear_session()
    if tf.config.list_physical_devices("GPU"):
        tf.config.experimental.reset_memory_stats("GPU:0")
    model = PoseGateModel.from_preset(preset, **(overrides or {}))
    model.compile(
        optimizer=keras.optimizers.RMSprop(2.5e-4),
        loss=[MaskedHeatmapMSE() for _ in model.outputs],
        jit_compile=jit,
    )
    data = tf.data.Dataset.from_tensors(random_batch(model, batch_size)).repeat()
    model.fit(
        data, steps_per_epoch=warmup, epochs=1, verbose=0, shuffle=False
    )  # trace, compile
    start = time.perf_counter()
    model.fit(data, steps_per_epoch=steps, epochs=1, verbose=0, shuffle=False)
    seconds = time.perf_counter() - start
    images_per_s = steps * batch_size / seconds
    return {
        "steps_per_s": steps / seconds,
        "images_per_s": images_per_s,
        "hours_paper_mpii": PAPER_MPII_IMAGES / images_per_s / 3600,
        "peak_rss_mb": peak_rss_mb(),
        "gpu_peak_mb": _gpu_peak_mb(),
    }


def benchmark_train(
    preset: str,
    batch_size: int = 24,
    steps: int = 10,
    warmup: int = 3,
    jit_compile: tuple[bool, ...] = (False, True),
    model_config_overrides: dict | None = None,
    mixed_precision: bool = False,
) -> dict:
    """Train-step throughput of a preset on this machine.

    Args:
        preset: model preset; inputs at its input size.
        batch_size: examples per step.
        steps: timed steps (after `warmup` untimed ones, which trace and compile).
        warmup: untimed steps, >= 1.
        jit_compile: the settings to measure, in order.
        model_config_overrides: preset overrides (tests: tiny models).
        mixed_precision: float16 compute on a GPU, bfloat16 on a CPU, as
            `posegate train --mixed_precision`.

    Returns:
        A flat dict: `preset`, `batch_size`, `input_size`, `device`, `steps`,
        `precision` and per setting `xla_{on,off}_{images_per_s,steps_per_s,
        peak_rss_mb,hours_paper_mpii}` (and `_gpu_peak_mb` on a GPU).
        `hours_paper_mpii` is the paper's 200 epochs over 25,000 MPII persons
        at that throughput, the model alone (the input pipeline must keep up:
        `posegate benchmark data`). `peak_rss_mb` is the process high-water
        mark so far, so a later setting's figure includes the earlier ones.
    """
    for name, value, low in (("batch_size", batch_size, 1), ("steps", steps, 1),
                             ("warmup", warmup, 1)):  # fmt: skip
        if int(value) < low:
            raise ValueError(f"{name} must be >= {low}. Received: {name}={value}")
    if not jit_compile:
        raise ValueError("jit_compile must name at least one setting. Received: ()")
    from keras_posegate.models.presets import get_preset_config
    from keras_posegate.training.trainer import set_precision

    size = get_preset_config(preset, **(model_config_overrides or {})).input_size
    gpu = bool(tf.config.list_physical_devices("GPU"))
    before = keras.mixed_precision.global_policy().name
    set_precision(mixed_precision)
    result = {"preset": preset, "batch_size": batch_size, "input_size": size,
              "device": "GPU" if gpu else "CPU", "steps": steps,
              "precision": keras.mixed_precision.global_policy().name}  # fmt: skip
    try:
        for jit in jit_compile:
            figures = _time_one(
                preset, model_config_overrides, jit, batch_size, steps, warmup
            )
            _add(result, "xla_on" if jit else "xla_off", figures)
    finally:
        keras.mixed_precision.set_global_policy(before)
    return result


def _add(result: dict, tag: str, figures: dict) -> None:
    for key, value in figures.items():
        if value is not None:
            result[f"{tag}_{key}"] = round(value, 3)
