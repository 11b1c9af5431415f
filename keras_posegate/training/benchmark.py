"""`benchmark_train`: training throughput and peak memory of a preset on
random in-memory data, with and without XLA (`jit_compile`), and what the
throughput means for the paper's MPII schedule. `benchmark_backends` runs it
on several Keras backends, each in its own process, for a side-by-side table.

`python -m keras_posegate.training.benchmark '{"preset": ...}'` (with
`KERAS_BACKEND` set) prints `benchmark_train(**kwargs)` as one JSON line.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import time

import keras
import numpy as np
import tensorflow as tf

from keras_posegate import backends

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


def _time_one(preset, overrides, jit: bool, batch_size, steps, warmup, repeats):
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
    data = tf.data.Dataset.from_tensors(random_batch(model, batch_size)).repeat()
    model.fit(
        data, steps_per_epoch=warmup, epochs=1, verbose=0, shuffle=False
    )  # trace, compile
    rates = []
    for _ in range(repeats):
        start = time.perf_counter()
        model.fit(data, steps_per_epoch=steps, epochs=1, verbose=0, shuffle=False)
        rates.append(steps / (time.perf_counter() - start))
    steps_per_s = statistics.median(rates)
    images_per_s = steps_per_s * batch_size
    return {
        "steps_per_s": steps_per_s,
        "images_per_s": images_per_s,
        "images_per_s_min": min(rates) * batch_size,
        "images_per_s_max": max(rates) * batch_size,
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
    repeats: int = 3,
) -> dict:
    """Train-step throughput of a preset on this machine, on the process's
    Keras backend.

    Args:
        preset: model preset; inputs at its input size.
        batch_size: examples per step.
        steps: timed steps (after `warmup` untimed ones, which trace and compile).
        warmup: untimed steps, >= 1.
        jit_compile: the settings to measure, in order. JAX always compiles
            with XLA and PyTorch runs eagerly (`backends.jit_compile_for`), so
            there they collapse to the one setting that runs.
        model_config_overrides: preset overrides (tests: tiny models).
        mixed_precision: float16 compute on a GPU, bfloat16 on a CPU, as
            `posegate train --mixed_precision`.
        repeats: timed runs of `steps` steps each; rates are their median,
            with the slowest and fastest as `_min` and `_max`.

    Returns:
        A flat dict: `backend`, `preset`, `batch_size`, `input_size`, `device`,
        `steps`, `repeats`, `precision` and per setting `xla_{on,off}_
        {images_per_s,images_per_s_min,images_per_s_max,steps_per_s,
        peak_rss_mb,hours_paper_mpii}` (and `_gpu_peak_mb` on a GPU).
        `hours_paper_mpii` is the paper's 200 epochs over 25,000 MPII persons
        at that throughput, the model alone (the input pipeline must keep up:
        `posegate benchmark data`). `peak_rss_mb` is the process high-water
        mark so far, so a later setting's figure includes the earlier ones.
    """
    for name, value, low in (("batch_size", batch_size, 1), ("steps", steps, 1),
                             ("warmup", warmup, 1), ("repeats", repeats, 1)):  # fmt: skip
        if int(value) < low:
            raise ValueError(f"{name} must be >= {low}. Received: {name}={value}")
    if not jit_compile:
        raise ValueError("jit_compile must name at least one setting. Received: ()")
    from keras_posegate.models.presets import get_preset_config
    from keras_posegate.training.trainer import set_precision

    size = get_preset_config(preset, **(model_config_overrides or {})).input_size
    before = keras.mixed_precision.global_policy().name
    set_precision(mixed_precision)
    result = {"backend": backends.current(), "preset": preset,
              "batch_size": batch_size, "input_size": size,
              "device": "GPU" if backends.has_gpu() else "CPU", "steps": steps,
              "repeats": repeats,
              "precision": keras.mixed_precision.global_policy().name}  # fmt: skip
    settings = list(dict.fromkeys(backends.jit_compile_for(j) for j in jit_compile))
    try:
        for jit in settings:
            figures = _time_one(
                preset, model_config_overrides, jit, batch_size, steps, warmup,
                repeats,
            )  # fmt: skip
            _add(result, "xla_on" if jit else "xla_off", figures)
    finally:
        keras.mixed_precision.set_global_policy(before)
    return result


def _add(result: dict, tag: str, figures: dict) -> None:
    for key, value in figures.items():
        if value is not None:
            result[f"{tag}_{key}"] = round(value, 3)


def benchmark_backends(backend_names: list[str], **kwargs) -> list[dict]:
    """`benchmark_train(**kwargs)` on each backend, each in a fresh process
    (a process has one Keras backend), one after the other.

    Raises:
        ValueError: a backend that is unknown or not installed.
        RuntimeError: a child failed (with the end of its stderr).
    """
    for name in backend_names:
        if not backends.is_installed(name):
            raise ValueError(
                f"--backend {name}: the {name} package is not installed here "
                f"(pip install {'jax' if name == 'jax' else name})."
            )
    results = []
    for name in backend_names:
        env = {**os.environ, "KERAS_BACKEND": name}
        env.pop("TF_USE_LEGACY_KERAS", None)
        child = subprocess.run(
            [sys.executable, "-m", __name__, json.dumps(kwargs)],
            capture_output=True, text=True, env=env,
        )  # fmt: skip
        if child.returncode:
            raise RuntimeError(f"benchmark on {name} failed:\n{child.stderr[-3000:]}")
        results.append(json.loads(child.stdout.strip().splitlines()[-1]))
    return results


def side_by_side(results: list[dict]) -> str:
    """A table: one row per backend and step setting, images/s median [min,
    max], steps/s, peak RSS."""
    header = (
        f"{'backend':<11}{'step':<13}{'images/s':>9} {'[min, max]':<17}"
        f"{'steps/s':>8}{'peak RSS MiB':>14}"
    )
    lines = [header]
    modes = {"tensorflow": ("tf.function", "XLA"), "jax": ("-", "jax.jit (XLA)"),
             "torch": ("eager", "torch.compile")}  # fmt: skip
    for r in results:
        for tag, mode in zip(("xla_off", "xla_on"), modes[r["backend"]], strict=True):
            if f"{tag}_images_per_s" not in r:
                continue
            spread = f"[{r[f'{tag}_images_per_s_min']:.1f}, {r[f'{tag}_images_per_s_max']:.1f}]"
            lines.append(
                f"{r['backend']:<11}{mode:<13}{r[f'{tag}_images_per_s']:>9.1f} "
                f"{spread:<17}{r[f'{tag}_steps_per_s']:>8.2f}"
                f"{r[f'{tag}_peak_rss_mb']:>14.0f}"
            )
    first = results[0] if results else {}
    lines.append(
        f"preset {first.get('preset')}, batch {first.get('batch_size')}, "
        f"{first.get('input_size')}x{first.get('input_size')}, "
        f"{first.get('device')}, {first.get('precision')}; median of "
        f"{first.get('repeats')} runs of {first.get('steps')} steps [slowest, fastest]"
    )
    return "\n".join(lines)


if __name__ == "__main__":
    print(json.dumps(benchmark_train(**json.loads(sys.argv[1]))))
