"""The demo's deployment: QAT, TFLite and SavedModel export, TFLite checks."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from typing import IO

from keras_posegate.demo.common import DemoConfig, StepLog

# summary.json's `gpu_delegate_compatible`: exported model -> the LiteRT GPU
# delegate takes every op (keras_posegate.litert.gpu).
GPU_MODELS = (("tflite_float_path", "float32"), ("tflite_float16_path", "float16"),
              ("tflite_ptq_path", "int8_ptq"), ("tflite_int8_path", "int8_qat"))  # fmt: skip


def _start_posegate(output: IO, *args: str) -> subprocess.Popen:
    """Start a `posegate` subcommand in a child process, its output to `output`.

    tfmot's Keras 2 switch must not reach this Keras 3 process. The output goes
    to a file, not a pipe, so that the child never waits for this process.
    """
    env = {k: v for k, v in os.environ.items() if k != "TF_USE_LEGACY_KERAS"}
    return subprocess.Popen(
        [sys.executable, "-m", "keras_posegate", *args], env=env,
        stdout=output, stderr=subprocess.STDOUT,
    )  # fmt: skip


def _finish(child: subprocess.Popen, output: IO, log: Callable[[str], None]) -> None:
    """Wait for `child`, pass its output on to `log`; raise if it failed."""
    code = child.wait()
    output.seek(0)
    for line in output.read().decode(errors="replace").splitlines():
        log(line)
    if code != 0:
        raise subprocess.CalledProcessError(code, child.args)


def deploy_steps(
    cfg: DemoConfig,
    paths: dict,
    model_path: str,
    step: StepLog,
    log: Callable[[str], None],
) -> dict:
    """Fine-tunes quantization-aware and exports TFLite and a SavedModel.

    QAT and its int8 TFLite run in one child `posegate quantize` process
    (tfmot needs Keras 2), started first; float32, float16 and int8 PTQ TFLite
    and the SavedModel are written here meanwhile (step "export"), then the
    child's output is shown once it ends (step "quantize": the wait after the
    export, so that the step times add up to the run's).

    Args:
        cfg: the demo's sizes (`qat_epochs`, `qat_learning_rate`, `preset`).
        paths: `demo_paths(cfg.out_dir)`.
        model_path: the trained `.keras` file.
        step: the step banner.
        log: where the lines go.

    Returns:
        The exported files: "tflite_float_path", "tflite_float16_path",
        "tflite_ptq_path", "tflite_int8_path" (QAT) and "saved_model".

    Raises:
        subprocess.CalledProcessError: the QAT child failed (its output is
            logged first).
    """
    exports, qat = paths["exports"], os.path.join(paths["exports"], "posegate_qat")
    os.makedirs(exports, exist_ok=True)
    # The QAT child runs while this process exports: the child's first ~20 s
    # (start-up, tfmot's annotation) and the export each keep about one core
    # busy, so both end in the child's time (55 s against 75 one after the
    # other, measured on the demo's model).
    with tempfile.TemporaryFile() as output:
        child = _start_posegate(
            output, "quantize", f"--model={model_path}", f"--output={qat}",
            f"--data_dir={os.path.join(paths['tfrecords'], 'train')}",
            f"--epochs={cfg.qat_epochs}", f"--steps_per_epoch={cfg.qat_steps_per_epoch}",
            f"--learning_rate={cfg.qat_learning_rate}",
            f"--batch_size={cfg.batch_size}", f"--tflite_dir={exports}",
            "--io_dtype=int8", f"--preset={cfg.preset}",
        )  # fmt: skip
        try:
            with step("export", "Exporting TFLite (float32, float16, int8 PTQ) and a "
                      "SavedModel, while quantization-aware fine-tuning runs"):  # fmt: skip
                float_path, f16_path, ptq_path, saved = _export(model_path, paths, cfg)
        except BaseException:
            child.kill()
            child.wait()
            raise
        with step("quantize", f"Quantization-aware fine-tuning, {cfg.qat_epochs} "
                  "epochs (tfmot, child process), and its int8 TFLite"):  # fmt: skip
            _finish(child, output, log)
    files = {"tflite_float_path": float_path, "tflite_float16_path": f16_path,
             "tflite_ptq_path": ptq_path,
             "tflite_int8_path": os.path.join(exports, "posegate_qat.tflite"),
             "saved_model": saved}  # fmt: skip
    for path in files.values():
        log(f"    {path}")
    return files


def _export(model_path: str, paths: dict, cfg: DemoConfig) -> tuple[str, ...]:
    """float32, float16 and int8 PTQ TFLite files and the SavedModel: their paths."""
    from keras_posegate.export import tflite as tfl
    from keras_posegate.export.saved_model import export_saved_model
    from keras_posegate.models.saving import load_keras_model

    exports, model = paths["exports"], load_keras_model(model_path)
    float_path, _ = tfl.write_tflite(
        tfl.convert_keras(model), exports, "float32", cfg.preset
    )
    f16_path, _ = tfl.write_tflite(
        tfl.convert_keras(model, "float16"), exports, "float16", cfg.preset
    )
    ptq = tfl.convert_keras(model, "int8", _representative(model, paths), "int8")
    ptq_path, _ = tfl.write_tflite(ptq, exports, "int8", cfg.preset)
    saved = export_saved_model(model, os.path.join(exports, "saved_model"), "posegate")
    return float_path, f16_path, ptq_path, saved


def _representative(model, paths: dict) -> Callable:
    from keras_posegate.codec import HeatmapCodec
    from keras_posegate.data import build_dataset
    from keras_posegate.datasets.info import MPII
    from keras_posegate.export.tflite import representative_from_dataset

    ds = build_dataset(os.path.join(paths["tfrecords"], "train"), MPII,
                       HeatmapCodec(model.input_size), 1, 8, training=False)  # fmt: skip
    return representative_from_dataset(ds, 16)


def tflite_checks(
    paths: dict, files: dict, step: StepLog, log: Callable[[str], None]
) -> dict:
    """Checks the TFLite models against Keras: PCKh, int8 audit, latency, size.

    Args:
        paths: `demo_paths(cfg.out_dir)`.
        files: `deploy_steps`'s exported files.
        step: the step banner.
        log: where the lines go.

    Returns:
        Per model ("float", "ptq", "int8"): `pckh_*`, `latency_ms_*` (median,
        2 threads), `size_bytes_*`; `int8_audit_passed` for the QAT model and
        `gpu_delegate_compatible`: label -> the GPU delegate takes every op.
    """
    from keras_posegate.evaluation.evaluate import evaluate
    from keras_posegate.litert.audit import audit_int8
    from keras_posegate.litert.gpu import gpu_compatibility
    from keras_posegate.litert.latency import latency_ms

    valid = os.path.join(paths["tfrecords"], "valid")
    out = {}
    with step(
        "tflite", "Checking TFLite against Keras: PCKh, int8 audit, latency, size"
    ):
        for key, label in (("tflite_float_path", "float"), ("tflite_ptq_path", "ptq"),
                           ("tflite_int8_path", "int8")):  # fmt: skip
            path = files[key]
            result = evaluate(path, valid, "mpii")
            out[f"pckh_{label}"] = round(result["metrics"]["pckh@0.5"].mean, 2)
            out[f"latency_ms_{label}"] = round(
                latency_ms(path, threads=2, runs=20)["median_ms"], 2
            )
            out[f"size_bytes_{label}"] = os.path.getsize(path)
            log(f"    {os.path.basename(path)}: PCKh@0.5 {out[f'pckh_{label}']:.1f}, "
                f"{out[f'latency_ms_{label}']:.2f} ms (2 threads), {out[f'size_bytes_{label}']:,} B")  # fmt: skip
        report = audit_int8(files["tflite_int8_path"])
        out["int8_audit_passed"] = bool(report.ok)
        log(f"    int8 audit of the QAT model: {'PASS' if report.ok else 'FAIL'}")
        out["gpu_delegate_compatible"] = gpu = {}
        for key, label in GPU_MODELS:
            result = gpu_compatibility(files[key])
            gpu[label] = bool(result.compatible)
            refused = ", ".join(f"{k} x{n}" for k, n in result.incompatible_ops.items())
            log(f"    GPU delegate, {label}: "
                f"{'runs whole' if result.compatible else 'refuses ' + refused}")  # fmt: skip
    return out
