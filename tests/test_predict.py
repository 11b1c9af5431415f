import json
import os
import subprocess
import sys

import cv2
import keras
import numpy as np
import pytest

from keras_posegate.fileio import file_mode
from keras_posegate.inference import box_crop, load_predictor, predict_image
from keras_posegate.models import PoseGateModel
from keras_posegate.predict import predict_files
from tests.helpers import TINY

SMALL = {**TINY, "num_stacks": 1}


@pytest.fixture(scope="module")
def model_path(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("m") / "tiny.keras")
    PoseGateModel(**SMALL).save(path)
    return path


@pytest.fixture(scope="module")
def image_path(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("img") / "person.jpg")
    rng = np.random.default_rng(0)
    cv2.imwrite(path, rng.integers(0, 255, (90, 120, 3), dtype=np.uint8))
    return path


def test_box_crop_maps_the_box_centre_to_the_input_centre():
    affine = box_crop((10, 20, 40, 80), (100, 100), 64)
    centre = affine @ np.array([10 + 20 - 0.5, 20 + 40 - 0.5, 1.0])
    np.testing.assert_allclose(centre, [31.5, 31.5], atol=1e-5)
    assert affine[0, 0] == pytest.approx(64 / 80)  # letterboxed on the long side


def test_predict_image_maps_back_inside_the_image(model_path, image_path):
    joints, scores = predict_image(load_predictor(model_path), cv2.imread(image_path))
    assert joints.shape == (16, 2) and scores.shape == (16,)
    # The whole image is letterboxed: x within the image, y within the padded square.
    assert np.all(joints[:, 0] > -2) and np.all(joints[:, 0] < 122)


def test_predict_files_writes_png_and_json_and_reports_failures(
    model_path, image_path, tmp_path
):
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"not a jpeg")
    results, failures = predict_files(
        model_path,
        [image_path, str(broken), str(tmp_path / "missing.jpg")],
        str(tmp_path / "o"),
    )
    assert len(results) == 1
    assert failures == {
        str(broken): "not a readable image",
        str(tmp_path / "missing.jpg"): "missing file",
    }
    with open(results[0]["json"]) as f:
        doc = json.load(f)
    assert [k["name"] for k in doc["keypoints"]][:2] == ["r_ankle", "r_knee"]
    assert cv2.imread(results[0]["png"]).shape == (90, 120, 3)
    for written in (results[0]["png"], results[0]["json"]):
        assert os.stat(written).st_mode & 0o777 == file_mode()


def test_cli_exit_code_says_an_image_failed(model_path, image_path, tmp_path):
    args = ["--model", model_path, "--out_dir", str(tmp_path), image_path]
    run = lambda extra: subprocess.run(  # noqa: E731
        [sys.executable, "-m", "keras_posegate", "predict", *args, *extra],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    ok = run([])
    assert ok.returncode == 0, ok.stderr
    bad = run([str(tmp_path / "nope.jpg")])
    assert bad.returncode == 1
    assert "nope.jpg: FAILED (missing file)" in bad.stderr
    assert os.path.isfile(tmp_path / "person_pose.png")


def test_a_model_carrying_a_lambda_is_refused(tmp_path):
    inputs = keras.Input((4,))
    model = keras.Model(inputs, keras.layers.Lambda(lambda x: x * 2)(inputs))
    path = str(tmp_path / "lambda.keras")
    model.save(path)
    with pytest.raises(ValueError, match="refused to load"):
        load_predictor(path)


def test_keras_saved_model_and_tflite_give_the_same_keypoints(
    model_path, image_path, tmp_path
):
    from keras_posegate.export.saved_model import export_saved_model
    from keras_posegate.export.tflite import convert_keras, write_tflite
    from keras_posegate.models.saving import load_keras_model

    model = load_keras_model(model_path)
    saved = export_saved_model(model, str(tmp_path / "serving"), "posegate")
    tflite_path, _ = write_tflite(convert_keras(model), str(tmp_path), "float32")
    image = cv2.imread(image_path)
    reference, _ = predict_image(load_predictor(model_path), image)
    for path, allowed in ((tflite_path, 0), (saved, 1)):
        joints, scores = predict_image(load_predictor(path), image)
        # Same heatmaps up to float error, so the same argmax and shift, except
        # where the SavedModel's uint8 input rounding flips a near-tie: one joint.
        far = np.linalg.norm(joints - reference, axis=-1) >= 0.5
        assert far.sum() <= allowed, (path, np.flatnonzero(far))


def test_a_missing_model_is_named(tmp_path):
    missing = str(tmp_path / "nowhere.tflite")
    with pytest.raises(FileNotFoundError, match="nowhere.tflite: no such model"):
        load_predictor(missing)


def test_predict_feeds_the_model_the_crop_the_eval_parser_makes(tmp_path):
    # PNG: lossless, so the two decoders agree and only the transform is compared.
    import tensorflow as tf

    from keras_posegate.data.parser import decode_crop
    from keras_posegate.inference import center_scale_crop

    class Recorder:  # a predictor that keeps what it is given
        input_size = 64

        def heatmaps(self, images):
            self.images = images
            return np.zeros((1, 16, 16, 16), np.float32)

    image_path = str(tmp_path / "person.png")
    rng = np.random.default_rng(1)
    cv2.imwrite(image_path, rng.integers(0, 255, (90, 120, 3), dtype=np.uint8))
    recorder = Recorder()
    affine = center_scale_crop((60.0, 40.0), 0.4, 64)
    predict_image(recorder, cv2.imread(image_path), affine)
    with open(image_path, "rb") as f:
        encoded = tf.constant(f.read())
    parsed = decode_crop(encoded, tf.constant(affine), 64).numpy() / 255.0
    np.testing.assert_allclose(recorder.images[0], parsed, atol=1e-6)
    assert recorder.images[0].std() > 0.1  # a real crop of the noise image
