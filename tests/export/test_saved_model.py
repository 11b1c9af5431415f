"""SavedModel for TF Serving: versioned layout, signatures, a REST-style request
decoded as TF Serving does, and bad images."""

import base64
import json
import os

import cv2
import numpy as np
import pytest
import tensorflow as tf

from keras_posegate.codec import HeatmapCodec
from keras_posegate.export.saved_model import PoseServingModule, export_saved_model
from keras_posegate.fileio import dir_mode
from keras_posegate.inference import KerasPredictor, box_crop, predict_image
from keras_posegate.models import PoseGateModel
from tests.helpers import TINY as SMALL


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    model = PoseGateModel(**SMALL)
    root = tmp_path_factory.mktemp("serving")
    path = export_saved_model(model, str(root))
    return model, root, path, tf.saved_model.load(path)


def _request(images) -> str:
    """The REST body a client sends: `{"instances": [{"b64": ...}, ...]}`."""
    encoded = [cv2.imencode(".png", im[..., ::-1])[1].tobytes() for im in images]
    return json.dumps(
        {"instances": [{"b64": base64.b64encode(e).decode()} for e in encoded]}
    )


def _serve(loaded, body: str):
    """Decode the request as TF Serving does (b64 -> DT_STRING) and call."""
    instances = json.loads(body)["instances"]
    batch = tf.constant([base64.b64decode(i["b64"]) for i in instances])
    return loaded.signatures["serving_default"](image_bytes=batch)


def test_versioned_layout(exported):
    _, root, path, _ = exported
    assert path == os.path.join(str(root), "posegate", "1")
    assert os.path.exists(os.path.join(path, "saved_model.pb"))
    assert not [d for d in os.listdir(os.path.dirname(path)) if d.startswith(".tmp")]
    # TF Serving often runs as another user: the folder follows the umask.
    assert os.stat(path).st_mode & 0o777 == dir_mode()


def test_signatures_have_explicit_input_names(exported):
    loaded = exported[3]
    assert set(loaded.signatures) == {"serving_default", "heatmaps"}
    _, kwargs = loaded.signatures["serving_default"].structured_input_signature
    assert list(kwargs) == ["image_bytes"]
    _, kwargs = loaded.signatures["heatmaps"].structured_input_signature
    assert list(kwargs) == ["image"] and kwargs["image"].dtype == tf.uint8


def test_rest_request_matches_keras_keypoints(exported):
    model, _, _, loaded = exported
    rng = np.random.default_rng(0)
    # A 128x96 image: letterboxed to 64x64 by the parser's crop transform
    # (scale 0.5, rows y -> 0.5 * y + 8 - 0.25: centred, pixel centres at integers).
    image = (rng.uniform(size=(96, 128, 3)) * 255).astype(np.uint8)
    out = _serve(loaded, _request([image, image]))
    assert out["keypoints"].shape == (2, 16, 2) and out["scores"].shape == (2, 16)
    matrix = np.array([[0.5, 0.0, -0.25], [0.0, 0.5, 7.75]], np.float32)
    np.testing.assert_allclose(box_crop(None, image.shape, 64), matrix, atol=1e-6)
    canvas = tf.raw_ops.ImageProjectiveTransformV3(
        images=image[None], transforms=[[2.0, 0, 0.5, 0, 2.0, -15.5, 0, 0]],
        output_shape=[64, 64], fill_value=0.0, interpolation="BILINEAR",
    )[0].numpy().astype(np.float32) / 255.0  # fmt: skip
    assert canvas[:8].max() == 0 and canvas[56:].max() == 0
    assert canvas[8:56].mean() > 0.4  # the image's rows, its mean near 0.5
    heatmaps = model.predict(canvas[None], verbose=0)[-1]
    codec = HeatmapCodec(64)
    coords, scores = codec.decode(heatmaps)
    xy = codec.heatmap_to_input(coords[0])
    expected = (xy - matrix[:, 2]) / 0.5
    np.testing.assert_allclose(out["keypoints"][0].numpy(), expected, atol=1e-3)
    np.testing.assert_allclose(out["scores"][0].numpy(), scores[0], atol=1e-5)
    joints, _ = predict_image(KerasPredictor(model), image[..., ::-1].copy())
    np.testing.assert_allclose(out["keypoints"][0].numpy(), joints, atol=1e-3)


def test_heatmaps_signature(exported):
    model, _, _, loaded = exported
    image = np.random.default_rng(1).integers(0, 256, (1, 64, 64, 3), np.uint8)
    out = loaded.signatures["heatmaps"](image=tf.constant(image))
    expected = model.predict(image.astype(np.float32) / 255.0, verbose=0)[-1]
    np.testing.assert_allclose(out["heatmaps"].numpy(), expected, atol=1e-5)
    coords, _ = HeatmapCodec(64).decode(expected)
    np.testing.assert_allclose(
        out["keypoints"].numpy(), HeatmapCodec(64).heatmap_to_input(coords), atol=1e-4
    )


def test_corrupt_image_is_rejected(exported):
    loaded = exported[3]
    body = json.dumps(
        {"instances": [{"b64": base64.b64encode(b"not an image").decode()}]}
    )
    with pytest.raises(
        tf.errors.InvalidArgumentError, match="Unknown image file format"
    ):
        _serve(loaded, body)


def test_oversized_image_is_rejected():
    module = PoseServingModule(PoseGateModel(**SMALL), max_pixels=100 * 100)
    big = cv2.imencode(".png", np.zeros((120, 120, 3), np.uint8))[1].tobytes()
    with pytest.raises(tf.errors.InvalidArgumentError, match="image too large"):
        module.serving_default(tf.constant([big]))


def test_next_version_and_no_overwrite(exported):
    model, root, _, _ = exported
    path = export_saved_model(model, str(root))
    assert path.endswith(os.path.join("posegate", "2"))
    with pytest.raises(ValueError, match="already exists"):
        export_saved_model(model, str(root), version=2)
