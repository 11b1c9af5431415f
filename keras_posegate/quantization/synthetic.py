"""A small synthetic pose set: coloured discs at random joint positions.

Each joint is drawn as a disc of its own colour on a noisy background, so a
small network learns it in minutes on a CPU. Used for the quantization and
export tests, the `--synthetic_batches` smoke mode of the CLIs and the TFLite
accuracy check (PCKh with a fixed-size head box). Pure numpy + tf.data; safe on
both Keras front ends.
"""

from __future__ import annotations

import colorsys

import numpy as np
import tensorflow as tf

from keras_posegate.codec import HeatmapCodec


def joint_colors(num_joints: int) -> np.ndarray:
    """`(J, 3)` distinct RGB colours in [0, 1]."""
    return np.array(
        [colorsys.hsv_to_rgb(j / num_joints, 1.0, 1.0) for j in range(num_joints)],
        dtype=np.float32,
    )


def make_examples(
    n: int, input_size: int, num_joints: int = 16, seed: int = 0
) -> dict[str, np.ndarray]:
    """`n` synthetic examples.

    Returns:
        `{"images": (n, S, S, 3) float32 in [0, 1], "joints": (n, J, 2) (x, y)
        input pixels, "head_boxes": (n, 4) x1, y1, x2, y2 of side S / 8
        (for PCKh)}`.
    """
    rng = np.random.default_rng(seed)
    size, radius = input_size, max(1.5, input_size / 48)
    margin = 2 * radius
    joints = rng.uniform(margin, size - 1 - margin, size=(n, num_joints, 2))
    images = rng.uniform(0.0, 0.15, size=(n, size, size, 3)).astype(np.float32)
    yy, xx = np.mgrid[0:size, 0:size]
    colors = joint_colors(num_joints)
    for i in range(n):
        for j in rng.permutation(num_joints):
            x, y = joints[i, j]
            disc = (xx - x) ** 2 + (yy - y) ** 2 <= radius**2
            images[i][disc] = colors[j]
    side = size / 8
    corner = rng.uniform(0, size - side, size=(n, 2))
    boxes = np.concatenate([corner, corner + side], axis=1)
    return {"images": images, "joints": joints.astype(np.float32), "head_boxes": boxes}


def make_dataset(
    examples: dict[str, np.ndarray],
    num_stacks: int,
    batch_size: int = 8,
    sigma: float = 1.0,
) -> tf.data.Dataset:
    """`(images, targets, weights)` batches in the training pipeline's structure:
    `targets` and `weights` are tuples of `num_stacks` heatmaps / `(B, J)`."""
    images = examples["images"]
    codec = HeatmapCodec(input_size=images.shape[1], sigma=sigma)
    joints = examples["joints"]
    ones = np.ones(joints.shape[:2], np.float32)

    def encode(image, xy, w):
        maps, weights = codec.encode(xy, w)
        return image, (maps,) * num_stacks, (weights,) * num_stacks

    ds = tf.data.Dataset.from_tensor_slices((images, joints, ones))
    return ds.map(encode).batch(batch_size)
