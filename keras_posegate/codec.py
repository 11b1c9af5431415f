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

# Decoding methods, named as the exported metadata names them (`decoding.method`).
DECODINGS = ("dark", "argmax_quarter_offset")
DEFAULT_DECODING = "dark"
# DARK's smoothing kernel (per axis; edges replicated) and the floor under its log.
DARK_KERNEL = (0.25, 0.5, 0.25)
DARK_EPS = 1e-10


def check_decoding(decoding: str) -> str:
    """`decoding` when it is one of `DECODINGS`, else a `ValueError` naming it."""
    if decoding not in DECODINGS:
        raise ValueError(
            f"decoding must be one of {DECODINGS}. Received: decoding={decoding!r}"
        )
    return decoding


class HeatmapCodec:
    """Gaussian heatmaps at `1/stride` of the input, decoded to sub-pixels.

    Targets are Gaussians centred on the joint's exact sub-pixel position.
    Decoding takes each map's argmax and refines it:

    - `"dark"` (default): DARK's second-order Taylor step (Zhang et al., CVPR
      2020) on the log of the map smoothed by `DARK_KERNEL`, clipped to one
      pixel; where the argmax is within 2 pixels of the border or the log-map is
      not curved downward there, the quarter-pixel rule below.
    - `"argmax_quarter_offset"`: a quarter pixel toward the higher neighbour on
      each axis (Newell et al.), where the argmax is not on that axis' border.

    Both are written out step by step in `docs/architecture.md`; the serving
    graph (`export/decode_tf.py`) and the Android decoder do the same.

    Args:
        input_size: side of the square network input, in pixels.
        stride: input pixels per heatmap pixel (4 in the paper: 256 -> 64).
        sigma: standard deviation of the Gaussian target, in heatmap pixels.
        decoding: one of `DECODINGS`.

    Example:
        >>> codec = HeatmapCodec(input_size=256)
        >>> codec.heatmap_size
        64
    """

    def __init__(
        self,
        input_size: int = 256,
        stride: int = STRIDE,
        sigma: float = 2.0,
        decoding: str = DEFAULT_DECODING,
    ):
        if input_size % stride:
            raise ValueError(
                "input_size must be divisible by stride. "
                f"Received: input_size={input_size}, stride={stride}"
            )
        if sigma <= 0:
            raise ValueError(f"sigma must be > 0. Received: sigma={sigma}")
        self.decoding = check_decoding(decoding)
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
            "decoding": self.decoding,
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
        gx = tf.exp(-((grid[:, None] - hm_xy[:, 0]) ** 2) / (2 * self.sigma**2))
        gy = tf.exp(-((grid[:, None] - hm_xy[:, 1]) ** 2) / (2 * self.sigma**2))
        # (W, J) and (H, J): one product writes the (H, W, J) maps, weighted.
        return gy[:, None, :] * (gx * weights)[None, :, :], weights

    # -- decode (numpy) ---------------------------------------------------------
    def decode(self, heatmaps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Keypoints from heatmaps.

        Args:
            heatmaps: array `(..., H, W, J)`.

        Returns:
            `(coords, scores)`: coords `(..., J, 2)` as (x, y) in heatmap pixels,
            the argmax (the first in row-major order on ties) refined by the
            codec's `decoding`; scores `(..., J)`, the heatmap maximum.
        """
        heatmaps = np.asarray(heatmaps, dtype=np.float32)
        *lead, h, w, j = heatmaps.shape
        maps = np.moveaxis(heatmaps, -1, -3).reshape(-1, j, h, w)  # (B, J, H, W)
        flat = maps.reshape(-1, j, h * w)
        idx = flat.argmax(axis=-1)
        scores = np.take_along_axis(flat, idx[..., None], axis=-1)[..., 0]
        x, y = (idx % w).astype(np.int64), (idx // w).astype(np.int64)
        coords = _quarter_offset(maps, x, y)
        if self.decoding == "dark":
            coords = _dark(maps, x, y, coords)
        return coords.reshape(*lead, j, 2), scores.reshape(*lead, j)


def _at(maps: np.ndarray, y, x) -> np.ndarray:
    """`maps[b, j, y, x]` for `(B, J)` index arrays, clamped to the map."""
    _, _, h, w = maps.shape
    b = np.arange(maps.shape[0])[:, None]
    jj = np.arange(maps.shape[1])[None, :]
    return maps[b, jj, np.clip(y, 0, h - 1), np.clip(x, 0, w - 1)]


def _quarter_offset(maps: np.ndarray, x, y) -> np.ndarray:
    """Argmax `(B, J)` plus a quarter pixel toward the higher neighbour, `(B, J, 2)`."""
    _, _, h, w = maps.shape
    dx = _at(maps, y, x + 1) - _at(maps, y, x - 1)
    dy = _at(maps, y + 1, x) - _at(maps, y - 1, x)
    fx = x + 0.25 * np.sign(dx) * ((x > 0) & (x < w - 1))
    fy = y + 0.25 * np.sign(dy) * ((y > 0) & (y < h - 1))
    return np.stack([fx, fy], axis=-1).astype(np.float32)


def dark_derivatives(at):
    """Gradient and Hessian of the log-map at the argmax, by central differences.

    Arithmetic only, so the codec (numpy) and the serving graph (TensorFlow)
    share it, in the same order of operations as the Android decoder.

    Args:
        at: `at(dy, dx)` -> the log-map at the argmax offset by `(dy, dx)`.

    Returns:
        `(gx, gy, hxx, hyy, hxy)`: first differences over 1 pixel, second ones
        over 2 pixels (divided by 4), the mixed one over the diagonal neighbours.
    """
    gx = 0.5 * (at(0, 1) - at(0, -1))
    gy = 0.5 * (at(1, 0) - at(-1, 0))
    hxx = 0.25 * (at(0, 2) - 2 * at(0, 0) + at(0, -2))
    hyy = 0.25 * (at(2, 0) - 2 * at(0, 0) + at(-2, 0))
    hxy = 0.25 * (at(1, 1) - at(1, -1) - at(-1, 1) + at(-1, -1))
    return gx, gy, hxx, hyy, hxy


def _dark(maps: np.ndarray, x, y, fallback: np.ndarray) -> np.ndarray:
    """DARK's Taylor step at the argmax `(B, J)`; `fallback` `(B, J, 2)` elsewhere."""
    _, _, h, w = maps.shape
    k = np.asarray(DARK_KERNEL, np.float64)
    pad = np.pad(maps.astype(np.float64), ((0, 0), (0, 0), (1, 1), (1, 1)), "edge")
    rows = k[0] * pad[:, :, :-2] + k[1] * pad[:, :, 1:-1] + k[2] * pad[:, :, 2:]
    smooth = k[0] * rows[..., :-2] + k[1] * rows[..., 1:-1] + k[2] * rows[..., 2:]
    logs = np.log(np.maximum(smooth, DARK_EPS))

    gx, gy, hxx, hyy, hxy = dark_derivatives(lambda dy, dx: _at(logs, y + dy, x + dx))
    det = hxx * hyy - hxy * hxy
    inner = (x >= 2) & (x <= w - 3) & (y >= 2) & (y <= h - 3)
    ok = inner & (hxx < 0) & (det > 0)
    safe = np.where(ok, det, 1.0)
    ox = np.clip(-(hyy * gx - hxy * gy) / safe, -1.0, 1.0)
    oy = np.clip(-(hxx * gy - hxy * gx) / safe, -1.0, 1.0)
    refined = np.stack([x + ox, y + oy], axis=-1).astype(np.float32)
    return np.where(ok[..., None], refined, fallback)
