"""Small synthetic images and `PersonRecord`s for the data tests."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from keras_posegate.datasets.records import PersonRecord


def write_image(path: Path, image_rgb: np.ndarray, quality: int = 95) -> Path:
    """Write an RGB uint8 image (JPEG or PNG by suffix)."""
    params = [cv2.IMWRITE_JPEG_QUALITY, quality] if path.suffix == ".jpg" else []
    cv2.imwrite(str(path), image_rgb[..., ::-1], params)
    return path


def dot_image(height: int, width: int, xy, radius: int = 2) -> np.ndarray:
    """Black RGB image with a white filled disc at `xy`."""
    image = np.zeros((height, width, 3), np.uint8)
    cv2.circle(
        image, (int(round(xy[0])), int(round(xy[1]))), radius, (255, 255, 255), -1
    )
    return image


def make_record(
    path: Path,
    joints: np.ndarray,
    center=(64.0, 48.0),
    scale: float = 0.4,
    dataset: str = "lsp",
    image_id: str = "",
    person_index: int = 0,
    head_box=None,
) -> PersonRecord:
    joints = np.asarray(joints, np.float32)
    return PersonRecord(
        image_path=str(path),
        joints=joints,
        visible=np.isfinite(joints).all(-1).astype(np.float32),
        center=np.asarray(center, np.float32),
        scale=scale,
        head_box=None if head_box is None else np.asarray(head_box, np.float32),
        image_id=image_id or path.name,
        person_index=person_index,
        dataset=dataset,
    )


def make_dataset(
    directory: Path, n: int, num_joints: int = 14, size=(96, 128), seed: int = 0
) -> list[PersonRecord]:
    """`n` noisy JPEGs with random joints around the image centre."""
    rng = np.random.default_rng(seed)
    h, w = size
    records = []
    for i in range(n):
        image = rng.integers(0, 255, (h, w, 3), dtype=np.uint8)
        path = write_image(directory / f"im{i:04d}.jpg", image)
        joints = rng.uniform(
            [w / 2 - 30, h / 2 - 30], [w / 2 + 30, h / 2 + 30], (num_joints, 2)
        )
        records.append(
            make_record(
                path, joints, center=(w / 2, h / 2), scale=0.4, image_id=f"im{i}"
            )
        )
    return records


def truncate_file(path: Path, keep: float) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])


def dataset_with_bad_examples(directory: Path) -> list[PersonRecord]:
    """8 records: 3 decode errors (garbage, truncated, missing file), 2 bad
    annotations (a NaN centre, no joints) and 3 good ones."""
    records = make_dataset(directory, 8)
    (directory / "im0001.jpg").write_bytes(b"\xff\xd8\xff\xe0 garbage" * 8)
    truncate_file(directory / "im0002.jpg", 0.3)
    records[3].image_path = str(directory / "missing.jpg")
    records[4].center = np.array([np.nan, 1.0], np.float32)
    records[5].joints[:] = np.nan
    return records
