import numpy as np
import pytest
import tensorflow as tf

from keras_posegate.codec import HeatmapCodec
from keras_posegate.data import augment
from keras_posegate.data.parser import AugmentConfig, TrainParser
from keras_posegate.datasets.info import LSP
from tests.data import helpers


def _bright_centroid(image: np.ndarray) -> np.ndarray:
    gray = image.astype(np.float64).mean(-1)
    mask = gray > 0.5 * gray.max()
    ys, xs = np.nonzero(mask)
    w = gray[ys, xs]
    return np.array([(xs * w).sum() / w.sum(), (ys * w).sum() / w.sum()])


def test_crop_matrix_maps_box_onto_the_crop():
    m = augment.crop_matrix([100.0, 50.0], 0.5, 0.0, 64).numpy()
    # Box side 100 px centred on (100, 50): its edges land on the crop edges.
    edges = augment.transform_points(np.array([[50.0, 0.0], [150.0, 100.0]]), m).numpy()
    np.testing.assert_allclose(edges, [[-0.5, -0.5], [63.5, 63.5]], atol=1e-4)
    centre = augment.transform_points(np.array([[100.0, 50.0]]), m).numpy()
    np.testing.assert_allclose(centre, [[31.5, 31.5]], atol=1e-4)


@pytest.mark.parametrize(
    "rotation,scale,flip", [(0.0, 0.5, False), (30.0, 0.6, False), (-25.0, 0.45, True)]
)
def test_warp_keeps_image_and_joints_in_register(rotation, scale, flip):
    joint = np.array([70.0, 40.0])
    image = helpers.dot_image(96, 128, joint, radius=2)
    m = augment.crop_matrix([64.0, 48.0], scale, rotation, 64, flip)
    warped = augment.warp_image(tf.constant(image), m, 64).numpy()
    expected = augment.transform_points(joint[None], m).numpy()[0]
    np.testing.assert_allclose(_bright_centroid(warped), expected, atol=0.5)


def test_rotation_is_counter_clockwise_as_displayed():
    m = augment.crop_matrix([50.0, 50.0], 0.5, 90.0, 100)
    # A point right of the centre goes to the top after a CCW quarter turn.
    out = augment.transform_points(np.array([[60.0, 50.0]]), m).numpy()[0]
    np.testing.assert_allclose(out, [49.5, 39.5], atol=1e-4)


def test_crop_to_original_inverts_the_crop():
    m = augment.crop_matrix([80.0, 60.0], 1.3, 17.0, 256, True).numpy()
    pts = np.array([[10.0, 20.0], [90.0, 110.0], [np.nan, np.nan]], np.float32)
    crop = augment.transform_points(pts, m).numpy()
    back = augment.crop_to_original(crop[None], m[None])[0]
    np.testing.assert_allclose(back[:2], pts[:2], atol=1e-3)
    assert np.isnan(back[2]).all()


def test_crop_window_is_clamped_to_the_image():
    m = augment.crop_matrix([5.0, 5.0], 0.5, 0.0, 64)  # box -45..55 on a 40x30 image
    window, offset = augment.crop_window(m, 64, 30, 40)
    assert window.numpy().tolist() == [0, 0, 30, 40]
    assert offset.numpy().tolist() == [0.0, 0.0]


def test_color_jitter_is_reproducible_and_in_range():
    image = tf.random.stateless_uniform([8, 8, 3], [1, 2])
    a = augment.color_jitter(image, tf.constant([3, 4], tf.int64), 0.3, 0.3, 0.3)
    b = augment.color_jitter(image, tf.constant([3, 4], tf.int64), 0.3, 0.3, 0.3)
    c = augment.color_jitter(image, tf.constant([5, 6], tf.int64), 0.3, 0.3, 0.3)
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert not np.allclose(a.numpy(), c.numpy())
    assert a.numpy().min() >= 0 and a.numpy().max() <= 1


def test_flip_swaps_left_and_right_joints():
    values = tf.constant(np.arange(14, dtype=np.float32))
    flipped = augment.flip_joints(values, LSP.flip_index()).numpy()
    assert flipped[0] == 5 and flipped[5] == 0  # r_ankle <-> l_ankle
    assert flipped[12] == 12  # neck stays


def test_train_parser_keeps_dot_at_its_joint_after_flip_and_rotation(tmp_path):
    """A dot drawn at r_ankle ends up where the l_ankle heatmap peaks."""
    joints = np.full((14, 2), np.nan, np.float32)
    joints[0] = [50.0, 60.0]  # r_ankle
    joints[13] = [64.0, 30.0]  # head_top, keeps the person valid
    path = helpers.write_image(
        tmp_path / "a.png", helpers.dot_image(96, 128, joints[0], 2)
    )
    record = helpers.make_record(path, joints, center=(64.0, 48.0), scale=0.4)
    example = {
        "encoded": tf.io.read_file(str(path)),
        "joints": tf.constant(joints),
        "visible": tf.constant(record.visible),
        "center": tf.constant(record.center),
        "scale": tf.constant(record.scale, tf.float32),
    }
    codec = HeatmapCodec(64, stride=4, sigma=1.0)
    config = AugmentConfig(
        rotation_prob=1.0, flip_prob=1.0, brightness=0, contrast=0, saturation=0
    )
    parser = TrainParser(LSP, codec, num_stacks=2, config=config)
    image, heatmaps, weights, ok = parser(example, tf.constant([7, 9], tf.int64))
    assert bool(ok) and len(heatmaps) == 2
    w = weights[0].numpy()
    assert w[5] == 1 and w[0] == 0  # the annotated right ankle became the left one
    coords, _ = codec.decode(heatmaps[0].numpy()[None])
    peak = codec.heatmap_to_input(coords[0, 5])
    dot = _bright_centroid(image.numpy())
    assert np.abs(peak - dot).max() <= 2.0
    assert dot[0] > 32  # mirrored: the dot left of centre moved to the right half
