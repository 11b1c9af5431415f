"""The serving graph's decoder against the codec's (both decodings)."""

import numpy as np
import pytest
import tensorflow as tf

from keras_posegate.codec import DECODINGS, HeatmapCodec
from keras_posegate.export.decode_tf import decode_heatmaps


def _maps(rng, batch, h, w, j):
    """Gaussian peaks anywhere (borders too) plus noise, and two flat maps."""
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    maps = np.empty((batch, h, w, j), np.float32)
    for b in range(batch):
        for k in range(j):
            cx, cy = rng.uniform(-0.5, w - 0.5), rng.uniform(-0.5, h - 0.5)
            g = np.exp(-((xs - cx) ** 2 + (ys - cy) ** 2) / 8.0)
            maps[b, ..., k] = g * rng.uniform(0.2, 1.0)
    maps += rng.normal(0.0, 0.02, maps.shape).astype(np.float32)
    maps[0, ..., 0] = 0.0
    maps[0, ..., 1] = -1.0
    return maps


@pytest.mark.parametrize("decoding", DECODINGS)
def test_matches_the_codec(decoding):
    rng = np.random.default_rng(0)
    for shape in ((3, 16, 16, 8), (2, 7, 11, 5), (1, 3, 3, 2)):
        maps = _maps(rng, *shape)
        want, want_scores = HeatmapCodec(64, decoding=decoding).decode(maps)
        got, scores = decode_heatmaps(tf.constant(maps), decoding)
        np.testing.assert_allclose(got.numpy(), want, atol=1e-5)
        np.testing.assert_array_equal(scores.numpy(), want_scores)


def test_unknown_decoding_is_refused():
    with pytest.raises(ValueError, match="decoding='soft'"):
        decode_heatmaps(tf.zeros((1, 4, 4, 1)), "soft")
