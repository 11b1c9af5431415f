import json
import subprocess
import sys
import types

import numpy as np
import pytest

from keras_posegate.data import benchmark, read_manifest
from keras_posegate.data.prepare import prepare
from tests.data import helpers


def test_benchmark_data_reports_throughput():
    result = benchmark.benchmark_data(
        None, input_size=64, batch_size=2, num_stacks=1, num_batches=2, warmup_batches=1,
        num_images=3,
    )  # fmt: skip
    assert result["images_per_s"] > 0 and result["cores"] >= 1
    # The pipeline's threads decode and warp: CPU time is spent on every image.
    assert result["cpu_ms_per_image"] > 0
    assert result["images_per_s_per_core"] == pytest.approx(
        result["images_per_s"] / result["cores"], abs=0.1
    )
    with pytest.raises(ValueError, match="num_batches=0"):
        benchmark.benchmark_data(None, num_batches=0)


def test_benchmark_data_cli_prints_median_and_spread_of_its_repeats():
    args = "--json --input_size 64 --batch_size 2 --num_stacks 1 --num_batches 2"
    run = subprocess.run(
        [sys.executable, "-m", "keras_posegate", "benchmark", "data",
         *args.split(), "--num_images", "3", "--repeats", "3"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    result = json.loads(run.stdout)
    assert result["repeats"] == 3 and result["batch_size"] == 2
    low, mid, high = (result[f"images_per_s{k}"] for k in ("_min", "", "_max"))
    assert 0 < low <= mid <= high


def test_synthetic_jpegs_are_1280x720_with_people_inside(tmp_path):
    records = benchmark.make_synthetic_jpegs(tmp_path, num_images=2)
    import cv2

    image = cv2.imread(records[0].image_path)
    assert image.shape == (720, 1280, 3)
    assert np.all((records[1].center > 0) & (records[1].center < [1280, 720]))


def test_prepare_calls_the_reader_and_writes_tfrecords(tmp_path, monkeypatch):
    images = tmp_path / "images"
    images.mkdir()
    records = helpers.make_dataset(images, 3)
    for r in records:  # readers may give paths relative to images/
        r.image_path = r.image_path.split("/")[-1]
    calls = []

    def read_lsp(joints_mat, images_dir, split):
        calls.append((joints_mat, images_dir, split))
        return records, {"no_joints": 1}

    fake = types.ModuleType("keras_posegate.datasets.lsp")
    fake.read_lsp = read_lsp
    monkeypatch.setitem(sys.modules, "keras_posegate.datasets.lsp", fake)
    import keras_posegate.datasets as datasets_pkg

    monkeypatch.setattr(datasets_pkg, "lsp", fake, raising=False)
    report, skipped = prepare(
        "lsp", tmp_path, tmp_path / "out", "test", 2, progress=False
    )
    assert calls == [(str(tmp_path / "joints.mat"), str(images), "test")]
    assert report.written == 3 and skipped == {"no_joints": 1}
    assert read_manifest(tmp_path / "out")["dataset"] == "lsp"
    with pytest.raises(ValueError, match="split='dev'"):
        prepare("lsp", tmp_path, tmp_path / "out", "dev")
