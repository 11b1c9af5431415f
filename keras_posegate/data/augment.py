"""Small pure augmentation ops and the one crop transform.

The crop affine, warping, joint transforms, flip, colour jitter, and the numpy
inverse used to map predictions back. The parsers, `posegate predict` and the
SavedModel all crop with `crop_matrix` and `warp_image`; training may warp with
OpenCV instead (`warp_image_opencv`, 2-3x faster, within 5 grey levels).

Geometry conventions (the project's, see `keras_posegate.codec`): pixel centres
sit at integer coordinates, so an image of width W spans `[-0.5, W - 0.5]`.
A crop matrix is a `(2, 3)` affine `M` mapping original-image pixels `x` to crop
pixels `u = M[:, :2] @ x + M[:, 2]`:

    u = k * R(theta) (x - c) + (S - 1) / 2,   k = S / (pixel_std * scale)

so the square box of side `pixel_std * scale` centred on `c` fills the `S x S`
crop exactly. A positive `rotation` turns the image content counter-clockwise
as displayed (y down). With `flip`, the crop is mirrored: `u_x -> S - 1 - u_x`.
"""

from __future__ import annotations

import math

import numpy as np
import tensorflow as tf

PIXEL_STD = 200.0


def crop_matrix(
    center, scale, rotation, output_size: int, flip=False, pixel_std=PIXEL_STD
):
    """The affine that maps original-image pixels to crop pixels.

    Args:
        center: `(2,)` float, box centre (x, y) in original pixels.
        scale: scalar, box side / `pixel_std`.
        rotation: scalar, degrees; positive turns the content counter-clockwise.
        output_size: side `S` of the square crop, in pixels.
        flip: scalar bool, mirror the crop horizontally.
        pixel_std: pixels per unit of scale (200, the MPII convention).

    Returns:
        `(2, 3)` float32 tensor.
    """
    center = tf.cast(center, tf.float32)
    k = float(output_size) / (pixel_std * tf.cast(scale, tf.float32))
    theta = tf.cast(rotation, tf.float32) * (math.pi / 180.0)
    cos, sin = k * tf.cos(theta), k * tf.sin(theta)
    half = (output_size - 1) / 2.0
    tx = half - (cos * center[0] + sin * center[1])
    ty = half - (-sin * center[0] + cos * center[1])
    matrix = tf.stack([tf.stack([cos, sin, tx]), tf.stack([-sin, cos, ty])])
    mirror = tf.constant([[-1.0, 0.0, output_size - 1.0], [0.0, 1.0, 0.0]])
    flipped = tf.matmul(mirror[:, :2], matrix) + tf.pad(mirror[:, 2:], [[0, 0], [2, 0]])
    return tf.where(tf.cast(flip, tf.bool), flipped, matrix)


def box_center_scale(box, pixel_std=PIXEL_STD):
    """Centre and scale of the square crop that letterboxes a box.

    The square's side is the box's longer side, so `crop_matrix` of the result
    fits the whole box into the crop without distortion, centred, the rest
    filled with zeros (`warp_image`): the crop of `posegate predict --box` and
    of the SavedModel's `serving_default` (the box is the whole image there).

    Args:
        box: `(x, y, w, h)`: left and top edges, width and height in pixels
            (`(0, 0, W, H)` is a whole `W x H` image); numbers or scalar tensors.
        pixel_std: pixels per unit of scale (200, the MPII convention).

    Returns:
        `(center (2,), scale ())` float32 tensors, pixel centres at integers.
    """
    x, y, w, h = (tf.cast(v, tf.float32) for v in box)
    center = tf.stack([x + w / 2.0 - 0.5, y + h / 2.0 - 0.5])
    return center, tf.maximum(w, h) / pixel_std


def invert_affine(matrix):
    """Inverse of a `(2, 3)` affine (tf). Returns `(2, 3)` float32."""
    matrix = tf.cast(matrix, tf.float32)
    lin = tf.linalg.inv(matrix[:, :2])
    shift = -tf.linalg.matvec(lin, matrix[:, 2])
    return tf.concat([lin, shift[:, None]], axis=1)


def transform_points(points, matrix):
    """Apply a `(2, 3)` affine to `(..., 2)` points (tf); NaN rows stay NaN."""
    points = tf.cast(points, tf.float32)
    matrix = tf.cast(matrix, tf.float32)
    return tf.linalg.matvec(matrix[:, :2], points) + matrix[:, 2]


def translate_affine(matrix, offset):
    """The affine for an image cropped at `offset` (x, y): `u = M (x' + offset)`."""
    matrix = tf.cast(matrix, tf.float32)
    shift = matrix[:, 2] + tf.linalg.matvec(matrix[:, :2], tf.cast(offset, tf.float32))
    return tf.concat([matrix[:, :2], shift[:, None]], axis=1)


def crop_window(matrix, output_size: int, height, width):
    """Bounding box, in the original image, of the pixels the crop samples.

    Args:
        matrix: `(2, 3)` original-to-crop affine.
        output_size: crop side `S`.
        height: original image height (scalar).
        width: original image width (scalar).

    Returns:
        `(window, offset)`: int32 `[y0, x0, h, w]` clamped to the image (at least
        1x1, as `tf.image.decode_and_crop_jpeg` wants), and float32 `(x0, y0)`.
    """
    s = float(output_size)
    corners = tf.constant(
        [[-0.5, -0.5], [s - 0.5, -0.5], [-0.5, s - 0.5], [s - 0.5, s - 0.5]]
    )
    box = transform_points(corners, invert_affine(matrix))
    height = tf.cast(height, tf.int32)
    width = tf.cast(width, tf.int32)
    lo = tf.cast(tf.floor(tf.reduce_min(box, axis=0)), tf.int32) - 1
    hi = tf.cast(tf.math.ceil(tf.reduce_max(box, axis=0)), tf.int32) + 2
    x0 = tf.clip_by_value(lo[0], 0, width - 1)
    y0 = tf.clip_by_value(lo[1], 0, height - 1)
    x1 = tf.clip_by_value(hi[0], x0 + 1, width)
    y1 = tf.clip_by_value(hi[1], y0 + 1, height)
    window = tf.stack([y0, x0, y1 - y0, x1 - x0])
    return window, tf.cast(tf.stack([x0, y0]), tf.float32)


def warp_image(image, matrix, output_size: int):
    """Warp an image into the crop with bilinear sampling, zeros outside.

    Args:
        image: `(H, W, C)` uint8 or float tensor.
        matrix: `(2, 3)` affine from `image` pixels to crop pixels.
        output_size: crop side `S`.

    Returns:
        `(S, S, C)` tensor of the image's dtype.
    """
    inverse = tf.reshape(invert_affine(matrix), [6])
    transform = tf.concat([inverse, tf.zeros([2])], axis=0)[None]
    out = tf.raw_ops.ImageProjectiveTransformV3(
        images=image[None],
        transforms=transform,
        output_shape=tf.constant([output_size, output_size], tf.int32),
        fill_value=tf.constant(0.0),
        interpolation="BILINEAR",
        fill_mode="CONSTANT",
    )
    return out[0]


WARPS = ("tensorflow", "opencv")


def check_warp(warp: str) -> str:
    """`warp` if it names one of `WARPS`, else a `ValueError` naming it."""
    if warp not in WARPS:
        raise ValueError(f"warp must be one of {WARPS}. Received: warp={warp!r}")
    return warp


def warp_image_opencv(image, matrix, output_size: int):
    """`warp_image` through OpenCV's `warpAffine` (bilinear, zeros outside).

    The same geometry (pixel centres at integer coordinates in both), at about
    a third of the CPU time: OpenCV interpolates in fixed point (1/32 pixel),
    so crops differ from `warp_image`'s by up to 5 grey levels (about 1 on
    average), far less than the colour jitter. Training only: evaluation,
    `posegate predict` and the SavedModel use `warp_image`. It runs as a
    `tf.numpy_function`, so the dataset needs a Python interpreter (no
    tf.data service).

    Args:
        image: `(H, W, 3)` uint8 tensor.
        matrix: `(2, 3)` affine from `image` pixels to crop pixels.
        output_size: crop side `S`.

    Returns:
        `(S, S, 3)` uint8 tensor.
    """
    import cv2

    def warp(pixels: np.ndarray, affine: np.ndarray) -> np.ndarray:
        return cv2.warpAffine(
            pixels, affine.astype(np.float64), (output_size, output_size),
            flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0,
        )  # fmt: skip

    out = tf.numpy_function(
        warp, [image, tf.cast(matrix, tf.float32)], tf.uint8, stateful=False
    )
    out.set_shape([output_size, output_size, 3])
    return out


def flip_joints(values, flip_index):
    """Swap left/right entries along axis 0 (`(J, ...)` joints or weights)."""
    return tf.gather(values, tf.constant(list(flip_index), tf.int32), axis=0)


def color_jitter(image, seed, brightness=0.2, contrast=0.2, saturation=0.2):
    """Random brightness, contrast and saturation (stateless, reproducible).

    Args:
        image: `(H, W, 3)` float32 RGB in [0, 1].
        seed: `(2,)` int tensor, the stateless seed.
        brightness: max additive brightness delta.
        contrast: the contrast factor is drawn from `[1 - v, 1 + v]`.
        saturation: the saturation factor is drawn from `[1 - v, 1 + v]`.

    Returns:
        The jittered image, clipped to [0, 1].
    """
    seeds = tf.random.experimental.stateless_split(seed, num=3)
    if brightness > 0:
        image = tf.image.stateless_random_brightness(image, brightness, seeds[0])
    if contrast > 0:
        image = tf.image.stateless_random_contrast(
            image, 1 - contrast, 1 + contrast, seeds[1]
        )
    if saturation > 0:
        image = tf.image.stateless_random_saturation(
            image, 1 - saturation, 1 + saturation, seeds[2]
        )
    return tf.clip_by_value(image, 0.0, 1.0)


def crop_to_original(points: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    """Map crop-pixel points back to the original image (numpy).

    Args:
        points: `(..., J, 2)` crop pixels (e.g. `codec.heatmap_to_input(coords)`).
        matrix: `(..., 2, 3)` original-to-crop affines, one per leading index.

    Returns:
        `(..., J, 2)` float32 original-image pixels.
    """
    matrix = np.asarray(matrix, np.float64)
    lin = np.linalg.inv(matrix[..., :2])  # (..., 2, 2)
    shifted = np.asarray(points, np.float64) - matrix[..., None, :, 2]
    return np.einsum("...ij,...kj->...ki", lin, shifted).astype(np.float32)
