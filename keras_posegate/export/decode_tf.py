"""Heatmap decoding in TensorFlow, for in-graph serving.

Mirrors `keras_posegate.codec.HeatmapCodec.decode` step by step (argmax, then
DARK's Taylor step or the quarter-pixel shift; `docs/architecture.md` spells
both out) and its coordinate convention: pixel centres at integers, input pixel
`u = (h + 0.5) * stride - 0.5`. The refinement runs in float64, as the codec's.
"""

from __future__ import annotations

import tensorflow as tf

from keras_posegate.codec import (
    DARK_EPS,
    DARK_KERNEL,
    DEFAULT_DECODING,
    check_decoding,
    dark_derivatives,
)


def decode_heatmaps(
    heatmaps: tf.Tensor, decoding: str = DEFAULT_DECODING
) -> tuple[tf.Tensor, tf.Tensor]:
    """`(B, H, W, J)` heatmaps -> `(coords (B, J, 2) heatmap px, scores (B, J))`.

    Args:
        heatmaps: `(B, H, W, J)` float heatmaps.
        decoding: one of `codec.DECODINGS`, as `HeatmapCodec(decoding=...)`.
    """
    check_decoding(decoding)
    shape = tf.shape(heatmaps)
    b, h, w, j = shape[0], shape[1], shape[2], shape[3]
    maps = tf.transpose(heatmaps, [0, 3, 1, 2])  # (B, J, H, W)
    flat = tf.reshape(maps, [b, j, h * w])
    idx = tf.argmax(flat, axis=-1, output_type=tf.int32)
    scores = tf.reduce_max(flat, axis=-1)
    x, y = idx % w, idx // w
    coords = _quarter_offset(maps, x, y)
    if decoding == "dark":
        coords = _dark(maps, x, y, coords)
    return coords, scores


def _at(maps, y, x):
    """`maps[b, j, y, x]` for `(B, J)` indices, clamped to the map."""
    h, w = tf.shape(maps)[2], tf.shape(maps)[3]
    yy = tf.clip_by_value(y, 0, h - 1)
    xx = tf.clip_by_value(x, 0, w - 1)
    return tf.gather_nd(maps, tf.stack([yy, xx], -1), batch_dims=2)


def _quarter_offset(maps, x, y):
    h, w = tf.shape(maps)[2], tf.shape(maps)[3]
    dx = _at(maps, y, x + 1) - _at(maps, y, x - 1)
    dy = _at(maps, y + 1, x) - _at(maps, y - 1, x)
    inner_x = tf.cast((x > 0) & (x < w - 1), maps.dtype)
    inner_y = tf.cast((y > 0) & (y < h - 1), maps.dtype)
    fx = tf.cast(x, maps.dtype) + 0.25 * tf.sign(dx) * inner_x
    fy = tf.cast(y, maps.dtype) + 0.25 * tf.sign(dy) * inner_y
    return tf.cast(tf.stack([fx, fy], axis=-1), tf.float32)


def _dark(maps, x, y, fallback):
    h, w = tf.shape(maps)[2], tf.shape(maps)[3]
    k0, k1, k2 = DARK_KERNEL
    # SYMMETRIC padding by one repeats the edge pixel: the codec's "edge" mode.
    pad = tf.pad(
        tf.cast(maps, tf.float64), [[0, 0], [0, 0], [1, 1], [1, 1]], "SYMMETRIC"
    )
    rows = k0 * pad[:, :, :-2] + k1 * pad[:, :, 1:-1] + k2 * pad[:, :, 2:]
    smooth = k0 * rows[..., :-2] + k1 * rows[..., 1:-1] + k2 * rows[..., 2:]
    logs = tf.math.log(tf.maximum(smooth, DARK_EPS))

    gx, gy, hxx, hyy, hxy = dark_derivatives(lambda dy, dx: _at(logs, y + dy, x + dx))
    det = hxx * hyy - hxy * hxy
    inner = (x >= 2) & (x <= w - 3) & (y >= 2) & (y <= h - 3)
    ok = inner & (hxx < 0) & (det > 0)
    safe = tf.where(ok, det, tf.ones_like(det))
    ox = tf.clip_by_value(-(hyy * gx - hxy * gy) / safe, -1.0, 1.0)
    oy = tf.clip_by_value(-(hxx * gy - hxy * gx) / safe, -1.0, 1.0)
    refined = tf.stack(
        [tf.cast(x, tf.float64) + ox, tf.cast(y, tf.float64) + oy], axis=-1
    )
    return tf.where(ok[..., None], tf.cast(refined, tf.float32), fallback)
