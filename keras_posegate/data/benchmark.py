"""Input-pipeline throughput (the library behind `posegate benchmark data`)."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

from keras_posegate.datasets.records import PersonRecord
from keras_posegate.threads import available_cores


def make_synthetic_jpegs(
    out_dir: str | os.PathLike,
    num_images: int = 32,
    size: tuple[int, int] = (720, 1280),
    num_joints: int = 16,
    seed: int = 0,
) -> list[PersonRecord]:
    """Write photo-like JPEGs, each with one random MPII-style person record.

    The images are smooth colour fields with discs and mild noise; each person
    has a centre near the middle, scale 1.5-3.5 and random joints around the
    centre, all marked visible.

    Args:
        out_dir: folder for the JPEGs (created when missing).
        num_images: how many images (one person each).
        size: `(height, width)` of the images in pixels.
        num_joints: joints per person (16, MPII's layout).
        seed: seed of the random content; the same seed writes the same files.

    Returns:
        The records (`dataset="mpii"`), image paths under `out_dir`.
    """
    rng = np.random.default_rng(seed)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    h, w = size
    records = []
    for i in range(num_images):
        small = rng.integers(0, 255, (9, 16, 3), dtype=np.uint8)
        image = cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC)
        for _ in range(12):
            centre = (int(rng.integers(0, w)), int(rng.integers(0, h)))
            colour = tuple(int(c) for c in rng.integers(0, 255, 3))
            cv2.circle(image, centre, int(rng.integers(10, 120)), colour, -1)
        image = cv2.add(image, rng.integers(0, 12, image.shape, dtype=np.uint8))
        path = out / f"synthetic_{i:05d}.jpg"
        cv2.imwrite(str(path), image, [cv2.IMWRITE_JPEG_QUALITY, 90])
        scale = float(rng.uniform(1.5, 3.5))
        center = np.array([rng.uniform(0.3, 0.7) * w, rng.uniform(0.35, 0.65) * h])
        joints = center + rng.uniform(-80, 80, (num_joints, 2)) * scale
        records.append(
            PersonRecord(
                image_path=str(path),
                joints=joints.astype(np.float32),
                visible=np.ones(num_joints, np.float32),
                center=center.astype(np.float32),
                scale=scale,
                image_id=path.name,
                dataset="mpii",
            )
        )
    return records


def benchmark_data(
    source: str | os.PathLike | None = None,
    input_size: int = 256,
    batch_size: int = 24,
    num_stacks: int = 4,
    num_batches: int = 40,
    warmup_batches: int = 5,
    num_images: int = 64,
    crop_decode: bool = True,
    repeats: int = 3,
    cache_images: bool = False,
    warp: str = "tensorflow",
) -> dict:
    """Measure training-pipeline throughput, full augmentation and targets.

    Args:
        source: a TFRecord directory; None generates `num_images` synthetic
            1280x720 JPEGs in a temporary directory (raw-record path).
        input_size: network input side in pixels (256 in the paper).
        batch_size: examples per batch (24 in the paper).
        num_stacks: targets per example (4 in the paper).
        num_batches: timed batches per repeat, after `warmup_batches`.
        warmup_batches: untimed batches first (pipeline start-up).
        num_images: synthetic images when `source` is None.
        crop_decode: decode only the crop window of JPEGs.
        repeats: timed runs of `num_batches` batches, one after another on
            the same iterator.
        cache_images: decode every image once and keep them in memory
            (`build_dataset`); the warm-up decodes them all first (it runs at
            least one pass over the images).
        warp: "tensorflow" or "opencv" (`build_dataset`'s training warp).

    Returns:
        A dict: images_per_s (the median run), images_per_s_min / _max,
        images_per_s_per_core, cores, cpu_ms_per_image (the process's CPU
        time, all threads, per image, median run: steadier than images/s on
        a shared machine), seconds (all runs), settings.

    Raises:
        ValueError: `num_batches` or `repeats` is below 1.
    """
    from keras_posegate.codec import HeatmapCodec
    from keras_posegate.data.pipeline import build_dataset
    from keras_posegate.data.shards import read_manifest
    from keras_posegate.datasets.info import get_info

    for name, value in (("num_batches", num_batches), ("repeats", repeats)):
        if value < 1:
            raise ValueError(f"{name} must be >= 1. Received: {name}={value}")
    with tempfile.TemporaryDirectory() as tmp:
        if source is None:
            data, info = make_synthetic_jpegs(tmp, num_images), get_info("mpii")
            count = len(data)
        else:
            manifest = read_manifest(source)
            data, info = str(source), get_info(manifest["dataset"])
            count = sum(shard["count"] for shard in manifest["shards"])
        ds = build_dataset(
            data, info, HeatmapCodec(input_size), num_stacks, batch_size,
            training=True, seed=0, repeat=True, crop_decode=crop_decode,
            cache_images=cache_images, warp=warp,
        )  # fmt: skip
        iterator = iter(ds)
        if cache_images:  # a whole pass fills the cache before the clock starts
            warmup_batches = max(warmup_batches, -(-count // batch_size) + 1)
        for _ in range(warmup_batches):
            next(iterator)
        rates, cpu_ms = [], []
        for _ in range(repeats):
            start, cpu_start = time.perf_counter(), time.process_time()
            for _ in range(num_batches):
                next(iterator)
            rates.append(num_batches * batch_size / (time.perf_counter() - start))
            cpu = time.process_time() - cpu_start
            cpu_ms.append(1e3 * cpu / (num_batches * batch_size))
    images_per_s = float(np.median(rates))
    cores = available_cores()
    return {
        "what": "data",
        "source": "synthetic 1280x720 JPEG" if source is None else str(source),
        "images_per_s": round(images_per_s, 1),
        "images_per_s_min": round(min(rates), 1),
        "images_per_s_max": round(max(rates), 1),
        "repeats": repeats,
        "images_per_s_per_core": round(images_per_s / cores, 1),
        "cpu_ms_per_image": round(float(np.median(cpu_ms)), 3),
        "cores": cores,
        "seconds": round(sum(num_batches * batch_size / r for r in rates), 3),
        "num_batches": num_batches,
        "batch_size": batch_size,
        "input_size": input_size,
        "crop_decode": crop_decode,
        "cache_images": cache_images,
        "warp": warp,
    }
