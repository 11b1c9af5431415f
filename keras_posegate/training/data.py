"""The training and validation pipelines of a `TrainConfig`."""

from __future__ import annotations

from keras_posegate.codec import HeatmapCodec
from keras_posegate.data.sources import resolve_sources
from keras_posegate.datasets.info import DatasetInfo


def train_and_val_datasets(
    config, info: DatasetInfo, codec: HeatmapCodec, num_stacks: int
):
    """The training pipeline and the validation (eval) pipeline, or None.

    Both read `config.data_dir` (see `data.sources.resolve_sources`); the
    training data repeats when `config.steps_per_epoch` caps the epochs.

    Args:
        config: the run (`TrainConfig`).
        info: the dataset facts.
        codec: the heatmap codec (input size, stride, sigma).
        num_stacks: the model's stacks (one target each).

    Returns:
        `(train_ds, val_ds)`: `build_dataset` pipelines, `val_ds` None when
        the data has no validation split.
    """
    from keras_posegate.data import build_dataset

    train_src, val_src = resolve_sources(config.dataset, config.data_dir)
    # With a step cap, Keras keeps one iterator across epochs: repeat the data
    # so that later epochs do not run out of batches.
    train_ds = build_dataset(
        train_src, info, codec, num_stacks, config.batch_size, training=True,
        seed=config.seed, repeat=config.steps_per_epoch is not None,
        cache_images=config.cache_images, warp=config.warp,
    )  # fmt: skip
    val_ds = None
    if val_src is not None:
        val_ds = build_dataset(
            val_src, info, codec, num_stacks, config.batch_size, training=False,
            cache_images=config.cache_images,
        )  # fmt: skip
    return train_ds, val_ds
