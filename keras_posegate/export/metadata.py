"""The metadata JSON written beside each `.tflite` (what the Android app reads)."""

from __future__ import annotations

import json

from keras_posegate.datasets.info import get_info
from keras_posegate.evaluation._io import atomic_write_text

STRIDE = 4


def _quantization(detail: dict) -> dict | None:
    scale, zero_point = detail["quantization"]
    if not scale:
        return None
    return {"scale": float(scale), "zero_point": int(zero_point)}


def tflite_metadata(
    model_content: bytes,
    model_file: str,
    preset: str | None,
    dataset: str = "mpii",
) -> dict:
    """The metadata of a converted model, read from its input and output tensors.

    Args:
        model_content: the `.tflite` flatbuffer (one input, one output).
        model_file: its file name, as the app will find it.
        preset: the preset name, or None for a custom architecture.
        dataset: joint layout ("mpii" or "lsp").
    """
    from ai_edge_litert.interpreter import Interpreter

    interp = Interpreter(model_content=model_content)
    (inp,) = interp.get_input_details()
    (out,) = interp.get_output_details()
    _, height, width, channels = (int(v) for v in inp["shape"])
    _, out_h, out_w, joints = (int(v) for v in out["shape"])
    info = get_info(dataset).to_dict()
    return {
        "format_version": 1,
        "model_file": model_file,
        "preset": preset,
        "dataset": dataset,
        "input": {
            "name": "image",
            "height": height,
            "width": width,
            "channels": channels,
            "color": "RGB",
            "layout": "NHWC",
            "dtype": inp["dtype"].__name__,
            "normalization": {"mean": [0, 0, 0], "std": [255, 255, 255]},
            "quantization": _quantization(inp),
        },
        "output": {
            "name": "heatmaps",
            "layout": "NHWC",
            "height": out_h,
            "width": out_w,
            "num_joints": joints,
            "dtype": out["dtype"].__name__,
            "stride": STRIDE,
            "quantization": _quantization(out),
        },
        "keypoints": {
            "names": info["joint_names"],
            "skeleton": info["skeleton"],
            "flip_pairs": info["flip_pairs"],
            "limb_colors_bgr": info["limb_colors_bgr"],
        },
        "decoding": {
            "method": "argmax_quarter_offset",
            "input_from_heatmap": "(h + 0.5) * stride - 0.5",
        },
    }


def write_metadata(metadata: dict, path: str) -> str:
    """Write the metadata JSON atomically; returns the path."""
    return atomic_write_text(path, json.dumps(metadata, indent=2) + "\n")
