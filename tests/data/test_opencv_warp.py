"""`warp="opencv"`: training crops through `cv2.warpAffine`, in register with TF's."""

import numpy as np
import pytest
import tensorflow as tf

from keras_posegate.codec import HeatmapCodec
from keras_posegate.data import augment, build_dataset
from keras_posegate.datasets.info import LSP
from keras_posegate.training.config import TrainConfig
from tests.data import helpers

CODEC = HeatmapCodec(64)


@pytest.mark.parametrize("rotation,flip", [(0.0, False), (30.0, False), (-25.0, True)])
def test_opencv_warp_matches_the_tensorflow_warp(rotation, flip):
    rng = np.random.default_rng(0)
    # A smooth image (blurred noise), as photographs are: the two
    # interpolations then differ by rounding only.
    noise = rng.random((24, 32, 3)).astype(np.float32)
    image = tf.cast(tf.image.resize(noise[None], (96, 128))[0] * 255, tf.uint8)
    m = augment.crop_matrix([30.0, 50.0], 0.45, rotation, 64, flip)  # off the left
    ours = augment.warp_image_opencv(image, m, 64)
    ref = augment.warp_image(image, m, 64)
    assert ours.shape == ref.shape == (64, 64, 3) and ours.dtype == tf.uint8
    diff = np.abs(ours.numpy().astype(int) - ref.numpy().astype(int))
    assert diff.max() <= 5  # OpenCV interpolates at 1/32 pixel
    assert diff.mean() < 1.0
    # Zeros where the crop samples more than a pixel outside the image.
    u, v = np.meshgrid(np.arange(64.0), np.arange(64.0))
    crop = np.stack([u.ravel(), v.ravel()], -1)
    source = augment.crop_to_original(crop, m.numpy()).reshape(64, 64, 2)
    outside = (source < -1).any(-1) | (source[..., 0] > 128) | (source[..., 1] > 96)
    assert outside.sum() > 200
    assert (ours.numpy()[outside] == 0).all() and (ref.numpy()[outside] == 0).all()


def test_opencv_warp_keeps_a_joint_in_register():
    joint = np.array([70.0, 40.0])
    image = helpers.dot_image(96, 128, joint, radius=2)
    m = augment.crop_matrix([64.0, 48.0], 0.6, 30.0, 64, True)
    warped = augment.warp_image_opencv(tf.constant(image), m, 64).numpy()
    gray = warped.astype(np.float64).mean(-1)
    ys, xs = np.nonzero(gray > 0.5 * gray.max())
    w = gray[ys, xs]
    centroid = [(xs * w).sum() / w.sum(), (ys * w).sum() / w.sum()]
    expected = augment.transform_points(joint[None], m).numpy()[0]
    np.testing.assert_allclose(centroid, expected, atol=0.5)


def _batches(ds):
    return [tuple(np.asarray(t) for t in tf.nest.flatten(b)) for b in ds]


@pytest.mark.parametrize("cache_images", [False, True])
def test_the_pipeline_with_opencv_gives_the_same_examples(tmp_path, cache_images):
    records = helpers.make_dataset(tmp_path, 6)
    kwargs = dict(num_stacks=1, batch_size=2, training=True, seed=5,
                  deterministic=True, cache_images=cache_images)  # fmt: skip
    ref = _batches(build_dataset(records, LSP, CODEC, **kwargs))
    ours = _batches(build_dataset(records, LSP, CODEC, warp="opencv", **kwargs))
    assert len(ours) == len(ref) == 3
    for got, want in zip(ours, ref, strict=True):
        # Same augmentation draws: the crops agree to interpolation rounding
        # (plus colour jitter's scaling of it), the targets exactly.
        assert np.abs(got[0] - want[0]).max() <= 8 / 255
        assert np.abs(got[0] - want[0]).mean() < 1.5 / 255
        for a, b in zip(got[1:], want[1:], strict=True):
            np.testing.assert_array_equal(a, b)


def test_an_unknown_warp_is_refused_by_name(tmp_path):
    records = helpers.make_dataset(tmp_path, 2)
    with pytest.raises(ValueError, match="warp must be one of .*Received: warp='cv'"):
        build_dataset(records, LSP, CODEC, 1, 2, training=False, warp="cv")
    with pytest.raises(ValueError, match="Received: warp='cv'"):
        TrainConfig(warp="cv")
