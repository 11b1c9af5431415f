"""Skeleton overlay and gate histograms (paper Fig. 3)."""

import cv2
import numpy as np
import pytest

from keras_posegate.datasets.info import LSP, MPII
from keras_posegate.viz import (
    draw_skeleton,
    gate_summary,
    gates_figure,
    plot_gates,
    save_png,
)


def _lsp_pose():
    joints = np.array([
        [80, 190], [82, 150], [85, 110], [115, 110], [118, 150], [120, 190],
        [40, 110], [55, 85], [75, 60], [125, 60], [145, 85], [160, 110],
        [100, 45], [100, 20],
    ], np.float64)  # fmt: skip
    return joints, np.full(14, 0.9)


def test_draw_skeleton_draws_limbs_and_skips_low_scores():
    image = np.zeros((200, 200, 3), np.uint8)
    joints, scores = _lsp_pose()
    scores[6] = 0.1  # r_wrist below threshold
    out = draw_skeleton(image, joints, scores, LSP)
    assert out.shape == image.shape and not np.shares_memory(out, image)
    assert image.max() == 0  # the input is untouched
    # Midpoint of r_ankle -> r_knee carries the limb colour (right side: red-ish).
    mid = ((joints[0] + joints[1]) / 2).round().astype(int)
    px = out[mid[1], mid[0]].astype(int)
    assert px.sum() > 100 and px[2] > px[0]
    # r_elbow -> r_wrist is not drawn: its midpoint and the wrist stay black.
    mid = ((joints[6] + joints[7]) / 2).round().astype(int)
    assert out[mid[1], mid[0]].max() == 0
    w = joints[6].astype(int)
    assert out[w[1] - 2 : w[1] + 3, w[0] - 2 : w[0] + 3].max() == 0


def test_draw_skeleton_confidence_sets_strength():
    image = np.zeros((200, 200, 3), np.uint8)
    joints, scores = _lsp_pose()
    strong = draw_skeleton(image, joints, scores, LSP)
    weak = draw_skeleton(image, joints, np.full(14, 0.35), LSP)
    assert strong.astype(int).sum() > weak.astype(int).sum() > 0


def test_draw_skeleton_scales_with_image_and_checks_shapes():
    joints, scores = _lsp_pose()
    small = draw_skeleton(np.zeros((200, 200, 3), np.uint8), joints, scores, LSP)
    big = draw_skeleton(np.zeros((800, 800, 3), np.uint8), joints * 4, scores, LSP)
    assert (big.max(-1) > 0).sum() > 8 * (small.max(-1) > 0).sum()
    with pytest.raises(ValueError, match="joints must be"):
        draw_skeleton(np.zeros((10, 10, 3), np.uint8), joints, scores, MPII)


def test_gate_summary_values():
    gates = [("b1", np.array([0.0, 0.05, -0.2, 0.5])), ("b2", np.ones((3, 1)))]
    s = gate_summary(gates)
    assert [g["name"] for g in s] == ["b1", "b2"]
    assert s[0]["channels"] == 4 and s[1]["channels"] == 3
    assert s[0]["mean_abs"] == pytest.approx(0.1875)
    assert s[0]["share_small"] == pytest.approx(0.5)
    assert s[1]["share_small"] == 0.0
    with pytest.raises(ValueError, match="at least one"):
        gate_summary([])


def test_plot_gates_panels_and_png(tmp_path):
    rng = np.random.default_rng(0)
    gates = [(f"stack{i // 4}/block{i % 4}", rng.normal(0, 0.05, 64)) for i in range(7)]
    fig = gates_figure(gates, ncols=4)
    panels = [ax for ax in fig.axes if ax.get_visible()]
    assert len(panels) == 7
    assert panels[0].get_title().startswith("1. stack0/block0")
    path = plot_gates(gates, tmp_path / "gates.png", title="test")
    img = cv2.imread(str(path))
    assert img is not None and img.shape[1] > img.shape[0]
    assert [p.name for p in tmp_path.iterdir()] == ["gates.png"]


def test_save_png_round_trip(tmp_path):
    image = np.random.default_rng(0).integers(0, 255, (20, 30, 3), dtype=np.uint8)
    path = save_png(tmp_path / "a" / "x.png", image)
    np.testing.assert_array_equal(cv2.imread(path), image)
    with pytest.raises(ValueError, match="uint8"):
        save_png(tmp_path / "y.png", image.astype(np.float32))
