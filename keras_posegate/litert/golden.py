"""Golden cases for the Android demo's Kotlin heatmap decoder.

Writes heatmaps (float32, and int8 with scale / zero point) together with the
keypoints that the Python `HeatmapCodec` decodes from them, as JSON files, so
the Kotlin core module (`android_demo/core`) can check that it decodes exactly
the same keypoints. Also writes a metadata file in the format `posegate export`
writes beside the `.tflite` (`build_metadata`, the exporter's own), so the Kotlin
metadata parser is checked against the Python joint names and skeleton.

Int8 heatmaps are dequantized as `(q - zero_point) * scale` in float32 before
decoding, on both sides.

Usage:
    python tflite/golden.py [OUT_DIR]      # default: ./.kotlin-build/golden
"""

from __future__ import annotations

import argparse
import json
import os

import numpy as np

from keras_posegate.codec import DEFAULT_DECODING, HeatmapCodec

DEFAULT_OUT = os.path.join(".kotlin-build", "golden")
STRIDE = 4


def _gaussian_maps(rng, h, w, j, sigma=2.0, noise=0.02):
    """Gaussian peaks at random sub-pixel positions plus noise, `(h, w, j)`."""
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    maps = np.empty((h, w, j), np.float32)
    for k in range(j):
        cx, cy = rng.uniform(-0.5, w - 0.5), rng.uniform(-0.5, h - 0.5)
        amp = rng.uniform(0.2, 1.0)
        maps[..., k] = amp * np.exp(-((xs - cx) ** 2 + (ys - cy) ** 2) / (2 * sigma**2))
    maps += rng.normal(0.0, noise, maps.shape).astype(np.float32)
    return maps.astype(np.float32)


def _edge_maps():
    """Hand-made float maps that hit the decoder's corner cases, `(6, 7, 12)`."""
    h, w = 6, 7
    maps = np.zeros((h, w, 12), np.float32)
    maps[0, 0, 0] = 1.0  # peak in the top-left corner: no shift on either axis
    maps[h - 1, w - 1, 1] = 1.0  # bottom-right corner
    maps[0, 3, 2], maps[0, 4, 2], maps[1, 3, 2] = 1.0, 0.5, 0.7  # top border: x shifts
    maps[3, w - 1, 3], maps[2, w - 1, 3] = 1.0, 0.9  # right border: y shifts up
    maps[2, 2, 4], maps[4, 5, 4] = 0.8, 0.8  # tie: the first in row-major order wins
    maps[3, 3, 5] = 1.0
    maps[3, 2, 5] = maps[3, 4, 5] = 0.5  # equal neighbours: no shift in x
    maps[2, 3, 5], maps[4, 3, 5] = 0.2, 0.6  # but a shift down in y
    # 6: flat map (all zeros): argmax 0, score 0, no shift
    maps[..., 7] = -5.0  # all negative, one less negative peak
    maps[2, 4, 7], maps[2, 5, 7], maps[1, 4, 7] = -1.0, -2.0, -1.5
    maps[..., 8] = 0.3  # flat non-zero plateau
    maps[..., 9] = -np.arange(h * w, dtype=np.float32).reshape(h, w)  # ramp, max at 0
    maps[..., 10] = np.arange(h * w, dtype=np.float32).reshape(h, w)  # max at end
    maps[1, 1, 11], maps[1, 0, 11], maps[1, 2, 11] = 1.0, 0.9, 0.1  # shift left
    maps[0, 1, 11], maps[2, 1, 11] = 0.95, 0.1  # shift up
    return maps


def _quantize(maps, scale, zero_point):
    q = np.round(maps / scale) + zero_point
    return np.clip(q, -128, 127).astype(np.int8)


def _dequantize(q, scale, zero_point):
    return (q.astype(np.float32) - np.float32(zero_point)) * np.float32(scale)


def _case(name, maps, q=None, scale=None, zero_point=None, decoding=DEFAULT_DECODING):
    """One golden case; `maps` is what gets decoded (dequantized for int8)."""
    h, w, j = maps.shape
    size = max(h, w) * STRIDE
    codec = HeatmapCodec(input_size=size, stride=STRIDE, decoding=decoding)
    coords, scores = codec.decode(maps[None])
    coords, scores = coords[0], scores[0]
    inp = codec.heatmap_to_input(coords)
    case = {
        "name": name,
        "height": h,
        "width": w,
        "num_joints": j,
        "stride": STRIDE,
        "decoding": decoding,
        "expected": {
            "heatmap_xy": coords.astype(float).tolist(),
            "input_xy": inp.astype(float).tolist(),
            "scores": scores.astype(float).tolist(),
        },
    }
    if q is None:
        case["dtype"] = "float32"
        case["heatmaps"] = maps.reshape(-1).astype(float).tolist()  # NHWC order
    else:
        case["dtype"] = "int8"
        case["quantization"] = {"scale": float(scale), "zero_point": int(zero_point)}
        case["heatmaps"] = q.reshape(-1).astype(int).tolist()
    return case


def golden_cases(seed: int = 0) -> list[dict]:
    """The decoder's golden cases: float and int8 heatmaps with expected keypoints.

    Args:
        seed: seed of the random heatmaps; the same seed gives the same cases.

    Returns:
        One JSON-ready dict per case and decoding: name (`_quarter` appended
        for `argmax_quarter_offset`), height, width, num_joints, stride,
        decoding, dtype, the flattened NHWC heatmaps (plus scale and zero point
        for int8) and the expected heatmap/input coordinates and scores.
    """
    inputs = _case_inputs(seed)
    dark = [_case(*args) for args in inputs]
    quarter = [
        _case(name + "_quarter", *rest, decoding="argmax_quarter_offset")
        for name, *rest in inputs
    ]
    return dark + quarter


def _case_inputs(seed: int) -> list[tuple]:
    """`(name, maps[, q, scale, zero_point])` of every case."""
    rng = np.random.default_rng(seed)
    cases = []
    for i in range(3):
        cases.append((f"float_random_{i}", _gaussian_maps(rng, 64, 64, 16)))
    cases.append(("float_non_square", _gaussian_maps(rng, 48, 40, 5)))
    cases.append(("float_uniform_noise", rng.normal(size=(16, 16, 8)).astype("f4")))
    cases.append(("float_edges", _edge_maps()))
    cases.append(("float_1x1", np.array([[[0.5, -0.5]]], np.float32)))
    cases.append(("float_1x3", np.array([[[0.1], [0.9], [0.5]]], np.float32)))
    for i, (scale, zp) in enumerate([(1 / 255, -128), (0.0039, -128), (0.01, 0)]):
        maps = _gaussian_maps(rng, 64, 64, 16, noise=0.01)
        q = _quantize(maps, scale, zp)
        deq = _dequantize(q, scale, zp)
        cases.append((f"int8_random_{i}", deq, q, scale, zp))
    edges = _edge_maps()
    edges = (edges - edges.min()) / (edges.max() - edges.min() + 1e-6)
    q = _quantize(edges, 1 / 255, -128)
    cases.append(("int8_edges", _dequantize(q, 1 / 255, -128), q, 1 / 255, -128))
    q = np.full((8, 8, 3), -128, np.int8)  # flat at the zero point: all scores 0
    q[3, 5, 1], q[4, 5, 1] = 100, 100  # tie across rows
    q[0, 7, 2] = 127  # saturated corner
    cases.append(("int8_flat_ties", _dequantize(q, 0.02, -128), q, 0.02, -128))
    return cases


def example_metadata(dtype: str = "int8") -> dict:
    """Metadata in the format `posegate export` writes, for the MPII layout.

    Args:
        dtype: "int8" (with quantization parameters) or "float32".

    Returns:
        The metadata dict of a 256x256 `posegate_tiny` model, 16 MPII joints.
    """
    from keras_posegate.export.metadata import build_metadata

    quant_in = {"scale": 1 / 255, "zero_point": -128} if dtype == "int8" else None
    quant_out = {"scale": 0.0039, "zero_point": -128} if dtype == "int8" else None
    return build_metadata(
        f"posegate_{dtype}.tflite",
        "posegate_tiny",
        "mpii",
        (256, 256, 3),
        (64, 64, 16),
        (dtype, dtype),
        (quant_in, quant_out),
    )


def write(out_dir: str, seed: int = 0) -> list[str]:
    """Write every golden case and the example metadata as JSON files.

    Args:
        out_dir: directory to write to (created if missing).
        seed: seed passed to `golden_cases`.

    Returns:
        The paths written.
    """
    os.makedirs(out_dir, exist_ok=True)
    paths = []
    for case in golden_cases(seed):
        path = os.path.join(out_dir, f"case_{case['name']}.json")
        with open(path, "w") as f:
            json.dump(case, f)
        paths.append(path)
    for dtype in ("int8", "float32"):
        path = os.path.join(out_dir, f"metadata_{dtype}.json")
        with open(path, "w") as f:
            json.dump(example_metadata(dtype), f, indent=2)
        paths.append(path)
    return paths


def main(argv=None) -> int:
    """Command line: `python tflite/golden.py [OUT_DIR] [--seed N]`; returns 0."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", nargs="?", default=DEFAULT_OUT)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    paths = write(args.out_dir, args.seed)
    print(f"golden: wrote {len(paths)} files to {args.out_dir}")
    return 0
