"""TF Serving warm-up: `assets.extra/tf_serving_warmup_requests` in a SavedModel.

TF Serving replays these `PredictionLog`s (a TFRecord file, built with the
`tensorflow-serving-api` protos) when it loads a version, before it serves it,
so the first user request is not the one that pays for graph optimization and
memory allocation. One request per signature and per batch size in
`WARMUP_BATCH_SIZES` (the `allowed_batch_sizes` of `batching_parameters.txt`, so
each padded batch shape is warmed): synthetic people (`render_image`), JPEG
encoded at several sizes for `serving_default`, raw uint8 at the input size
for `heatmaps`.
"""

from __future__ import annotations

import os

import cv2
import numpy as np
import tensorflow as tf

WARMUP_FILE = os.path.join("assets.extra", "tf_serving_warmup_requests")
WARMUP_BATCH_SIZES = (1, 2, 4, 8)
# (width, height) of the encoded warm-up images: portrait, square, landscape.
_SHAPES = ((192, 256), (256, 256), (320, 240))


def _people(rng: np.random.Generator, count: int) -> list[np.ndarray]:
    from keras_posegate.datasets.synthetic import render_image

    return [render_image(rng, *_SHAPES[i % len(_SHAPES)])[0] for i in range(count)]


def warmup_logs(
    model_name: str,
    input_size: int,
    batch_sizes: tuple[int, ...] = WARMUP_BATCH_SIZES,
    seed: int = 0,
) -> list:
    """The warm-up `PredictionLog`s.

    For each batch size, one `serving_default` request (`image_bytes`, JPEG)
    and one `heatmaps` request (`image`, uint8 RGB).
    """
    from tensorflow_serving.apis import predict_pb2, prediction_log_pb2

    rng = np.random.default_rng(seed)
    logs = []
    for batch in batch_sizes:
        people = _people(rng, batch)  # BGR, as OpenCV encodes them
        encoded = [cv2.imencode(".jpg", p)[1].tobytes() for p in people]
        pixels = np.stack([
            cv2.resize(p, (input_size, input_size), interpolation=cv2.INTER_AREA)[..., ::-1]
            for p in people
        ])  # fmt: skip
        for signature, key, value in (
            ("serving_default", "image_bytes", tf.make_tensor_proto(encoded, tf.string)),
            ("heatmaps", "image", tf.make_tensor_proto(pixels, tf.uint8)),
        ):  # fmt: skip
            request = predict_pb2.PredictRequest()
            request.model_spec.name = model_name
            request.model_spec.signature_name = signature
            request.inputs[key].CopyFrom(value)
            logs.append(
                prediction_log_pb2.PredictionLog(
                    predict_log=prediction_log_pb2.PredictLog(request=request)
                )
            )
    return logs


def write_warmup(saved_model_dir: str, logs: list) -> str:
    """Write the logs to `saved_model_dir/assets.extra/...`; returns the path."""
    path = os.path.join(saved_model_dir, WARMUP_FILE)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with tf.io.TFRecordWriter(path) as writer:
        for log in logs:
            writer.write(log.SerializeToString())
    return path


def read_warmup(path: str) -> list:
    """Parse a warm-up file back into `PredictionLog`s (raises on a bad record)."""
    from tensorflow_serving.apis import prediction_log_pb2

    logs = []
    for record in tf.data.TFRecordDataset(path).as_numpy_iterator():
        log = prediction_log_pb2.PredictionLog()
        log.ParseFromString(record)
        logs.append(log)
    return logs
