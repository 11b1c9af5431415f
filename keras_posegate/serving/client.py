"""Send pose requests to a TF Serving model server, REST and gRPC.

`posegate serve-request` runs this; it is built on `tensorflow-serving-api`.

REST: `POST http://HOST:8501/v1/models/NAME:predict` with
`{"signature_name": "serving_default", "instances": [{"b64": "<JPEG>"}, ...]}`.
gRPC: `PredictionService.Predict` on HOST:8500 with a `PredictRequest` whose
`image_bytes` input is a `DT_STRING` tensor of the encoded images. Both return
`keypoints` (B, J, 2) in original-image pixels and `scores` (B, J).
"""

from __future__ import annotations

import base64
import json
import urllib.request

import numpy as np

SIGNATURE = "serving_default"


def rest_body(images: list[bytes], signature: str = SIGNATURE) -> dict:
    """The REST predict body for encoded images (row format, base64)."""
    return {
        "signature_name": signature,
        "instances": [{"b64": base64.b64encode(i).decode("ascii")} for i in images],
    }


def predict_rest(
    host: str, port: int, model_name: str, images: list[bytes], timeout: float = 30.0
) -> dict[str, np.ndarray]:
    """POST the images to TF Serving's REST API; outputs stacked per name."""
    url = f"http://{host}:{port}/v1/models/{model_name}:predict"
    request = urllib.request.Request(
        url,
        data=json.dumps(rest_body(images)).encode("utf-8"),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        predictions = json.load(response)["predictions"]
    return {k: np.asarray([p[k] for p in predictions]) for k in predictions[0]}


def grpc_request(model_name: str, images: list[bytes], signature: str = SIGNATURE):
    """The gRPC `PredictRequest` for encoded images."""
    import tensorflow as tf
    from tensorflow_serving.apis import predict_pb2

    request = predict_pb2.PredictRequest()
    request.model_spec.name = model_name
    request.model_spec.signature_name = signature
    request.inputs["image_bytes"].CopyFrom(tf.make_tensor_proto(images, tf.string))
    return request


def predict_grpc(
    host: str, port: int, model_name: str, images: list[bytes], timeout: float = 30.0
) -> dict[str, np.ndarray]:
    """Call `PredictionService.Predict` over an insecure channel."""
    import grpc
    import tensorflow as tf
    from tensorflow_serving.apis import prediction_service_pb2_grpc

    with grpc.insecure_channel(f"{host}:{port}") as channel:
        stub = prediction_service_pb2_grpc.PredictionServiceStub(channel)
        response = stub.Predict(grpc_request(model_name, images), timeout=timeout)
    return {k: tf.make_ndarray(v) for k, v in response.outputs.items()}
