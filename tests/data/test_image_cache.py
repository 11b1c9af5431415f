"""`build_dataset(cache_images=True)`: same crops, images decoded once."""

import numpy as np

from keras_posegate.codec import HeatmapCodec
from keras_posegate.data import build_dataset
from keras_posegate.datasets.info import LSP
from tests.data import helpers

CODEC = HeatmapCodec(64)


def _images(ds):
    return np.concatenate([batch[0].numpy() for batch in ds])


def test_cached_images_give_the_same_crops(tmp_path):
    records = helpers.make_dataset(tmp_path, 6)
    kwargs = dict(num_stacks=1, batch_size=2, training=True, seed=5, deterministic=True)
    plain = _images(build_dataset(records, LSP, CODEC, **kwargs))
    cached = build_dataset(records, LSP, CODEC, cache_images=True, **kwargs)
    first = _images(cached)
    # Decoding only the crop window and decoding the whole image agree to
    # within the JPEG decoder's chroma upsampling at the window's edge.
    np.testing.assert_allclose(first, plain, atol=2 / 255)
    assert np.mean(np.abs(first - plain)) < 1e-3
    # Evaluation crops too, and a second pass reads the cache.
    ev = dict(num_stacks=1, batch_size=4, training=False)
    plain_eval = _images(build_dataset(records, LSP, CODEC, **ev))
    cached_eval = build_dataset(records, LSP, CODEC, cache_images=True, **ev)
    np.testing.assert_allclose(_images(cached_eval), plain_eval, atol=2 / 255)
    np.testing.assert_array_equal(_images(cached_eval), _images(cached_eval))


def test_a_corrupt_image_is_counted_once_and_the_rest_every_pass(tmp_path):
    records = helpers.dataset_with_bad_examples(tmp_path)
    ds = build_dataset(records, LSP, CODEC, 2, 1, training=True, seed=3,
                       cache_images=True)  # fmt: skip
    assert sum(1 for _ in ds) == 3
    assert sum(1 for _ in ds) == 3  # the second pass, from the cache
    report = ds.skip_counter.report()
    assert report["kept"] == 6
    assert report["skipped_decode_error"] == 3  # decoded once
    assert report["skipped_bad_annotation"] == 4  # decided every pass
    assert report["seen"] == 13
