import numpy as np
import pytest
import tensorflow as tf

from keras_posegate.codec import HeatmapCodec
from keras_posegate.data import augment, decoder
from keras_posegate.data.parser import (
    AugmentConfig,
    EvalParser,
    TrainParser,
    apply_crop_convention,
)
from keras_posegate.datasets.info import LSP, MPII
from tests.data import helpers
from tests.data.test_augment import _bright_centroid


def _example(record):
    arrays = decoder.records_to_arrays([record])
    return decoder.decode_raw({k: tf.constant(v[0]) for k, v in arrays.items()})


def _dot_record(tmp_path, suffix=".jpg"):
    joints = np.full((14, 2), np.nan, np.float32)
    joints[0] = [220.0, 150.0]
    joints[9] = [200.0, 120.0]  # l_shoulder
    joints[2] = [203.0, 124.0]  # r_hip
    image = helpers.dot_image(200, 300, joints[0], radius=2)
    path = helpers.write_image(tmp_path / f"dot{suffix}", image)
    return helpers.make_record(path, joints, center=(210.0, 140.0), scale=0.3)


@pytest.mark.parametrize("crop_decode", [True, False])
def test_eval_crop_puts_dot_and_heatmap_peak_at_the_joint(tmp_path, crop_decode):
    record = _dot_record(tmp_path)
    codec = HeatmapCodec(64, stride=4, sigma=1.0)
    parser = EvalParser(LSP, codec, num_stacks=1, crop_decode=crop_decode)
    image, heatmaps, weights, ok = parser(_example(record))
    center, scale = apply_crop_convention(record.center, record.scale, "lsp")
    m = augment.crop_matrix(center, scale, 0.0, 64)
    expected = augment.transform_points(record.joints[:1], m).numpy()[0]
    assert bool(ok)
    np.testing.assert_allclose(_bright_centroid(image.numpy()), expected, atol=1.0)
    coords, _ = codec.decode(heatmaps[0].numpy()[None])
    peak = codec.heatmap_to_input(coords[0, 0])
    assert np.abs(peak - expected).max() <= 1.0
    assert weights[0].numpy()[0] == 1


def test_weights_are_zero_for_missing_and_out_of_crop_joints(tmp_path):
    record = helpers.make_dataset(tmp_path, 1)[0]
    record.joints[1] = np.nan  # missing
    record.joints[2] = [1.0, 1.0]  # far outside the 100 px box around (64, 48)
    codec = HeatmapCodec(64)
    config = AugmentConfig(
        rotation_prob=0.0, scale_min=1.0, scale_max=1.0, flip_prob=0.0
    )
    parser = TrainParser(LSP, codec, num_stacks=3, config=config)
    _, heatmaps, weights, ok = parser(_example(record), tf.constant([1, 2], tf.int64))
    w = weights[0].numpy()
    assert bool(ok) and len(weights) == 3
    assert w[1] == 0 and w[2] == 0 and w[0] == 1
    assert heatmaps[0].numpy()[..., 1:3].max() == 0
    assert heatmaps[0].numpy()[..., 0].max() > 0.5


def test_person_without_joints_is_flagged_for_training_only(tmp_path):
    record = helpers.make_dataset(tmp_path, 1)[0]
    record.joints[:] = np.nan
    codec = HeatmapCodec(64)
    *_, ok_train = TrainParser(LSP, codec, 1)(
        _example(record), tf.constant([1, 2], tf.int64)
    )
    *_, ok_eval = EvalParser(LSP, codec)(_example(record))
    assert not bool(ok_train) and bool(ok_eval)


def test_mpii_convention_moves_centre_down_and_grows_box():
    center, scale = apply_crop_convention([100.0, 100.0], 2.0, "mpii")
    np.testing.assert_allclose(center.numpy(), [100.0, 130.0])
    assert float(scale) == pytest.approx(2.5)
    with pytest.raises(ValueError, match="dataset='coco'"):
        apply_crop_convention([0.0, 0.0], 1.0, "coco")


def test_eval_meta_maps_crop_back_to_original(tmp_path):
    record = _dot_record(tmp_path, ".png")
    record.dataset = "mpii"
    record.head_box = np.array([1, 2, 3, 4], np.float32)
    codec = HeatmapCodec(64)
    info = MPII  # 16 joints: pad the 14-joint record
    record.joints = np.concatenate([record.joints, np.full((2, 2), np.nan, np.float32)])
    record.visible = np.concatenate([record.visible, np.zeros(2, np.float32)])
    image, meta, ok = EvalParser(info, codec)(_example(record))
    crop = augment.transform_points(record.joints, meta["affine"]).numpy()
    back = augment.crop_to_original(crop[None], meta["affine"].numpy()[None])[0]
    np.testing.assert_allclose(back[0], record.joints[0], atol=1e-3)
    assert np.isnan(float(meta["torso_size"]))  # MPII l_shoulder (13) is missing here
    assert meta["has_head_box"].numpy() and meta["head_box"].numpy().tolist() == [
        1,
        2,
        3,
        4,
    ]
    np.testing.assert_allclose(
        meta["center"].numpy(), [210.0, 140.0 + 15 * 0.3], rtol=1e-6
    )
    assert image.shape == (64, 64, 3) and bool(ok)


def test_eval_meta_torso_is_lsp_l_shoulder_to_r_hip(tmp_path):
    record = _dot_record(tmp_path, ".png")
    _, meta, _ = EvalParser(LSP, HeatmapCodec(64))(_example(record))
    assert float(meta["torso_size"]) == pytest.approx(5.0)  # (200,120)-(203,124)
    assert meta["image_id"].numpy() == b"dot.png"
