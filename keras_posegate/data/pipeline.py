"""`build_dataset`: the input pipeline for training and evaluation.

Element structure (batched, B = batch size, S = codec.input_size,
H = codec.heatmap_size, J = joints):

* `training=True` (or `training=False, targets=True`):
  `(images, heatmaps, weights)` with `images` `(B, S, S, 3)` float32 RGB in
  [0, 1], `heatmaps` a tuple of `num_stacks` `(B, H, H, J)` float32 (the same
  target per stack, for intermediate supervision) and `weights` a tuple of
  `num_stacks` `(B, J)` float32 per-joint weights. Each example's target is
  encoded once and the batch's tensor is repeated per stack after batching,
  so the batch is not copied once per stack. Keras reads this as
  `(x, y, sample_weight)`; a loss must follow the contract of
  `keras_posegate.losses.MaskedHeatmapMSE`: return one value per joint `(B, J)`
  so that Keras multiplies it by the `(B, J)` sample weight.
* `training=False`: `(images, meta)`, `meta` a dict (see `parser.EvalParser`).

Bad examples never crash the pipeline: a missing, corrupt or truncated image
(the decode raises inside the element's own small dataset and only that
element is dropped), a non-finite centre or scale or, in training, a person
without annotated joints (flagged and filtered), and TFRecord records cut off
in a truncated shard or failing their CRC (not read) are skipped and counted
in a `SkipCounter` (`dataset.skip_counter`), each where it is decided.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import keras
import tensorflow as tf

from keras_posegate.codec import HeatmapCodec
from keras_posegate.data import decoder
from keras_posegate.data.augment import check_warp
from keras_posegate.data.options import PREFETCH_BATCHES, pipeline_options
from keras_posegate.data.parser import AugmentConfig, EvalParser, TrainParser
from keras_posegate.datasets.info import DatasetInfo
from keras_posegate.datasets.records import PersonRecord
from keras_posegate.threads import available_cores


class SkipCounter:
    """Counts of examples seen, kept and skipped, cumulative over iterations.

    Every count is taken where the example is decided (`keep_if`, after its
    decode and parse), so examples still in flight (prefetched, or beyond a
    `steps_per_epoch` cut) are in no count yet: `seen = kept + skipped_*`
    at any time. TFRecord records lost before decoding (a truncated shard, a
    record failing its CRC) are counted when the source is opened, and
    `damaged_shards` names the shards they were in.
    """

    def __init__(self, truncated_records: int = 0, corrupt_records: int = 0):
        self.kept = tf.Variable(0, dtype=tf.int64, trainable=False)
        self.decode_error = tf.Variable(0, dtype=tf.int64, trainable=False)
        self.bad_annotation = tf.Variable(0, dtype=tf.int64, trainable=False)
        self.truncated_records = int(truncated_records)
        self.corrupt_records = int(corrupt_records)
        self.damaged_shards: dict[str, str] = {}

    def report(self) -> dict[str, int]:
        """Return the counts so far as plain ints.

        Keys: `seen`, `kept`, `skipped_decode_error`, `skipped_bad_annotation`,
        `skipped_truncated_tfrecord`, `skipped_corrupt_tfrecord`.
        """
        kept, errors = int(self.kept.numpy()), int(self.decode_error.numpy())
        bad = int(self.bad_annotation.numpy())
        return {
            "seen": kept + errors + bad,
            "kept": kept,
            "skipped_decode_error": errors,
            "skipped_bad_annotation": bad,
            "skipped_truncated_tfrecord": self.truncated_records,
            "skipped_corrupt_tfrecord": self.corrupt_records,
        }

    def keep_if(self, element, decoded) -> tf.Tensor:
        """Filter predicate on `_guarded`'s output; counts the element each way.

        Args:
            element: the parser's output; its last item is the `ok` flag.
            decoded: scalar bool, False when decoding raised.

        Returns:
            A scalar bool tensor: keep the element.
        """
        ok = tf.logical_and(decoded, element[-1])
        one = tf.constant(1, tf.int64)
        zero = tf.constant(0, tf.int64)
        updates = [
            self.kept.assign_add(tf.where(ok, one, zero)),
            self.decode_error.assign_add(tf.where(decoded, zero, one)),
            self.bad_annotation.assign_add(
                tf.where(
                    tf.logical_and(decoded, tf.logical_not(element[-1])), one, zero
                )
            ),
        ]
        with tf.control_dependencies(updates):
            return tf.identity(ok)

    def keep_if_decoded(self, element, decoded) -> tf.Tensor:
        """Filter predicate of the image cache (`cache_images`).

        Counts a decode error once, where the image is first decoded.

        Args:
            element: the decoded element (unused).
            decoded: scalar bool, False when decoding raised.

        Returns:
            `decoded`.
        """
        update = self.decode_error.assign_add(
            tf.cast(tf.logical_not(decoded), tf.int64)
        )
        with tf.control_dependencies([update]):
            return tf.identity(decoded)


def _decoded_images(ds, decode, counter: SkipCounter, parallel_calls: int):
    """Decode every image once and keep the examples in memory (`cache_images`).

    The examples carry `pixels` (uint8 `(H, W, 3)`) in place of `encoded`; an
    image that does not decode is dropped here and counted once, not once per
    pass.
    """

    def with_pixels(element):
        example = dict(decode(element))
        encoded = example.pop("encoded")
        pixels = tf.io.decode_image(encoded, channels=3, expand_animations=False)
        return pixels, example

    ds = ds.interleave(
        _guarded(with_pixels), block_length=1, num_parallel_calls=parallel_calls,
        deterministic=True,
    )  # fmt: skip
    ds = ds.filter(counter.keep_if_decoded)
    return ds.map(lambda element, decoded: {**element[1], "pixels": element[0]}).cache()


def _guarded(fn):
    """Apply `fn` to one element inside its own one-element dataset.

    An exception (an unreadable image) then drops only that element and is
    seen: yields `(fn(*args), True)`, or `(zeros of the same structure, False)`.
    """

    def per_element(*args):
        attempt = tf.data.Dataset.from_tensors(args).map(fn).ignore_errors()

        def zeros(spec):
            shape = [0 if d is None else d for d in spec.shape]
            return tf.zeros(shape, spec.dtype)

        failed = tf.nest.map_structure(zeros, attempt.element_spec)
        tagged = attempt.map(lambda *x: (x, tf.constant(True)))
        marker = tf.data.Dataset.from_tensors((tuple(failed), tf.constant(False)))
        return tagged.concatenate(marker).take(1)

    return per_element


class SkipReport(keras.callbacks.Callback):
    """Adds the skip counts to the epoch logs, so `History` and loggers record them.

    The keys are `SkipCounter.report`'s with a `data_` prefix
    (`data_skipped_decode_error`, ...).

    Args:
        counter: the dataset's `skip_counter`.
    """

    def __init__(self, counter: SkipCounter):
        super().__init__()
        self.counter = counter

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        """Copy the counter's current counts into `logs`."""
        if logs is not None:
            logs.update({f"data_{k}": v for k, v in self.counter.report().items()})


def _check_args(
    batch_size: int, num_stacks: int, seed, deterministic: bool, warp: str
) -> None:
    check_warp(warp)
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1. Received: batch_size={batch_size}")
    if num_stacks < 1:
        raise ValueError(f"num_stacks must be >= 1. Received: num_stacks={num_stacks}")
    if deterministic and seed is None:
        raise ValueError("deterministic=True needs a seed. Received: seed=None")


def _source_dataset(source, shuffle: bool, seed, deterministic: bool):
    """(dataset of raw elements, decode function, `TFRecordSource` or None)."""
    paths = (str, os.PathLike)
    if isinstance(source, paths) or (
        isinstance(source, Sequence)
        and source
        and all(isinstance(s, paths) for s in source)
    ):
        tfr = decoder.TFRecordSource(source)
        ds = tfr.dataset_of_serialized(shuffle, seed, deterministic)
        return ds, (lambda s: decoder.decode_example(s, tfr.num_joints)), tfr
    if isinstance(source, Sequence) and all(
        isinstance(r, PersonRecord) for r in source
    ):
        return decoder.raw_dataset(source), decoder.decode_raw, None
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
    cache_images: bool = False,
    warp: str = "tensorflow",
) -> tf.data.Dataset:
    """Build the batched, prefetched input pipeline (structure: module docstring).

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
        cache_images: decode every image once and keep the decoded images in
            memory (for datasets that fit: the demo's 1,802 training images of
            256x256 take 354 MB; MPII's 25k photos would take about 60 GB).
            The crops are the same as without it; later passes skip JPEG
            decoding, the larger part of the pipeline's work. A corrupt image
            is then counted once, when first decoded.
        warp: how training crops are warped: "tensorflow" (the op evaluation
            and serving use) or "opencv" (`augment.warp_image_opencv`: 2-3x
            faster, within 5 grey levels). Evaluation pipelines always use
            "tensorflow".

    Returns:
        A `tf.data.Dataset`, with the `SkipCounter` as `skip_counter`.

    Raises:
        ValueError: `batch_size` or `num_stacks` below 1, `deterministic`
            without a seed, an unknown `warp`, or a `source` of another kind.
    """
    _check_args(batch_size, num_stacks, seed, deterministic, warp)
    parallel_calls = parallel_calls or available_cores()
    deterministic = deterministic or not training
    ds, decode, tfr = _source_dataset(source, training, seed, deterministic)
    counter = skip_counter or SkipCounter()
    if tfr is not None:
        counter.truncated_records += tfr.truncated
        counter.corrupt_records += tfr.corrupt
        counter.damaged_shards.update(tfr.damaged)
    if cache_images:
        ds = _decoded_images(ds, decode, counter, parallel_calls)
        decode = lambda example: example  # noqa: E731 (decoded already)
    if training:
        ds = ds.shuffle(shuffle_buffer, seed=seed, reshuffle_each_iteration=True)
    if repeat:
        ds = ds.repeat()
    if training:
        parser = TrainParser(dataset_info, codec, 1, augment, crop_decode, warp)
        seeds = tf.data.Dataset.random(
            seed=seed, rerandomize_each_iteration=True
        ).batch(2)
        ds = tf.data.Dataset.zip(ds, seeds)
        fn = lambda element, s: parser(decode(element), s)  # noqa: E731
    else:
        parser = EvalParser(dataset_info, codec, 1 if targets else None, crop_decode)
        fn = lambda element: parser(decode(element))  # noqa: E731
    if cache_images:
        # Decoded and counted already: parsing raises nowhere, so a plain map
        # (8% less CPU per example than a one-element dataset each).
        ds = ds.map(
            lambda *args: (fn(*args), tf.constant(True)),
            num_parallel_calls=parallel_calls, deterministic=deterministic,
        )  # fmt: skip
    else:  # one element per inner dataset: order kept when deterministic
        ds = ds.interleave(
            _guarded(fn), block_length=1, num_parallel_calls=parallel_calls,
            deterministic=deterministic,
        )  # fmt: skip
    ds = ds.filter(counter.keep_if)
    ds = ds.map(lambda element, decoded: element[:-1])
    drop = training if drop_remainder is None else drop_remainder
    ds = ds.batch(batch_size, drop_remainder=drop)
    if training or targets:
        ds = ds.map(lambda image, hm, w: (image, hm * num_stacks, w * num_stacks))
    ds = ds.prefetch(PREFETCH_BATCHES)
    ds = ds.with_options(pipeline_options(deterministic))
    ds.skip_counter = counter
    return ds
