"""The keypoint codec: one object that encodes targets and decodes predictions.

Encoding and decoding live together so the two cannot drift apart (as in
mmpose's codecs).

Coordinate convention (used everywhere in the project): pixel centres are at
integer coordinates, so a point at input-crop pixel `u` sits at heatmap pixel
`(u + 0.5) / stride - 0.5`, and back.
"""

from __future__ import annotations

import numpy as np

# Input pixels per heatmap pixel (256 -> 64 in the paper): the network's stem
# downsamples twice, and everything that maps heatmaps to pixels reads it here.
STRIDE = 4


class HeatmapCodec:
    """Gaussian heatmaps at `1/stride` of the input, decoded by shifted argmax.

    Decoding takes the argmax and moves it a quarter pixel toward the higher
    neighbour.

    Args:
        input_size: side of the square network input, in pixels.
        stride: input pixels per heatmap pixel (4 in the paper: 256 -> 64).
        sigma: standard deviation of the Gaussian target, in heatmap pixels.

    Example:
        >>> codec = HeatmapCodec(input_size=256)
        >>> codec.heatmap_size
        64
    """

    def __init__(self, input_size: int = 256, stride: int = STRIDE, sigma: float = 2.0):
        if input_size % stride:
            raise ValueError(
                "input_size must be divisible by stride. "
                f"Received: input_size={input_size}, stride={stride}"
            )
        if sigma <= 0:
            raise ValueError(f"sigma must be > 0. Received: sigma={sigma}")
        self.input_size = int(input_size)
        self.stride = int(stride)
        self.sigma = float(sigma)
        self.heatmap_size = self.input_size // self.stride

    def get_config(self) -> dict:
        """The constructor arguments, so `HeatmapCodec(**config)` rebuilds it."""
        return {
            "input_size": self.input_size,
            "stride": self.stride,
            "sigma": self.sigma,
        }

    # -- coordinates ------------------------------------------------------------
    def input_to_heatmap(self, xy):
        """Input-crop pixels to heatmap pixels (works on numpy and tf tensors).

        Args:
            xy: `(..., 2)` (x, y) in input-crop pixels.

        Returns:
            `(..., 2)` (x, y) in heatmap pixels, same type as `xy`.
        """
        return (xy + 0.5) / self.stride - 0.5

    def heatmap_to_input(self, xy):
        """Heatmap pixels to input-crop pixels (inverse of `input_to_heatmap`).

        Args:
            xy: `(..., 2)` (x, y) in heatmap pixels.

        Returns:
            `(..., 2)` (x, y) in input-crop pixels, same type as `xy`.
        """
        return (xy + 0.5) * self.stride - 0.5

    # -- encode (tf, runs inside tf.data) -------------------------------------
    def encode(self, joints, weights):
        """Training targets for one person.

        Args:
            joints: float tensor `(J, 2)`, (x, y) in input-crop pixels.
            weights: float tensor `(J,)`, 1 for annotated joints, 0 for missing.

        Returns:
            heatmaps `(H, H, J)` float32 and weights `(J,)` float32, where a joint
            whose centre falls outside the heatmap (or is not finite) gets weight 0
            and an all-zero map.
        """
        import tensorflow as tf

        size = self.heatmap_size
        joints = tf.cast(joints, tf.float32)
        weights = tf.cast(weights, tf.float32)
        hm_xy = self.input_to_heatmap(joints)  # (J, 2)
        finite = tf.reduce_all(tf.math.is_finite(hm_xy), axis=-1)
        hm_xy = tf.where(finite[:, None], hm_xy, tf.zeros_like(hm_xy))
        inside = tf.reduce_all((hm_xy >= -0.5) & (hm_xy <= size - 0.5), axis=-1)
        weights = weights * tf.cast(finite & inside, tf.float32)
        grid = tf.range(size, dtype=tf.float32)
        gx = tf.exp(-((grid[None, :] - hm_xy[:, 0:1]) ** 2) / (2 * self.sigma**2))
        gy = tf.exp(-((grid[None, :] - hm_xy[:, 1:2]) ** 2) / (2 * self.sigma**2))
        maps = gy[:, :, None] * gx[:, None, :]  # (J, H, W)
        maps = maps * weights[:, None, None]
        return tf.transpose(maps, [1, 2, 0]), weights

    # -- decode (numpy) ---------------------------------------------------------
    def decode(self, heatmaps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Keypoints from heatmaps.

        Args:
            heatmaps: array `(..., H, W, J)`.

        Returns:
            `(coords, scores)`: coords `(..., J, 2)` as (x, y) in heatmap pixels,
            argmax plus a quarter pixel toward the higher neighbour on each axis;
            scores `(..., J)`, the heatmap maximum.
        """
        heatmaps = np.asarray(heatmaps, dtype=np.float32)
        *lead, h, w, j = heatmaps.shape
        flat = np.moveaxis(heatmaps, -1, -3).reshape(-1, j, h * w)  # (B, J, HW)
        idx = flat.argmax(axis=-1)
        scores = np.take_along_axis(flat, idx[..., None], axis=-1)[..., 0]
        x = (idx % w).astype(np.int64)
        y = (idx // w).astype(np.int64)
        maps = flat.reshape(-1, j, h, w)
        b = np.arange(maps.shape[0])[:, None]
        jj = np.arange(j)[None, :]
        xr, xl = np.minimum(x + 1, w - 1), np.maximum(x - 1, 0)
        yd, yu = np.minimum(y + 1, h - 1), np.maximum(y - 1, 0)
        dx = maps[b, jj, y, xr] - maps[b, jj, y, xl]
        dy = maps[b, jj, yd, x] - maps[b, jj, yu, x]
        inner_x = (x > 0) & (x < w - 1)
        inner_y = (y > 0) & (y < h - 1)
        fx = x + 0.25 * np.sign(dx) * inner_x
        fy = y + 0.25 * np.sign(dy) * inner_y
        coords = np.stack([fx, fy], axis=-1).astype(np.float32)
        return coords.reshape(*lead, j, 2), scores.reshape(*lead, j)
