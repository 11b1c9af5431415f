import keras
import numpy as np
import pytest

from keras_posegate.codec import HeatmapCodec
from keras_posegate.data import build_dataset
from keras_posegate.data.pipeline import SkipReport
from keras_posegate.datasets.info import LSP
from keras_posegate.losses import MaskedHeatmapMSE, heatmap_mse
from tests.data import helpers

CODEC = HeatmapCodec(64)


def test_bad_examples_are_skipped_counted_and_reported(tmp_path):
    records = helpers.dataset_with_bad_examples(tmp_path)
    ds = build_dataset(records, LSP, CODEC, 2, 1, training=True, seed=3)
    n = sum(1 for _ in ds)
    report = ds.skip_counter.report()
    assert n == 3
    assert report == {
        "seen": 8,
        "kept": 3,
        "skipped_decode_error": 3,
        "skipped_bad_annotation": 2,
        "skipped_truncated_tfrecord": 0,
        "skipped_corrupt_tfrecord": 0,
    }


def test_training_element_structure(tmp_path):
    ds = build_dataset(
        helpers.make_dataset(tmp_path, 4), LSP, CODEC, 3, 2, True, seed=0
    )
    images, heatmaps, weights = next(iter(ds))
    assert images.shape == (2, 64, 64, 3) and images.dtype == "float32"
    assert float(images.numpy().min()) >= 0.0 and float(images.numpy().max()) <= 1.0
    assert len(heatmaps) == 3 and heatmaps[0].shape == (2, 16, 16, 14)
    assert len(weights) == 3 and weights[2].shape == (2, 14)
    np.testing.assert_array_equal(heatmaps[0].numpy(), heatmaps[2].numpy())


@pytest.mark.parametrize("training", [True, False])
def test_each_stack_gets_the_one_stack_target(tmp_path, training):
    """Targets are encoded once per example and repeated per stack after batching."""
    records = helpers.make_dataset(tmp_path, 4)
    kwargs = dict(batch_size=2, training=training, seed=4, deterministic=True)
    if not training:
        kwargs["targets"] = True
    one = list(build_dataset(records, LSP, CODEC, num_stacks=1, **kwargs))
    three = list(build_dataset(records, LSP, CODEC, num_stacks=3, **kwargs))
    assert len(one) == len(three) == 2
    for (x1, h1, w1), (x3, h3, w3) in zip(one, three, strict=True):
        np.testing.assert_array_equal(x1.numpy(), x3.numpy())
        assert len(h1) == len(w1) == 1 and len(h3) == len(w3) == 3
        for h, w in zip(h3, w3, strict=True):
            np.testing.assert_array_equal(h.numpy(), h1[0].numpy())
            np.testing.assert_array_equal(w.numpy(), w1[0].numpy())


def _batches(ds):
    return [(x.numpy(), y[0].numpy()) for x, y, _ in ds]


def test_same_seed_same_batches_other_seed_other_batches(tmp_path):
    records = helpers.make_dataset(tmp_path, 6)
    kwargs = dict(num_stacks=1, batch_size=2, training=True, deterministic=True)
    a = _batches(build_dataset(records, LSP, CODEC, seed=5, **kwargs))
    b = _batches(build_dataset(records, LSP, CODEC, seed=5, **kwargs))
    c = _batches(build_dataset(records, LSP, CODEC, seed=6, **kwargs))
    assert len(a) == 3
    for (xa, ya), (xb, yb) in zip(a, b, strict=True):
        np.testing.assert_array_equal(xa, xb)
        np.testing.assert_array_equal(ya, yb)
    assert not np.array_equal(a[0][0], c[0][0])
    with pytest.raises(ValueError, match="seed=None"):
        build_dataset(records, LSP, CODEC, 1, 2, True, deterministic=True)


def test_loss_contract_per_joint_weights():
    rng = np.random.default_rng(0)
    y_true = rng.random((2, 4, 4, 3)).astype(np.float32)
    y_pred = rng.random((2, 4, 4, 3)).astype(np.float32)
    w = np.array([[1, 0, 1], [0, 0, 1]], np.float32)
    expected = (((y_pred - y_true) ** 2).mean(axis=(1, 2)) * w).mean()
    got = float(MaskedHeatmapMSE()(y_true, y_pred, sample_weight=w))
    assert got == pytest.approx(expected, rel=1e-5)
    assert float(heatmap_mse(y_true, y_pred, w)) == pytest.approx(expected, rel=1e-5)
    restored = keras.losses.deserialize(keras.losses.serialize(MaskedHeatmapMSE()))
    assert isinstance(restored, MaskedHeatmapMSE)


def test_foreground_weight_weights_pixels_by_the_target():
    rng = np.random.default_rng(1)
    y_true = rng.random((2, 4, 4, 3)).astype(np.float32)
    y_pred = rng.random((2, 4, 4, 3)).astype(np.float32)
    w = np.array([[1, 0, 1], [1, 1, 1]], np.float32)
    sq = (y_pred - y_true) ** 2
    expected = ((sq * (1 + 10 * y_true)).mean(axis=(1, 2)) * w).mean()
    loss = MaskedHeatmapMSE(foreground_weight=10.0)
    assert float(loss(y_true, y_pred, sample_weight=w)) == pytest.approx(
        expected, rel=1e-5
    )
    assert float(heatmap_mse(y_true, y_pred, w, 10.0)) == pytest.approx(
        expected, rel=1e-5
    )
    plain = (sq.mean(axis=(1, 2)) * w).mean()
    assert abs(expected - plain) > 0.1 * plain  # the weighting changes the value
    restored = keras.losses.deserialize(keras.losses.serialize(loss))
    assert restored.foreground_weight == 10.0
    for bad in (-1.0, float("nan")):
        with pytest.raises(ValueError, match="foreground_weight"):
            MaskedHeatmapMSE(foreground_weight=bad)


def _tiny_model(num_stacks: int, num_joints: int) -> keras.Model:
    inputs = keras.Input((64, 64, 3))
    x = keras.layers.Conv2D(8, 3, strides=2, padding="same", activation="relu")(inputs)
    x = keras.layers.Conv2D(8, 3, strides=2, padding="same", activation="relu")(x)
    outputs = [
        keras.layers.Conv2D(num_joints, 1, name=f"stack{i}")(x)
        for i in range(num_stacks)
    ]
    model = keras.Model(inputs, outputs)
    model.compile(
        optimizer=keras.optimizers.RMSprop(2.5e-4), loss=[MaskedHeatmapMSE()] * 2
    )
    return model


def test_model_fit_one_epoch_over_the_pipeline(tmp_path):
    records = helpers.make_dataset(tmp_path, 8)
    ds = build_dataset(
        records, LSP, CODEC, num_stacks=2, batch_size=4, training=True, seed=1
    )
    model = _tiny_model(2, 14)
    history = model.fit(
        ds, epochs=1, verbose=0, callbacks=[SkipReport(ds.skip_counter)]
    )
    assert history.history["data_kept"] == [8] and history.history["data_seen"] == [8]
    assert np.isfinite(history.history["loss"][0]) and history.history["loss"][0] > 0
    images, heatmaps, _ = next(iter(ds))
    zeros = (np.zeros((4, 14), np.float32),) * 2
    # The per-joint weights reach the loss: all-zero weights give zero loss.
    assert model.evaluate(images, heatmaps, sample_weight=zeros, verbose=0)[0] == 0.0


def test_a_step_cap_reports_no_skips_on_clean_data(tmp_path):
    # `--steps_per_epoch`: the epoch ends with examples still in flight
    # (prefetched); they are not skips.
    records = helpers.make_dataset(tmp_path, 12)
    ds = build_dataset(records, LSP, CODEC, 1, 2, training=True, seed=0, repeat=True)
    iterator = iter(ds)
    for _ in range(3):
        next(iterator)
    report = ds.skip_counter.report()
    assert report["skipped_decode_error"] == 0, report
    assert report["skipped_bad_annotation"] == 0
    assert report["seen"] == report["kept"] >= 6


def test_pipelines_run_without_the_autotune_thread(tmp_path):
    # tf.data's autotuning thread made deleting an iterator wait for its next
    # wake-up (up to 60 s): every fit, evaluate and predict paid it at its end.
    records = helpers.make_dataset(tmp_path, 4)
    for training in (True, False):
        ds = build_dataset(records, LSP, CODEC, 1, 2, training, seed=0)
        assert ds.options().autotune.enabled is False
        assert ds.options().deterministic is (not training)
