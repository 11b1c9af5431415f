"""Pipelines over synthetic people, for smoke runs, calibration and tests.

The one synthetic source of the project is `keras_posegate.datasets.synthetic`
(`posegate sample-data`): people drawn in the official MPII / LSP formats. This
module renders a few of them into a temporary folder and runs them through the
real readers and the real `build_dataset`, so a smoke run exercises the same
code as a run on MPII.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator

import tensorflow as tf

from keras_posegate.codec import HeatmapCodec
from keras_posegate.data.pipeline import build_dataset
from keras_posegate.data.prepare import load_records
from keras_posegate.datasets.info import get_info
from keras_posegate.datasets.synthetic import write_sample_dataset


@contextlib.contextmanager
def sample_dataset(
    input_size: int,
    num_stacks: int,
    num: int = 16,
    batch_size: int = 8,
    dataset: str = "mpii",
    training: bool = True,
    seed: int = 0,
) -> Iterator[tf.data.Dataset]:
    """`build_dataset` over `num` synthetic people, valid while the block runs.

    Args:
        input_size: the model's input side (images are rendered at twice it).
        num_stacks: supervised outputs (targets repeated per stack).
        num: synthetic images to render (one person each).
        batch_size: examples per batch.
        dataset: "mpii" or "lsp" layout.
        training: `True`: augmented `(images, targets, weights)`; `False`:
            the evaluation structure with unaugmented targets.
        seed: rendering and augmentation seed.

    Yields:
        A batched `tf.data.Dataset`; images `(B, S, S, 3)` float32 in [0, 1].

    Example:
        >>> with sample_dataset(64, num_stacks=2, num=8) as ds:
        ...     images, targets, weights = next(iter(ds))
    """
    split = "train" if training else ("valid" if dataset == "mpii" else "test")
    with tempfile.TemporaryDirectory(prefix="posegate-samples-") as root:
        side = 2 * int(input_size)
        write_sample_dataset(root, dataset, num, seed=seed, image_size=(side, side))
        records, _ = load_records(dataset, root, split)
        yield build_dataset(
            records, get_info(dataset), HeatmapCodec(input_size=input_size),
            num_stacks=num_stacks, batch_size=batch_size, training=training,
            seed=seed, deterministic=True, targets=not training,
            drop_remainder=False,
        )  # fmt: skip


def sample_images(input_size: int, num: int = 8, seed: int = 0):
    """Crops of synthetic people, as numpy.

    Args:
        input_size: crop side `S`.
        num: number of crops.
        seed: rendering and augmentation seed.

    Returns:
        `(num, S, S, 3)` float32 crops in [0, 1].
    """
    import numpy as np

    # A quarter of the rendered people go to the validation split: render more.
    with sample_dataset(input_size, 1, 2 * num, num, training=True, seed=seed) as ds:
        images = np.concatenate([np.asarray(b[0]) for b in ds])
    return images[:num]
