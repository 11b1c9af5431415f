"""The metadata JSON written beside each `.tflite` (what the Android app reads)."""

from __future__ import annotations

import json

from keras_posegate.codec import DEFAULT_DECODING, STRIDE
from keras_posegate.datasets.info import get_info
from keras_posegate.fileio import atomic_write_text


def _quantization(detail: dict) -> dict | None:
    scale, zero_point = detail["quantization"]
    if not scale:
        return None
    return {"scale": float(scale), "zero_point": int(zero_point)}


def build_metadata(
    model_file: str,
    preset: str | None,
    dataset: str,
    input_shape: tuple[int, int, int],
    output_shape: tuple[int, int, int],
    dtypes: tuple[str, str],
    quantization: tuple[dict | None, dict | None],
    gpu_compatible: bool | None = None,
    preferred_delegate: str | None = None,
) -> dict:
    """The metadata document (the one place that defines its keys).

    Args:
        model_file: the `.tflite` file name, as the app will find it.
        preset: the preset name, or None for a custom architecture.
        dataset: joint layout ("mpii" or "lsp").
        input_shape: `(height, width, channels)` of the input.
        output_shape: `(height, width, joints)` of the heatmaps.
        dtypes: input and output dtype names ("float32", "int8", "uint8").
        quantization: input and output `{"scale", "zero_point"}`, or None.
        gpu_compatible: whether the LiteRT GPU delegate takes every op
            (`keras_posegate.litert.gpu`); the key is left out when None.
        preferred_delegate: "gpu" or "cpu", what the app should try first; left
            out when None (older files have neither key: the app's own choice).
    """
    info = get_info(dataset).to_dict()
    (height, width, channels), (out_h, out_w, joints) = input_shape, output_shape
    document = {
        "format_version": 1,
        "model_file": model_file,
        "preset": preset,
        "dataset": dataset,
        "input": {
            "name": "image", "height": height, "width": width, "channels": channels,
            "color": "RGB", "layout": "NHWC", "dtype": dtypes[0],
            "normalization": {"mean": [0.0, 0.0, 0.0], "std": [255.0, 255.0, 255.0]},
            "quantization": quantization[0],
        },
        "output": {
            "name": "heatmaps", "layout": "NHWC", "height": out_h, "width": out_w,
            "num_joints": joints, "dtype": dtypes[1], "stride": STRIDE,
            "quantization": quantization[1],
        },
        "keypoints": {
            "names": info["joint_names"], "skeleton": info["skeleton"],
            "flip_pairs": info["flip_pairs"], "limb_colors_bgr": info["limb_colors_bgr"],
        },
        "decoding": {
            "method": DEFAULT_DECODING,  # what HeatmapCodec and serving decode
            "input_from_heatmap": "(h + 0.5) * stride - 0.5",
        },
    }  # fmt: skip
    if gpu_compatible is not None:
        document["gpu_delegate_compatible"] = bool(gpu_compatible)
    if preferred_delegate is not None:
        if preferred_delegate not in ("gpu", "cpu"):
            raise ValueError(
                "preferred_delegate must be 'gpu' or 'cpu'. "
                f"Received: preferred_delegate={preferred_delegate!r}"
            )
        document["preferred_delegate"] = preferred_delegate
    return document


def tflite_metadata(
    model_content: bytes,
    model_file: str,
    preset: str | None,
    dataset: str = "mpii",
    gpu_compatible: bool | None = None,
    preferred_delegate: str | None = None,
) -> dict:
    """The metadata of a converted model, read from its input and output tensors.

    Args:
        model_content: the `.tflite` flatbuffer (one input, one output).
        model_file: its file name, as the app will find it.
        preset: the preset name, or None for a custom architecture.
        dataset: joint layout ("mpii" or "lsp").
        gpu_compatible: the GPU delegate's verdict (see `build_metadata`).
        preferred_delegate: the delegate to try first (see `build_metadata`).

    Returns:
        The metadata document (a JSON-able dict).
    """
    from ai_edge_litert.interpreter import Interpreter

    interp = Interpreter(model_content=model_content)
    (inp,) = interp.get_input_details()
    (out,) = interp.get_output_details()
    return build_metadata(
        model_file, preset, dataset,
        tuple(int(v) for v in inp["shape"][1:]), tuple(int(v) for v in out["shape"][1:]),
        (inp["dtype"].__name__, out["dtype"].__name__),
        (_quantization(inp), _quantization(out)), gpu_compatible, preferred_delegate,
    )  # fmt: skip


def write_metadata(metadata: dict, path: str) -> str:
    """Write the metadata JSON atomically; returns the path."""
    return atomic_write_text(path, json.dumps(metadata, indent=2) + "\n")
