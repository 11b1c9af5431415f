"""Heatmap decoding in TensorFlow, for in-graph serving.

Mirrors `keras_posegate.codec.HeatmapCodec.decode` (argmax, then a quarter pixel
toward the higher neighbour, interior pixels only) and its coordinate
convention: pixel centres at integers, input pixel `u = (h + 0.5) * stride - 0.5`.
"""

from __future__ import annotations

import tensorflow as tf


def decode_heatmaps(heatmaps: tf.Tensor) -> tuple[tf.Tensor, tf.Tensor]:
    """`(B, H, W, J)` heatmaps -> `(coords (B, J, 2) heatmap px, scores (B, J))`."""
    shape = tf.shape(heatmaps)
    b, h, w, j = shape[0], shape[1], shape[2], shape[3]
    maps = tf.transpose(heatmaps, [0, 3, 1, 2])  # (B, J, H, W)
    flat = tf.reshape(maps, [b, j, h * w])
    idx = tf.argmax(flat, axis=-1, output_type=tf.int32)
    scores = tf.reduce_max(flat, axis=-1)
    x, y = idx % w, idx // w

    def at(yy, xx):
        return tf.gather_nd(maps, tf.stack([yy, xx], -1), batch_dims=2)

    dx = at(y, tf.minimum(x + 1, w - 1)) - at(y, tf.maximum(x - 1, 0))
    dy = at(tf.minimum(y + 1, h - 1), x) - at(tf.maximum(y - 1, 0), x)
    inner_x = tf.cast((x > 0) & (x < w - 1), tf.float32)
    inner_y = tf.cast((y > 0) & (y < h - 1), tf.float32)
    fx = tf.cast(x, tf.float32) + 0.25 * tf.sign(dx) * inner_x
    fy = tf.cast(y, tf.float32) + 0.25 * tf.sign(dy) * inner_y
    return tf.stack([fx, fy], axis=-1), scores
