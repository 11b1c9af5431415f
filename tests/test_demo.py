"""`posegate demo` end to end, at the smallest sizes (the real run is `make demo`)."""

import json
import math
import os
import re

import cv2
import pytest

from keras_posegate.demo import DemoConfig, run_demo

REQUIRED = ("pckh_float", "pckh_int8", "tflite_int8_path", "tflite_float_path",
            "latency_ms_float", "latency_ms_int8", "overlays", "gates_plot")  # fmt: skip


def test_demo_runs_every_step_and_writes_the_summary(tmp_path):
    out = str(tmp_path / "demo")
    lines = []
    cfg = DemoConfig(out_dir=out, num_images=60, epochs=2, checks=2, qat_epochs=1,
                     qat_steps_per_epoch=2, num_overlays=2)  # fmt: skip
    summary = run_demo(cfg, log=lines.append)
    with open(os.path.join(out, "summary.json")) as f:
        on_disk = json.load(f)
    assert all(key in on_disk for key in REQUIRED)
    assert on_disk["overlays"] == summary["overlays"] and len(summary["overlays"]) == 2
    for png in summary["overlays"] + [summary["gates_plot"]]:
        assert cv2.imread(png) is not None
    for key in ("tflite_int8_path", "tflite_float_path"):
        assert os.path.getsize(summary[key]) > 10_000
    assert summary["int8_audit_passed"] is True
    gpu = on_disk["gpu_delegate_compatible"]
    assert set(gpu) == {"float32", "float16", "int8_ptq", "int8_qat"}
    assert gpu["float16"] is True and gpu["float32"] is True
    # The float32 TFLite export computes what the Keras model does: the same
    # PCKh on the same people (a near-tie may move one joint of 60 people).
    assert summary["pckh_float"] == pytest.approx(summary["pckh_keras"], abs=1.0)
    assert isinstance(summary["pckh_int8"], float)
    assert os.path.isdir(summary["saved_model"])
    text = "\n".join(lines)
    assert "[9/9]" in text and "Ours (measured)" in text and "int8 audit" in text
    # 2 passes over the training people in 2 checks of ceil(people / 16) steps.
    people = int(re.search(r"2 passes over (\d+) people in 2 checks", text).group(1))
    assert f"2 checks of {math.ceil(people / 16)} steps" in text
    with open(os.path.join(out, "model", "history.csv")) as f:
        assert len(f.read().strip().splitlines()) == 1 + 2  # header + one row per check
    assert "GPU delegate, float16: runs whole" in text


def test_cosine_schedule_spans_every_step_of_the_run(tmp_path):
    from keras_posegate.demo.common import demo_paths
    from keras_posegate.demo.model_steps import cosine_schedule

    paths = demo_paths(str(tmp_path))
    train = tmp_path / "tfrecords" / "train"
    train.mkdir(parents=True)
    shards = [{"file": f"s{i}.tfrecord", "count": c} for i, c in enumerate((50, 49))]
    for shard in shards:
        (train / shard["file"]).write_bytes(b"")
    (train / "manifest.json").write_text(json.dumps({"shards": shards}))
    cfg = DemoConfig(
        out_dir=str(tmp_path), epochs=3, checks=2, batch_size=16, lr_schedule="cosine"
    )
    (sched,) = cosine_schedule(cfg, paths)
    # 3 passes over 99 people in 2 checks: ceil(297 / 32) = 10 steps each.
    assert sched.total == 2 * 10 and sched.warmup == round(99 / 16)
    assert sched.peak == cfg.learning_rate


def test_an_int8_model_far_below_float32_is_named_in_the_summary():
    from keras_posegate.demo.runner import INT8_LOSS_POINTS, int8_losses

    s = {"pckh_float": 82.6, "pckh_ptq": 82.6 - INT8_LOSS_POINTS, "pckh_int8": 37.1}
    lines = int8_losses(s)
    assert len(lines) == 1  # PTQ exactly at the bound is not reported
    assert "int8 (QAT)" in lines[0] and "45.5 PCKh points" in lines[0]
    s["pckh_ptq"] = 76.0
    assert [("PTQ" in line) for line in int8_losses(s)] == [True, False]
    assert int8_losses({"pckh_float": 85.9, "pckh_ptq": 85.3, "pckh_int8": 85.0}) == []


def test_a_failed_qat_child_shows_its_output_and_stops_the_demo(tmp_path):
    import subprocess
    import sys
    import tempfile

    from keras_posegate.demo.deploy_steps import _finish

    lines = []
    with tempfile.TemporaryFile() as output:
        code = "print('no such model: m.keras'); raise SystemExit(2)"
        child = subprocess.Popen([sys.executable, "-c", code], stdout=output)
        with pytest.raises(subprocess.CalledProcessError) as raised:
            _finish(child, output, lines.append)
    assert raised.value.returncode == 2
    assert lines == ["no such model: m.keras"]


def test_a_failed_export_stops_the_qat_child(tmp_path, monkeypatch):
    import subprocess
    import sys

    from keras_posegate.demo import deploy_steps as deploy
    from keras_posegate.demo.common import StepLog, demo_paths

    started = []

    def sleeper(output, *args):
        started.append(
            subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
        )
        return started[-1]

    def broken_export(*args):
        raise OSError("disk full")

    monkeypatch.setattr(deploy, "_start_posegate", sleeper)
    monkeypatch.setattr(deploy, "_export", broken_export)
    lines = []
    with pytest.raises(OSError, match="disk full"):
        deploy.deploy_steps(DemoConfig(out_dir=str(tmp_path)), demo_paths(str(tmp_path)),
                            "m.keras", StepLog(lines.append), lines.append)  # fmt: skip
    (child,) = started
    assert child.returncode is not None and child.returncode < 0  # killed, reaped
