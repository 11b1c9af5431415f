"""Input pipeline: TFRecord writing, decoding, augmentation, parsing."""

from keras_posegate.data.parser import AugmentConfig, EvalParser, TrainParser
from keras_posegate.data.pipeline import SkipCounter, SkipReport, build_dataset
from keras_posegate.data.shards import read_manifest
from keras_posegate.data.tfrecords import WriteReport, write_tfrecords

__all__ = [
    "AugmentConfig",
    "EvalParser",
    "SkipCounter",
    "SkipReport",
    "TrainParser",
    "WriteReport",
    "build_dataset",
    "read_manifest",
    "write_tfrecords",
]
