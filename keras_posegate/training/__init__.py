"""Training with `model.fit`: the paper's recipe, resumable, distributed."""

from keras_posegate.training.config import TrainConfig
from keras_posegate.training.trainer import train

__all__ = ["TrainConfig", "train"]
