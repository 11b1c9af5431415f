"""Shared test set-up: the TensorFlow backend, quiet logs, and TensorFlow's thread
pools as `posegate train` sets them for the tests' small models
(`keras_posegate.threads`), before TensorFlow starts."""

import os

from keras_posegate.threads import configure_training_threads

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
configure_training_threads(batch_size=8, input_size=64, width=16)
