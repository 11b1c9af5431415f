"""Decoders: TFRecord examples or raw `PersonRecord`s -> one tensors dict.

Both paths produce the same dict (the parser's input):

    encoded       string     the image file bytes
    joints        (J, 2)     float32, original pixels, NaN rows = missing
    visible       (J,)       float32
    center        (2,)       float32
    scale         ()         float32, person height / 200 px
    head_box      (4,)       float32 x1, y1, x2, y2 (zeros when absent)
    has_head_box  ()         bool
    image_id      ()         string
    person_index  ()         int32
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import tensorflow as tf

from keras_posegate.data.tfrecords import count_complete_records, read_manifest
from keras_posegate.datasets.records import PersonRecord


def feature_spec(num_joints: int) -> dict:
    """`tf.io.parse_single_example` spec of the examples `tfrecords` writes."""
    f32, i64, s = tf.float32, tf.int64, tf.string
    fixed = tf.io.FixedLenFeature
    return {
        "image/encoded": fixed([], s),
        "image/id": fixed([], s, default_value=""),
        "person/index": fixed([1], i64, default_value=[0]),
        "person/joints": fixed([num_joints * 2], f32),
        "person/visible": fixed([num_joints], f32),
        "person/center": fixed([2], f32),
        "person/scale": fixed([1], f32),
        "person/head_box": fixed([4], f32, default_value=[0.0] * 4),
        "person/has_head_box": fixed([1], i64, default_value=[0]),
    }


def decode_example(serialized, num_joints: int) -> dict:
    """Parse one serialized `tf.train.Example` into the tensors dict."""
    ex = tf.io.parse_single_example(serialized, feature_spec(num_joints))
    return {
        "encoded": ex["image/encoded"],
        "joints": tf.reshape(ex["person/joints"], [num_joints, 2]),
        "visible": ex["person/visible"],
        "center": ex["person/center"],
        "scale": ex["person/scale"][0],
        "head_box": ex["person/head_box"],
        "has_head_box": ex["person/has_head_box"][0] > 0,
        "image_id": ex["image/id"],
        "person_index": tf.cast(ex["person/index"][0], tf.int32),
    }


def records_to_arrays(records: Sequence[PersonRecord]) -> dict[str, np.ndarray]:
    """Stack records into arrays for `tf.data.Dataset.from_tensor_slices`."""
    if not records:
        raise ValueError("records must not be empty. Received: records=[]")
    no_box = np.zeros(4, np.float32)
    return {
        "image_path": np.array([str(r.image_path) for r in records]),
        "joints": np.stack([np.asarray(r.joints, np.float32) for r in records]),
        "visible": np.stack([np.asarray(r.visible, np.float32) for r in records]),
        "center": np.stack([np.asarray(r.center, np.float32) for r in records]),
        "scale": np.array([r.scale for r in records], np.float32),
        "head_box": np.stack(
            [
                no_box if r.head_box is None else np.asarray(r.head_box, np.float32)
                for r in records
            ]
        ),
        "has_head_box": np.array([r.head_box is not None for r in records]),
        "image_id": np.array([str(r.image_id) for r in records]),
        "person_index": np.array([r.person_index for r in records], np.int32),
    }


def decode_raw(element: dict) -> dict:
    """Read the image file of a raw-record element (raises when missing)."""
    out = {k: v for k, v in element.items() if k != "image_path"}
    out["encoded"] = tf.io.read_file(element["image_path"])
    return out


def raw_dataset(records: Sequence[PersonRecord]) -> tf.data.Dataset:
    """Raw records as a dataset of dicts (image_path + annotations)."""
    return tf.data.Dataset.from_tensor_slices(records_to_arrays(records))


class TFRecordSource:
    """Complete TFRecord directories: their manifests, shard files and how
    many records truncated shards lost.

    Args:
        directories: a directory written by `write_tfrecords`, or several
            (e.g. LSP and LSP-extended), read as one source.

    Raises:
        FileNotFoundError: a directory has no manifest (see `read_manifest`).
        ValueError: the directories hold different joint layouts.
    """

    def __init__(self, directories: str | os.PathLike | Sequence[str | os.PathLike]):
        if isinstance(directories, (str, os.PathLike)):
            directories = [directories]
        self.directories = [Path(d) for d in directories]
        if not self.directories:
            raise ValueError("directories must not be empty. Received: []")
        manifests = [read_manifest(d) for d in self.directories]
        layouts = {(m["dataset"], int(m["num_joints"])) for m in manifests}
        if len(layouts) > 1:
            raise ValueError(
                "TFRecord directories must hold one dataset layout. Received: "
                + ", ".join(
                    f"{d} ({m['dataset']}, {m['num_joints']} joints)"
                    for d, m in zip(self.directories, manifests, strict=True)
                )
            )
        self.dataset, self.num_joints = layouts.pop()
        self.files: list[str] = []
        self.readable: list[int] = []
        self.truncated = 0  # records listed in a manifest but cut off
        for directory, manifest in zip(self.directories, manifests, strict=True):
            for shard in manifest["shards"]:
                path = str(directory / shard["file"])
                complete = min(count_complete_records(path), int(shard["count"]))
                self.truncated += int(shard["count"]) - complete
                self.files.append(path)
                self.readable.append(complete)

    def __len__(self) -> int:
        return sum(self.readable)

    def dataset_of_serialized(
        self, shuffle: bool, seed: int | None, deterministic: bool
    ) -> tf.data.Dataset:
        """Serialized examples, files interleaved (and shuffled when asked).
        Truncated tails are not read; records failing their CRC are dropped.
        Unshuffled and deterministic, all files are interleaved one record at
        a time, which undoes `write_tfrecords`'s round robin: source order."""
        files = tf.data.Dataset.from_tensor_slices((self.files, self.readable))
        if shuffle:
            files = files.shuffle(
                len(self.files), seed=seed, reshuffle_each_iteration=True
            )

        def read(path, count):
            return (
                tf.data.TFRecordDataset(path)
                .take(tf.cast(count, tf.int64))
                .ignore_errors()
            )

        cycle = (
            len(self.files)
            if deterministic and not shuffle
            else min(len(self.files), 8)
        )
        return files.interleave(
            read, cycle_length=cycle, deterministic=deterministic,
            # Fixed, not autotuned (`pipeline.pipeline_options` says why).
            num_parallel_calls=min(cycle, _cores()),
        )  # fmt: skip


def _cores() -> int:
    from keras_posegate.data.pipeline import available_cores

    return available_cores()
