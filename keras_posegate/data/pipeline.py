"""`build_dataset`: the input pipeline for training and evaluation.

Element structure (batched, B = batch size, S = codec.input_size,
H = codec.heatmap_size, J = joints):

* `training=True` (or `training=False, targets=True`):
  `(images, heatmaps, weights)` with `images` `(B, S, S, 3)` float32 RGB in
  [0, 1], `heatmaps` a tuple of `num_stacks` `(B, H, H, J)` float32 (the same
  target per stack, for intermediate supervision) and `weights` a tuple of
  `num_stacks` `(B, J)` float32 per-joint weights. Keras reads this as
  `(x, y, sample_weight)`; a loss must follow the contract of
  `keras_posegate.losses.MaskedHeatmapMSE`: return one value per joint `(B, J)`
  so that Keras multiplies it by the `(B, J)` sample weight.
* `training=False`: `(images, meta)`, `meta` a dict (see `parser.EvalParser`).

Bad examples never crash the pipeline: a missing, corrupt or truncated image
(the decode raises inside tf.data and the element is dropped), a non-finite
centre or scale or, in training, a person without annotated joints (flagged and
filtered), and records cut off in a truncated TFRecord shard (not read) are
skipped and counted in a `SkipCounter` (`dataset.skip_counter`).
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import keras
import tensorflow as tf

from keras_posegate.codec import HeatmapCodec
from keras_posegate.data import decoder
from keras_posegate.data.parser import AugmentConfig, EvalParser, TrainParser
from keras_posegate.datasets.info import DatasetInfo
from keras_posegate.datasets.records import PersonRecord


class SkipCounter:
    """Counts of examples seen, kept and skipped, cumulative over iterations.

    `seen` counts examples entering the decode step, `kept` those leaving it, so
    `decode_errors = seen - kept - bad_annotation` is exact once an iteration is
    exhausted (before that, examples in flight count as errors).
    """

    def __init__(self, truncated_records: int = 0):
        self.seen = tf.Variable(0, dtype=tf.int64, trainable=False)
        self.kept = tf.Variable(0, dtype=tf.int64, trainable=False)
        self.bad_annotation = tf.Variable(0, dtype=tf.int64, trainable=False)
        self.truncated_records = int(truncated_records)

    def report(self) -> dict[str, int]:
        seen, kept = int(self.seen.numpy()), int(self.kept.numpy())
        bad = int(self.bad_annotation.numpy())
        return {
            "seen": seen,
            "kept": kept,
            "skipped_decode_error": seen - kept - bad,
            "skipped_bad_annotation": bad,
            "skipped_truncated_tfrecord": self.truncated_records,
        }

    def count_seen(self, element):
        """Identity map that counts an example entering the decode step."""
        with tf.control_dependencies([self.seen.assign_add(1)]):
            return tf.nest.map_structure(tf.identity, element)

    def keep_if(self, *element) -> tf.Tensor:
        """Filter predicate on the parser's trailing `ok` flag; counts both ways."""
        ok = element[-1]
        bad = tf.cast(tf.logical_not(ok), tf.int64)
        updates = [self.kept.assign_add(1 - bad), self.bad_annotation.assign_add(bad)]
        with tf.control_dependencies(updates):
            return tf.identity(ok)


class SkipReport(keras.callbacks.Callback):
    """Adds the skip counts to the epoch logs (`data_skipped_decode_error`,
    ...), so `History` and loggers record them.

    Args:
        counter: the dataset's `skip_counter`.
    """

    def __init__(self, counter: SkipCounter):
        super().__init__()
        self.counter = counter

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if logs is not None:
            logs.update({f"data_{k}": v for k, v in self.counter.report().items()})


# Batches made ahead of the consumer (fixed: autotuning is off, see below).
PREFETCH_BATCHES = 2


def available_cores() -> int:
    """CPU cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def pipeline_options(deterministic: bool) -> tf.data.Options:
    """Options of every pipeline: ordered or not, and tf.data autotuning off.

    Autotuning runs a model thread beside each iterator that wakes after 10,
    20, 40, ... ms (doubling, up to 60 s), and deleting the iterator waits for
    its next wake-up. Keras makes a new iterator for every epoch, validation
    pass, `evaluate` and `predict`, so each of them ended at the next wake-up:
    `fit` returned 10.23 s after it started when its steps took 5.2 s. Fixed
    parallelism (one call per core) and a 2-batch prefetch do the same work
    without that thread.
    """
    options = tf.data.Options()
    options.deterministic = deterministic
    options.autotune.enabled = False
    return options


def _check_args(batch_size: int, num_stacks: int, seed, deterministic: bool) -> None:
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1. Received: batch_size={batch_size}")
    if num_stacks < 1:
        raise ValueError(f"num_stacks must be >= 1. Received: num_stacks={num_stacks}")
    if deterministic and seed is None:
        raise ValueError("deterministic=True needs a seed. Received: seed=None")


def _source_dataset(source, shuffle: bool, seed, deterministic: bool):
    """(dataset of raw elements, decode function, truncated record count)."""
    paths = (str, os.PathLike)
    if isinstance(source, paths) or (
        isinstance(source, Sequence)
        and source
        and all(isinstance(s, paths) for s in source)
    ):
        tfr = decoder.TFRecordSource(source)
        ds = tfr.dataset_of_serialized(shuffle, seed, deterministic)
        return ds, (lambda s: decoder.decode_example(s, tfr.num_joints)), tfr.truncated
    if isinstance(source, Sequence) and all(
        isinstance(r, PersonRecord) for r in source
    ):
        return decoder.raw_dataset(source), decoder.decode_raw, 0
    raise ValueError(
        "source must be a TFRecord directory (or a list of them) or a list of "
        "PersonRecord. "
        f"Received: source of type {type(source).__name__}"
    )


def build_dataset(
    source: str | os.PathLike | Sequence[PersonRecord],
    dataset_info: DatasetInfo,
    codec: HeatmapCodec,
    num_stacks: int,
    batch_size: int,
    training: bool,
    seed: int | None = None,
    deterministic: bool = False,
    augment: AugmentConfig | None = None,
    targets: bool = False,
    shuffle_buffer: int = 1024,
    repeat: bool = False,
    drop_remainder: bool | None = None,
    crop_decode: bool = True,
    skip_counter: SkipCounter | None = None,
    parallel_calls: int | None = None,
) -> tf.data.Dataset:
    """The batched, prefetched input pipeline (structure: module docstring).

    Args:
        source: a TFRecord directory (with manifest), a list of them read as
            one source, or a list of records.
        dataset_info: joint layout; its name selects the crop convention.
        codec: heatmap codec (input size, stride, sigma).
        num_stacks: number of supervised outputs (target repeated per stack).
        batch_size: examples per batch.
        training: random augmentation, shuffling, targets.
        seed: seeds shuffling and augmentation.
        deterministic: same seed -> same batches (ordered parallel map).
            Evaluation pipelines (`training=False`) are always ordered: they
            yield the records in source order, the order of the ground truth
            that an MPII `pred.mat` is scored against.
        augment: augmentation ranges (training only).
        targets: with `training=False`, yield unaugmented targets instead of
            metadata (validation loss).
        shuffle_buffer: shuffle buffer size (training).
        repeat: repeat forever.
        drop_remainder: drop a last partial batch (default: `training`).
        crop_decode: decode only the crop window of JPEGs.
        skip_counter: counter to use (default: a new one); also available as
            the returned dataset's `skip_counter` attribute.
        parallel_calls: examples decoded and augmented at once (default: the
            cores this process may use). Fixed, not autotuned: see
            `pipeline_options`.

    Returns:
        A `tf.data.Dataset`.
    """
    _check_args(batch_size, num_stacks, seed, deterministic)
    parallel_calls = parallel_calls or available_cores()
    deterministic = deterministic or not training
    ds, decode, truncated = _source_dataset(source, training, seed, deterministic)
    counter = skip_counter or SkipCounter()
    counter.truncated_records += truncated
    if training:
        ds = ds.shuffle(shuffle_buffer, seed=seed, reshuffle_each_iteration=True)
    if repeat:
        ds = ds.repeat()
    ds = ds.map(counter.count_seen)
    if training:
        parser = TrainParser(dataset_info, codec, num_stacks, augment, crop_decode)
        seeds = tf.data.Dataset.random(
            seed=seed, rerandomize_each_iteration=True
        ).batch(2)
        ds = tf.data.Dataset.zip(ds, seeds)
        fn = lambda element, s: parser(decode(element), s)  # noqa: E731
    else:
        parser = EvalParser(
            dataset_info, codec, num_stacks if targets else None, crop_decode
        )
        fn = lambda element: parser(decode(element))  # noqa: E731
    ds = ds.map(fn, num_parallel_calls=parallel_calls, deterministic=deterministic)
    ds = ds.ignore_errors().filter(counter.keep_if)
    ds = ds.map(lambda *e: e[:-1])
    drop = training if drop_remainder is None else drop_remainder
    ds = ds.batch(batch_size, drop_remainder=drop).prefetch(PREFETCH_BATCHES)
    ds = ds.with_options(pipeline_options(deterministic))
    ds.skip_counter = counter
    return ds
