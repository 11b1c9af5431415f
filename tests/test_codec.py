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
