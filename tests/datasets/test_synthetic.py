import os
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from keras_posegate.datasets import figures, mpii
from keras_posegate.datasets.synthetic import (
    MPII_MAT_NAME,
    render_image,
    write_sample_dataset,
)

REPO = Path(__file__).resolve().parents[2]


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*.*")}


def test_same_seed_writes_identical_files(mpii_dir, tmp_path):
    out, summary = mpii_dir
    again = write_sample_dataset(
        tmp_path / "a", "mpii", 10, seed=3, image_size=(96, 96)
    )
    assert _files(out) == _files(tmp_path / "a")
    assert {k: v for k, v in again.items() if k not in ("out_dir", "seconds")} == {
        k: v for k, v in summary.items() if k not in ("out_dir", "seconds")
    }
    other = write_sample_dataset(
        tmp_path / "b", "mpii", 10, seed=4, image_size=(96, 96)
    )
    assert (
        _files(tmp_path / "b")["images/000000001.jpg"]
        != _files(out)["images/000000001.jpg"]
    )
    assert other["num_images"] == 12 and len(_files(out)) == 12 + 4


def test_lsp_files_and_large_canvas(lsp_dir, tmp_path):
    out, summary = lsp_dir
    names = sorted(p.name for p in (out / "images").iterdir())
    assert names == [f"im{i:04d}.jpg" for i in range(1, 7)]
    assert cv2.imread(str(out / "images/im0001.jpg")).shape == (96, 80, 3)
    assert summary["splits"] == {"layout": "original", "train": 6, "test": 0}
    big = write_sample_dataset(tmp_path, "mpii", 1, seed=0, image_size=(1280, 720))
    assert cv2.imread(str(tmp_path / "images/000000001.jpg")).shape == (720, 1280, 3)
    assert big["splits"]["mat_test_images"] == 0 and big["splits"]["valid_json"] == 0


def _mid(joints, a, b):
    return tuple(np.round((joints[a] + joints[b]) / 2).astype(int))


def test_figures_are_mirror_consistent():
    """Facing shows on the head (face or hair); limb colours do not name sides.

    With flip augmentation a mirrored figure with swapped labels must look like
    a plausible original, so left/right may only follow from facing and
    geometry: the right forearm is red in about half the figures, and the face
    (bright skin) shows exactly when the figure faces the camera.
    """
    red_right, forearms, front, heads = 0, 0, 0, 0
    for seed in range(40):
        image, (person,) = render_image(
            np.random.default_rng(seed), 320, 320, occlusion=0.0
        )
        j = person["joints"]
        x, y = _mid(j, 11, 10)
        if 0 <= x < 320 and 0 <= y < 320:
            blue, _, red = image[y, x].astype(int)
            forearms += 1
            red_right += bool(red > blue + 40)
        x, y = _mid(j, 8, 9)
        if 0 <= x < 320 and 0 <= y < 320:
            heads += 1
            facing = figures.facing_camera(j)
            front += facing
            assert (image[y, x].mean() > 110) == facing, seed
    assert forearms >= 30 and 0.25 * forearms <= red_right <= 0.75 * forearms
    assert 0 < front < heads


def test_facing_camera_puts_the_right_shoulder_on_the_image_left():
    joints = np.zeros((16, 2))
    joints[6], joints[7] = (50, 80), (50, 40)  # pelvis below thorax
    joints[12], joints[13] = (40, 40), (60, 40)
    assert figures.facing_camera(joints)
    joints[[12, 13]] = joints[[13, 12]]
    assert not figures.facing_camera(joints)


def test_occluded_and_out_of_frame_joints(mpii_dir):
    out, _ = mpii_dir
    records, _ = mpii.read_mpii_mat(out / MPII_MAT_NAME, split="all")
    annotated = np.stack([r.annotated for r in records[:8]])
    visible = np.stack([r.visible for r in records[:8]])
    assert (visible <= annotated).all()
    rng = np.random.default_rng(0)
    hidden = 0
    for _ in range(20):
        _, (person,) = render_image(rng, 64, 64, occlusion=1.0)
        inside = person["in_frame"]
        hidden += int((inside & (person["visible"] == 0)).sum())
        assert (person["visible"][~inside] == 0).all()
    assert hidden > 0


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"fmt": "coco"}, "fmt must be one of"),
        ({"num": 0}, r"num must be >= 1. Received: num=0"),
        ({"image_size": (16, 300)}, "image_size must be at least 32x32"),
        ({"lsp_layout": "14x3"}, "lsp_layout must be"),
    ],
)
def test_bad_arguments_name_the_value(tmp_path, kwargs, message):
    args = {"out_dir": tmp_path, "fmt": "lsp", "num": 1, **kwargs}
    with pytest.raises(ValueError, match=message):
        write_sample_dataset(**args)


def test_cli_writes_and_reports(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    code = "from keras_posegate.cli import main; main()"
    args = ["sample-data", "--format", "lsp", "--out", str(tmp_path), "--num", "3"]
    args += ["--image_width", "64", "--image_height", "48", "--seed", "1"]
    result = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env
    )
    assert result.returncode == 0, result.stderr
    assert "Wrote 3 images" in result.stdout and "joints.mat" in result.stdout
    assert cv2.imread(str(tmp_path / "images/im0003.jpg")).shape == (48, 64, 3)
