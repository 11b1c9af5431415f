"""A small synthetic MPII set and tiny run configurations for the training tests."""

from __future__ import annotations

import pytest

from keras_posegate.datasets.synthetic import write_sample_dataset
from keras_posegate.training import TrainConfig
from tests.helpers import TINY

# A model small enough to train a few steps in seconds on 2 CPU cores.
TINY_MODEL = TINY


@pytest.fixture(scope="session")
def mpii_dir(tmp_path_factory) -> str:
    """24 synthetic MPII images (about 14 train and 4 valid persons), 96x96."""
    out = tmp_path_factory.mktemp("train_mpii")
    write_sample_dataset(out, "mpii", 24, seed=1, image_size=(96, 96))
    return str(out)


def tiny_config(data_dir: str, model_dir: str, **kwargs) -> TrainConfig:
    """A `TrainConfig` for the tiny model: batch 4, 2 steps per epoch."""
    fields = dict(
        preset="posegate_tiny", dataset="mpii", data_dir=data_dir,
        model_dir=model_dir, epochs=2, batch_size=4, steps_per_epoch=2,
        model_config_overrides=dict(TINY_MODEL),
    )  # fmt: skip
    fields.update(kwargs)
    return TrainConfig(**fields)
