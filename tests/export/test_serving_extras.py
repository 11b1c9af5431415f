"""TF Serving extras: the warm-up file parses as PredictionLogs and each logged
request, run through the SavedModel's signature, returns what the Keras model
returns; the config files; the REST and gRPC client against loopback servers
that decode requests as TF Serving does."""

import base64
import json
import os
import threading
from concurrent import futures
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest
import tensorflow as tf
from google.protobuf import text_format

from keras_posegate.export.saved_model import export_saved_model
from keras_posegate.inference import KerasPredictor, predict_image
from keras_posegate.models import PoseGateModel
from keras_posegate.serving import client, configs, warmup

SMALL = dict(
    num_stacks=2, width=16, input_size=64, depth=2, bottom_blocks=1, stem_width=8
)


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    model = PoseGateModel(**SMALL)
    root = str(tmp_path_factory.mktemp("serving"))
    path = export_saved_model(model, root, name="pose")
    return model, root, path, tf.saved_model.load(path)


def _keras_keypoints(model, encoded: bytes) -> np.ndarray:
    """What `posegate predict` gives for one encoded image (whole-image box)."""
    rgb = tf.io.decode_image(encoded, channels=3, expand_animations=False).numpy()
    joints, _ = predict_image(KerasPredictor(model), rgb[..., ::-1])  # BGR
    return joints


def test_warmup_file_parses_and_each_request_matches_keras(exported):
    model, _, path, loaded = exported
    logs = warmup.read_warmup(os.path.join(path, warmup.WARMUP_FILE))
    sizes = warmup.WARMUP_BATCH_SIZES
    assert len(logs) == 2 * len(sizes)
    seen = {}
    for log in logs:
        request = log.predict_log.request
        assert request.model_spec.name == "pose"
        signature = request.model_spec.signature_name
        inputs = {k: tf.make_ndarray(v) for k, v in request.inputs.items()}
        out = loaded.signatures[signature](
            **{k: tf.constant(v) for k, v in inputs.items()}
        )
        if signature == "heatmaps":
            pixels = inputs["image"]
            assert pixels.dtype == np.uint8 and pixels.shape[1:] == (64, 64, 3)
            expected = model.predict(pixels.astype(np.float32) / 255.0, verbose=0)[-1]
            np.testing.assert_allclose(out["heatmaps"].numpy(), expected, atol=1e-5)
            batch = len(pixels)
        else:
            encoded = list(inputs["image_bytes"])
            assert all(e[:2] == b"\xff\xd8" for e in encoded)  # JPEG
            got = out["keypoints"].numpy()
            for i in (0, len(encoded) - 1):
                np.testing.assert_allclose(got[i], _keras_keypoints(model, encoded[i]),
                                           atol=1e-2)  # fmt: skip
            batch = len(encoded)
        seen.setdefault(signature, []).append(batch)
    assert seen == {"serving_default": list(sizes), "heatmaps": list(sizes)}


def test_config_files_next_to_the_export(exported):
    from tensorflow_serving.config import model_server_config_pb2

    _, root, _, _ = exported
    with open(os.path.join(root, configs.MODELS_CONFIG)) as f:
        config = text_format.Parse(
            f.read(), model_server_config_pb2.ModelServerConfig()
        )
    (entry,) = config.model_config_list.config
    assert (entry.name, entry.base_path, entry.model_platform) == (
        "pose", "/models/pose", "tensorflow")  # fmt: skip
    with open(os.path.join(root, configs.BATCHING_PARAMETERS)) as f:
        text = f.read()
    assert "max_batch_size { value: 8 }" in text
    allowed = [int(line.split(":")[1]) for line in text.splitlines()
               if line.startswith("allowed_batch_sizes")]  # fmt: skip
    assert tuple(allowed) == warmup.WARMUP_BATCH_SIZES


class _RestHandler(BaseHTTPRequestHandler):
    """TF Serving's REST predict, row format: `b64` -> DT_STRING."""

    signature = None

    def do_POST(self):  # noqa: N802
        assert self.path == "/v1/models/pose:predict"
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        batch = [base64.b64decode(i["b64"]) for i in body["instances"]]
        out = self.signature(image_bytes=tf.constant(batch))
        rows = [{k: v[i].numpy().tolist() for k, v in out.items()}
                for i in range(len(batch))]  # fmt: skip
        data = json.dumps({"predictions": rows}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def test_client_rest_and_grpc_on_loopback(exported):
    import grpc
    from tensorflow_serving.apis import predict_pb2, prediction_service_pb2_grpc

    _, _, path, loaded = exported
    signature = loaded.signatures["serving_default"]
    logs = warmup.read_warmup(os.path.join(path, warmup.WARMUP_FILE))
    images = list(tf.make_ndarray(logs[2].predict_log.request.inputs["image_bytes"]))
    expected = signature(image_bytes=tf.constant(images))["keypoints"].numpy()

    class Servicer(prediction_service_pb2_grpc.PredictionServiceServicer):
        def Predict(self, request, context):  # noqa: N802
            assert request.model_spec.name == "pose"
            sig = loaded.signatures[request.model_spec.signature_name]
            inputs = {k: tf.make_ndarray(v) for k, v in request.inputs.items()}
            out = sig(**{k: tf.constant(v) for k, v in inputs.items()})
            response = predict_pb2.PredictResponse()
            for k, v in out.items():
                response.outputs[k].CopyFrom(tf.make_tensor_proto(v.numpy()))
            return response

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    prediction_service_pb2_grpc.add_PredictionServiceServicer_to_server(
        Servicer(), server
    )
    grpc_port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    handler = type("Handler", (_RestHandler,), {"signature": staticmethod(signature)})
    http = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    try:
        rest = client.predict_rest("127.0.0.1", http.server_address[1], "pose", images)
        rpc = client.predict_grpc("127.0.0.1", grpc_port, "pose", images)
    finally:
        http.shutdown()
        server.stop(0)
    np.testing.assert_allclose(rest["keypoints"], expected, atol=1e-4)
    np.testing.assert_allclose(rpc["keypoints"], expected, atol=1e-6)
    assert rpc["scores"].shape == rest["scores"].shape == (len(images), 16)


def test_export_without_warmup(tmp_path):
    path = export_saved_model(PoseGateModel(**SMALL), str(tmp_path), warmup=False)
    assert not os.path.exists(os.path.join(path, "assets.extra"))
    assert os.path.exists(os.path.join(str(tmp_path), configs.MODELS_CONFIG))


def test_written_files_are_readable_by_others(exported):
    # TF Serving may run as another user: the configs get the umask's mode.
    _, root, _, _ = exported
    mask = os.umask(0o022)
    os.umask(mask)
    for name in (configs.MODELS_CONFIG, configs.BATCHING_PARAMETERS):
        mode = os.stat(os.path.join(root, name)).st_mode & 0o777
        assert mode == 0o666 & ~mask


def test_serve_request_command_errors(tmp_path):
    import subprocess
    import sys

    posegate = os.path.join(os.path.dirname(sys.executable), "posegate")
    missing = subprocess.run([posegate, "serve-request", str(tmp_path / "no.jpg")],
                             capture_output=True, text=True, timeout=120)  # fmt: skip
    assert missing.returncode == 2 and "no such image file" in missing.stderr
    image = tmp_path / "a.jpg"
    image.write_bytes(b"\xff\xd8")
    # Port 1 on loopback: nothing listens, the connection is refused.
    refused = subprocess.run(
        [posegate, "serve-request", "--host=127.0.0.1", "--protocol=grpc",
         "--grpc_port=1", "--timeout=5", str(image)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert refused.returncode == 1
    assert "grpc request to 127.0.0.1:1 failed: UNAVAILABLE" in refused.stderr
