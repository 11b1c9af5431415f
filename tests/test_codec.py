import numpy as np
import pytest

from keras_posegate.codec import HeatmapCodec


def test_encode_decode_round_trip_within_quarter_pixel():
    codec = HeatmapCodec(input_size=256, stride=4, sigma=2.0)
    rng = np.random.default_rng(0)
    joints = rng.uniform(8, 248, size=(16, 2)).astype(np.float32)
    maps, weights = codec.encode(joints, np.ones(16, np.float32))
    coords, scores = codec.decode(maps.numpy()[None])
    back = codec.heatmap_to_input(coords[0])
    # A quarter of a heatmap pixel is one input pixel at stride 4.
    assert np.abs(back - joints).max() <= 0.25 * codec.stride + 1e-4
    assert np.all(weights.numpy() == 1)
    assert scores.shape == (1, 16)


def test_missing_and_outside_joints_get_zero_weight():
    codec = HeatmapCodec(input_size=64, stride=4)
    joints = np.array([[10, 10], [-40, 10], [np.nan, 3], [30, 30]], np.float32)
    maps, weights = codec.encode(joints, np.array([1, 1, 1, 0], np.float32))
    np.testing.assert_array_equal(weights.numpy(), [1, 0, 0, 0])
    assert maps.numpy()[..., 1:].max() == 0
    y, x = np.unravel_index(maps.numpy()[..., 0].argmax(), (16, 16))
    assert (x, y) == (2, 2)  # (10 + 0.5) / 4 - 0.5 = 2.125


def test_bad_arguments_name_the_value():
    with pytest.raises(ValueError, match="input_size=250"):
        HeatmapCodec(input_size=250, stride=4)


def _gaussian_maps(centres, size, sigma=2.0):
    """`(size, size, J)` Gaussians at sub-pixel heatmap `centres` `(J, 2)`."""
    grid = np.arange(size, dtype=np.float32)
    gx = np.exp(-((grid[None, :] - centres[:, :1]) ** 2) / (2 * sigma**2))
    gy = np.exp(-((grid[None, :] - centres[:, 1:]) ** 2) / (2 * sigma**2))
    return np.moveaxis(gy[:, :, None] * gx[:, None, :], 0, -1).astype(np.float32)


def test_dark_finds_sub_pixel_peaks_the_quarter_rule_cannot():
    rng = np.random.default_rng(1)
    centres = rng.uniform(4, 28, size=(16, 2)).astype(np.float32)
    maps = _gaussian_maps(centres, 32)
    dark, _ = HeatmapCodec(128).decode(maps)
    quarter, _ = HeatmapCodec(128, decoding="argmax_quarter_offset").decode(maps)
    assert np.abs(dark - centres).max() < 0.05
    assert np.abs(quarter - centres).max() > 0.15  # the rule's steps are 1/4 px


def test_dark_falls_back_to_the_quarter_rule_near_the_border():
    centres = np.array([[1.2, 15.3], [15.6, 30.9], [0.0, 0.0]], np.float32)
    maps = _gaussian_maps(centres, 32)
    maps[..., 2] = 0.0  # a flat map: argmax (0, 0), no curvature anywhere
    dark, dark_scores = HeatmapCodec(128).decode(maps)
    quarter, scores = HeatmapCodec(128, decoding="argmax_quarter_offset").decode(maps)
    np.testing.assert_array_equal(dark, quarter)
    np.testing.assert_array_equal(dark_scores, scores)


def test_dark_keeps_the_argmax_pixel_within_one_pixel_on_noisy_maps():
    rng = np.random.default_rng(2)
    maps = rng.normal(0, 0.3, size=(4, 16, 16, 5)).astype(np.float32)
    coords, scores = HeatmapCodec(64).decode(maps)
    flat = np.moveaxis(maps, -1, 1).reshape(4, 5, -1)
    idx = flat.argmax(-1)
    argmax = np.stack([idx % 16, idx // 16], -1)
    assert np.abs(coords - argmax).max() <= 1.0
    np.testing.assert_array_equal(scores, flat.max(-1))


def test_decoding_is_in_the_config_and_checked():
    codec = HeatmapCodec(64, decoding="argmax_quarter_offset")
    assert HeatmapCodec(**codec.get_config()).decoding == "argmax_quarter_offset"
    assert HeatmapCodec(64).decoding == "dark"
    with pytest.raises(ValueError, match="decoding='soft'"):
        HeatmapCodec(64, decoding="soft")
