"""Send images to a TF Serving model server over REST and/or gRPC; print keypoints.

posegate serve-request --host=localhost --protocol=both person.jpg [more.jpg ...]

Each image is the whole person box (see docs/serving.md). Prints one JSON object
per protocol: {"protocol", "keypoints" (B, J, 2) in image pixels, "scores"}.
"""

from __future__ import annotations

import json
import os
import sys

from absl import app, flags

_HOST = flags.DEFINE_string("host", "localhost", "Model server host.")
_REST = flags.DEFINE_integer("rest_port", 8501, "TF Serving REST port.")
_GRPC = flags.DEFINE_integer("grpc_port", 8500, "TF Serving gRPC port.")
_NAME = flags.DEFINE_string("model_name", "posegate", "Served model name.")
_PROTOCOL = flags.DEFINE_enum("protocol", "both", ["rest", "grpc", "both"], "API.")
_TIMEOUT = flags.DEFINE_float("timeout", 30.0, "Seconds per request.")


def main(argv):
    """Send the images named after the flags to the model server; print the replies.

    Prints one JSON line per protocol with the keypoints and scores.

    Args:
        argv: `[program, IMAGE, ...]`, as absl passes it.

    Returns:
        The exit status: 0 when every request succeeded, 1 when one failed,
        2 when an image file is missing.

    Raises:
        app.UsageError: no image was given.
    """
    from keras_posegate.serving import client

    if len(argv) < 2:
        raise app.UsageError("give one or more image files")
    images = []
    for path in argv[1:]:
        if not os.path.isfile(path):
            print(f"serve-request: no such image file: {path}", file=sys.stderr)
            return 2
        with open(path, "rb") as f:
            images.append(f.read())
    calls = {"rest": (client.predict_rest, _REST.value),
             "grpc": (client.predict_grpc, _GRPC.value)}  # fmt: skip
    protocols = ["rest", "grpc"] if _PROTOCOL.value == "both" else [_PROTOCOL.value]
    for protocol in protocols:
        call, port = calls[protocol]
        try:
            out = call(_HOST.value, port, _NAME.value, images, _TIMEOUT.value)
        except Exception as e:  # noqa: BLE001  (URLError, grpc.RpcError, ...)
            code, details = getattr(e, "code", None), getattr(e, "details", None)
            reason = f"{code().name}: {details()}" if callable(details) else str(e)
            print(f"serve-request: {protocol} request to {_HOST.value}:{port} "
                  f"failed: {reason}", file=sys.stderr)  # fmt: skip
            return 1
        print(
            json.dumps(
                {"protocol": protocol, **{k: v.tolist() for k, v in out.items()}}
            )
        )
    return 0
