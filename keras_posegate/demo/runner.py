"""`run_demo`: every step in order, then `summary.json` and the final table."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable

from keras_posegate.demo.common import DemoConfig, StepLog, demo_paths
from keras_posegate.demo.deploy_steps import deploy_steps, tflite_checks
from keras_posegate.demo.model_steps import data_steps, train_steps
from keras_posegate.demo.picture_steps import picture_steps
from keras_posegate.fileio import atomic_write_json
from keras_posegate.models.presets import get_preset_config
from keras_posegate.threads import configure_training_threads


def run_demo(cfg: DemoConfig, log: Callable[[str], None] = print) -> dict:
    """Runs every step and writes `summary.json`.

    Args:
        cfg: the sizes of every step.
        log: where the progress lines and the final table go.

    Returns:
        The summary: PCKh of Keras and each TFLite model, latencies, sizes,
        the int8 audit, GPU-delegate compatibility, every file written,
        `step_seconds` and the `config`.
    """
    model = get_preset_config(cfg.preset)
    # Before the data step starts TensorFlow: the pools are then fixed.
    configure_training_threads(cfg.batch_size, model.input_size, model.width)
    paths = demo_paths(cfg.out_dir)
    os.makedirs(cfg.out_dir, exist_ok=True)
    step = StepLog(log)
    data_steps(cfg, paths, step, log)
    trained = train_steps(cfg, paths, step, log)
    files = deploy_steps(cfg, paths, trained["model"], step, log)
    checks = tflite_checks(paths, files, step, log)
    pictures = picture_steps(cfg, paths, trained["model"], step, log)
    summary = {"preset": cfg.preset, "keras_model": trained["model"],
               "pckh_keras": round(trained["pckh_float_keras"], 2), **checks, **files,
               **pictures, "step_seconds": step.times, "config": dataclasses.asdict(cfg)}  # fmt: skip
    atomic_write_json(paths["summary"], summary, indent=1)
    log("\n" + format_summary(summary, paths["summary"]))
    return summary


def format_summary(s: dict, summary_path: str) -> str:
    """The table printed at the end of the demo.

    Args:
        s: `run_demo`'s summary.
        summary_path: where `summary.json` was written.

    Returns:
        The lines: PCKh, size and latency per model, int8 vs float32, a
        warning per int8 model that lost more than `INT8_LOSS_POINTS`, the
        GPU-delegate verdicts and the files written.
    """
    ratio = s["latency_ms_float"] / max(s["latency_ms_int8"], 1e-9)
    lines = [
        f"{'model':<22}{'PCKh@0.5':>10}{'size (KB)':>12}{'latency (ms)':>14}",
        f"{'Keras 3 float':<22}{s['pckh_keras']:>10.1f}{'-':>12}{'-':>14}",
    ]
    for label, name in TFLITE_MODELS.items():
        lines.append(f"{name:<22}{s[f'pckh_{label}']:>10.1f}"
                     f"{s[f'size_bytes_{label}'] / 1024:>12.0f}{s[f'latency_ms_{label}']:>14.2f}")  # fmt: skip
    lines += [
        f"int8 (QAT) vs float32: {s['size_bytes_int8'] / s['size_bytes_float']:.2f}x the size, "
        f"{ratio:.2f}x the speed; int8 audit {'passed' if s['int8_audit_passed'] else 'FAILED'}",
        "PCKh on the synthetic validation set; latency: ai_edge_litert, XNNPACK, 2 threads.",
        *int8_losses(s),
        "GPU delegate runs whole: "
        + ", ".join(
            f"{k} {'yes' if v else 'NO'}"
            for k, v in s["gpu_delegate_compatible"].items()
        ),
        f"overlays: {', '.join(s['overlays'])}",
        f"gate plot: {s['gates_plot']}",
        f"models: {s['keras_model']}, {s['tflite_float_path']}, {s['tflite_int8_path']}, "
        f"{s['saved_model']}",
        f"summary: {summary_path}",
    ]
    return "\n".join(lines)


# An int8 model this far below float32 (PCKh points) is reported, not just listed.
INT8_LOSS_POINTS = 5.0
# Summary key label -> the model's name in the table and the warnings.
TFLITE_MODELS = {
    "float": "TFLite float32",
    "ptq": "TFLite int8 (PTQ)",
    "int8": "TFLite int8 (QAT)",
}


def int8_losses(s: dict) -> list[str]:
    """One warning line per int8 model more than `INT8_LOSS_POINTS` below float32.

    Most trained models lose 0-1 points to int8; some lose far more (one
    batch-8 run: 82.6 float32, 44.7 post-training int8, 37.1 QAT), and a table
    row alone is easy to miss.

    Args:
        s: `run_demo`'s summary (`pckh_float`, `pckh_ptq`, `pckh_int8`).

    Returns:
        The warning lines, empty when every int8 model is within the bound.
    """
    lines = []
    for label in ("ptq", "int8"):
        lost = s["pckh_float"] - s[f"pckh_{label}"]
        if lost > INT8_LOSS_POINTS:
            lines.append(
                f"warning: {TFLITE_MODELS[label]} is {lost:.1f} PCKh points below float32 "
                f"({s[f'pckh_{label}']:.1f} against {s['pckh_float']:.1f}); "
                "see docs/quantization.md, 'When int8 loses'"
            )
    return lines
