"""The end-to-end job on built-in synthetic data (what `make demo` runs).

Steps: write a synthetic MPII-format dataset, convert it to TFRecords, train a
model, evaluate it (Table V layout), quantization-aware fine-tune and export
int8, float32 and float16 TFLite, check TFLite against Keras (PCKh, latency,
size, GPU-delegate compatibility),
predict on held-out images (skeleton overlays), plot the learned gates, and
write `summary.json`.
"""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Callable

from keras_posegate.fileio import atomic_write_json

STEPS = (
    "data",
    "prepare",
    "train",
    "evaluate",
    "quantize",
    "export",
    "tflite",
    "predict",
    "gates",
)


# summary.json's `gpu_delegate_compatible`: exported model -> the LiteRT GPU
# delegate takes every op (keras_posegate.litert.gpu).
GPU_MODELS = (("tflite_float_path", "float32"), ("tflite_float16_path", "float16"),
              ("tflite_ptq_path", "int8_ptq"), ("tflite_int8_path", "int8_qat"))  # fmt: skip


@dataclasses.dataclass
class DemoConfig:
    """Sizes of every step (defaults: under 10 minutes on 2 CPU cores)."""

    out_dir: str = "demo_out"
    preset: str = "posegate_tiny"
    num_images: int = 1200
    image_size: int = 256
    epochs: int = 20
    batch_size: int = 16
    learning_rate: float = 6e-3
    # "step": the paper's drops at `lr_drop_epochs` (epochs out of 200), here
    # late, so a short run stays at the high rate; "cosine": linear warm-up over
    # `warmup_epochs`, then a per-step cosine to 0 (README, Results: measured).
    lr_schedule: str = "step"
    warmup_epochs: float = 1.0
    lr_drop_epochs: tuple[int, ...] = (150, 175, 190)
    qat_epochs: int = 2
    qat_learning_rate: float = 2e-4
    num_overlays: int = 4
    seed: int = 0


class _Steps:
    """Prints a numbered banner and the time of every step."""

    def __init__(self, log: Callable[[str], None]):
        self.log, self.index, self.times = log, 0, {}

    def __call__(self, name: str, text: str):
        self.index += 1
        self.log(f"\n[{self.index}/{len(STEPS)}] {text}")
        return _Timer(self, name)


class _Timer:
    def __init__(self, steps: _Steps, name: str):
        self.steps, self.name = steps, name

    def __enter__(self):
        self.start = time.perf_counter()

    def __exit__(self, *exc):
        seconds = time.perf_counter() - self.start
        self.steps.times[self.name] = round(seconds, 1)
        self.steps.log(f"    done in {seconds:.1f} s")


def _paths(out_dir: str) -> dict[str, str]:
    join = lambda *p: os.path.join(out_dir, *p)  # noqa: E731
    return {
        "data": join("data"), "tfrecords": join("tfrecords"), "model_dir": join("model"),
        "exports": join("exports"), "overlays": join("overlays"), "gates": join("gates.png"),
        "summary": join("summary.json"), "predictions": join("predictions", "valid"),
    }  # fmt: skip


def _data_steps(cfg: DemoConfig, paths: dict, step: _Steps, log) -> None:
    from keras_posegate.data.prepare import prepare
    from keras_posegate.datasets.synthetic import write_sample_dataset

    with step("data", f"Writing {cfg.num_images} synthetic people in the MPII formats"):
        write_sample_dataset(paths["data"], "mpii", cfg.num_images, seed=cfg.seed,
                             image_size=(cfg.image_size, cfg.image_size))  # fmt: skip
        log(f"    {paths['data']}: images/, mpii_human_pose_v1_u12_1.mat, annot/*.json")
    with step("prepare", "Converting to sharded TFRecords (posegate prepare)"):
        for split in ("train", "valid"):
            report, _ = prepare("mpii", paths["data"], os.path.join(paths["tfrecords"], split),
                                split=split, num_shards=2, progress=False)  # fmt: skip
            log(
                f"    {split}: {report.written} written, skipped {dict(report.skipped)}"
            )


def _train_steps(cfg: DemoConfig, paths: dict, step: _Steps, log) -> dict:
    from keras_posegate.evaluation.evaluate import evaluate
    from keras_posegate.training import TrainConfig, train

    cosine = cfg.lr_schedule == "cosine"
    with step("train", f"Training {cfg.preset} for {cfg.epochs} epochs (model.fit)"):
        train(TrainConfig(
            preset=cfg.preset, data_dir=paths["tfrecords"], model_dir=paths["model_dir"],
            epochs=cfg.epochs, batch_size=cfg.batch_size, learning_rate=cfg.learning_rate,
            lr_drop_epochs=() if cosine else cfg.lr_drop_epochs, seed=cfg.seed,
        ), verbose=2, callbacks=_schedule(cfg, paths) if cosine else None)  # fmt: skip
    best = os.path.join(paths["model_dir"], "best.keras")
    with step("evaluate", "Evaluating on the held-out set (flip test, official PCKh)"):
        result = evaluate(best, os.path.join(paths["tfrecords"], "valid"), "mpii",
                          predictions_out=paths["predictions"],
                          split_label="synthetic validation set")  # fmt: skip
        log(result["table"])
    return {"model": best, "pckh_float_keras": result["metrics"]["pckh@0.5"].mean}


def _schedule(cfg: DemoConfig, paths: dict) -> list:
    """The warm-up + cosine learning-rate callback over the whole run."""
    from keras_posegate.data.shards import read_manifest
    from keras_posegate.training.schedule import WarmupCosine

    manifest = read_manifest(os.path.join(paths["tfrecords"], "train"))
    examples = sum(shard["count"] for shard in manifest["shards"])
    per_epoch = max(1, examples // cfg.batch_size)
    warmup = max(1, round(cfg.warmup_epochs * per_epoch))
    return [WarmupCosine(cfg.epochs * per_epoch, cfg.learning_rate, warmup)]


def _picture_steps(cfg: DemoConfig, paths: dict, model: str, step: _Steps, log) -> dict:
    from keras_posegate.data.prepare import load_records
    from keras_posegate.gates import gates_report
    from keras_posegate.predict import predict_files

    with step(
        "predict", f"Predicting {cfg.num_overlays} held-out images (posegate predict)"
    ):
        records, _ = load_records("mpii", paths["data"], "valid")
        images = sorted({r.image_path for r in records})[: cfg.num_overlays]
        results, _ = predict_files(model, images, paths["overlays"])
        overlays = [r["png"] for r in results]
        log("    " + "\n    ".join(overlays))
    with step("gates", "Plotting the learned gates (paper Fig. 3)"):
        gates_path, summary = gates_report(model, paths["gates"])
        small = sum(r["share_small"] * r["channels"] for r in summary)
        total = sum(r["channels"] for r in summary)
        log(
            f"    {gates_path}: {len(summary)} gated blocks, {small / total:.0%} of alphas |a| < 0.1"
        )
    return {"overlays": overlays, "gates_plot": gates_path}


def _posegate(*args: str) -> None:
    """Run a `posegate` subcommand in a child process (tfmot's Keras 2 switch
    must not reach this Keras 3 process); its output goes to ours."""
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "TF_USE_LEGACY_KERAS"}
    subprocess.run([sys.executable, "-m", "keras_posegate", *args], check=True, env=env)


def _deploy_steps(
    cfg: DemoConfig, paths: dict, model_path: str, step: _Steps, log
) -> dict:
    from keras_posegate.export import tflite as tfl
    from keras_posegate.export.saved_model import export_saved_model
    from keras_posegate.models.saving import load_keras_model

    exports, qat = paths["exports"], os.path.join(paths["exports"], "posegate_qat")
    with step(
        "quantize", f"Quantization-aware fine-tuning, {cfg.qat_epochs} epochs (tfmot)"
    ):
        _posegate("quantize", f"--model={model_path}", f"--output={qat}",
                  f"--data_dir={os.path.join(paths['tfrecords'], 'train')}",
                  f"--epochs={cfg.qat_epochs}", f"--learning_rate={cfg.qat_learning_rate}",
                  f"--batch_size={cfg.batch_size}")  # fmt: skip
    with step(
        "export",
        "Exporting TFLite (float32, float16, int8 PTQ, int8 QAT) and a SavedModel",
    ):
        model = load_keras_model(model_path)
        float_path, _ = tfl.write_tflite(
            tfl.convert_keras(model), exports, "float32", cfg.preset
        )
        f16_path, _ = tfl.write_tflite(
            tfl.convert_keras(model, "float16"), exports, "float16", cfg.preset
        )
        ptq = tfl.convert_keras(model, "int8", _representative(model, paths), "int8")
        ptq_path, _ = tfl.write_tflite(ptq, exports, "int8", cfg.preset)
        _posegate("export", "--format=tflite", "--quantization=qat", f"--qat_checkpoint={qat}",
                  "--io_dtype=int8", f"--export_dir={exports}", f"--preset={cfg.preset}")  # fmt: skip
        saved = export_saved_model(
            model, os.path.join(exports, "saved_model"), "posegate"
        )
        for path in (
            float_path,
            f16_path,
            ptq_path,
            os.path.join(exports, "posegate_qat.tflite"),
            saved,
        ):
            log(f"    {path}")
    return {"tflite_float_path": float_path, "tflite_float16_path": f16_path,
            "tflite_ptq_path": ptq_path,
            "tflite_int8_path": os.path.join(exports, "posegate_qat.tflite"),
            "saved_model": saved}  # fmt: skip


def _representative(model, paths: dict):
    from keras_posegate.codec import HeatmapCodec
    from keras_posegate.data import build_dataset
    from keras_posegate.datasets.info import MPII
    from keras_posegate.export.tflite import representative_from_dataset

    ds = build_dataset(os.path.join(paths["tfrecords"], "train"), MPII,
                       HeatmapCodec(model.input_size), 1, 8, training=False)  # fmt: skip
    return representative_from_dataset(ds, 16)


def _tflite_checks(paths: dict, files: dict, step: _Steps, log) -> dict:
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


def run_demo(cfg: DemoConfig, log: Callable[[str], None] = print) -> dict:
    """Run every step; returns the summary (also written to `summary.json`)."""
    paths = _paths(cfg.out_dir)
    os.makedirs(cfg.out_dir, exist_ok=True)
    step = _Steps(log)
    _data_steps(cfg, paths, step, log)
    trained = _train_steps(cfg, paths, step, log)
    files = _deploy_steps(cfg, paths, trained["model"], step, log)
    checks = _tflite_checks(paths, files, step, log)
    pictures = _picture_steps(cfg, paths, trained["model"], step, log)
    summary = {"preset": cfg.preset, "keras_model": trained["model"],
               "pckh_keras": round(trained["pckh_float_keras"], 2), **checks, **files,
               **pictures, "step_seconds": step.times, "config": dataclasses.asdict(cfg)}  # fmt: skip
    atomic_write_json(paths["summary"], summary, indent=1)
    log("\n" + format_summary(summary, paths["summary"]))
    return summary


def format_summary(s: dict, summary_path: str) -> str:
    ratio = s["latency_ms_float"] / max(s["latency_ms_int8"], 1e-9)
    lines = [
        f"{'model':<22}{'PCKh@0.5':>10}{'size (KB)':>12}{'latency (ms)':>14}",
        f"{'Keras 3 float':<22}{s['pckh_keras']:>10.1f}{'-':>12}{'-':>14}",
    ]
    for label, name in (("float", "TFLite float32"), ("ptq", "TFLite int8 (PTQ)"),
                        ("int8", "TFLite int8 (QAT)")):  # fmt: skip
        lines.append(f"{name:<22}{s[f'pckh_{label}']:>10.1f}"
                     f"{s[f'size_bytes_{label}'] / 1024:>12.0f}{s[f'latency_ms_{label}']:>14.2f}")  # fmt: skip
    lines += [
        f"int8 (QAT) vs float32: {s['size_bytes_int8'] / s['size_bytes_float']:.2f}x the size, "
        f"{ratio:.2f}x the speed; int8 audit {'passed' if s['int8_audit_passed'] else 'FAILED'}",
        "PCKh on the synthetic validation set; latency: ai_edge_litert, XNNPACK, 2 threads.",
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
