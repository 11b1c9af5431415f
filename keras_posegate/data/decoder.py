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

from keras_posegate.data.shards import read_manifest, scan_shard
from keras_posegate.datasets.records import PersonRecord
from keras_posegate.errors import DataError
from keras_posegate.threads import available_cores


def feature_spec(num_joints: int) -> dict:
    """The `tf.io.parse_single_example` spec of the examples `tfrecords` writes.

    Args:
        num_joints: joints per person in the records.

    Returns:
        Feature key to `tf.io.FixedLenFeature`.
    """
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
    """Parse one serialized `tf.train.Example` into the tensors dict.

    Args:
        serialized: a scalar string tensor, one record of a TFRecord file.
        num_joints: joints per person in the records.

    Returns:
        The tensors dict of the module notes.
    """
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
    """Stack records into arrays for `tf.data.Dataset.from_tensor_slices`.

    Args:
        records: the persons, N >= 1.

    Returns:
        The module's tensors dict as numpy arrays with a leading N axis, with
        `image_path` (N,) str in place of `encoded`.

    Raises:
        ValueError: `records` is empty.
    """
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
    """Read the image file of a raw-record element into `encoded`.

    Inside tf.data the read raises when the file is missing.

    Args:
        element: one element of `raw_dataset`.

    Returns:
        The tensors dict of the module notes.
    """
    out = {k: v for k, v in element.items() if k != "image_path"}
    out["encoded"] = tf.io.read_file(element["image_path"])
    return out


def raw_dataset(records: Sequence[PersonRecord]) -> tf.data.Dataset:
    """Make a dataset of dicts (image_path + annotations) from raw records.

    Args:
        records: the persons, N >= 1.

    Returns:
        A dataset of N elements; `decode_raw` reads their images.
    """
    return tf.data.Dataset.from_tensor_slices(records_to_arrays(records))


class TFRecordSource:
    """Complete TFRecord directories, read as one source.

    Holds their manifests, the shard files, and how many records truncated
    shards lost (`truncated`) or failed their CRC (`corrupt`).

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
        manifests = manifest_list = [read_manifest(d) for d in self.directories]
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
        self.segments: list[tuple[int, int]] = []  # per file: (start, count) runs
        self.truncated = 0  # records listed in a manifest but cut off
        self.corrupt = 0  # records failing their CRC
        self.damaged: dict[str, str] = {}  # shard path -> what was lost
        for directory, manifest in zip(self.directories, manifest_list, strict=True):
            for shard in manifest["shards"]:
                path = str(directory / shard["file"])
                scan = scan_shard(path, int(shard["count"]))
                self.truncated += scan.truncated
                self.corrupt += scan.corrupt
                lost = [f"{n} {what}" for n, what in ((scan.truncated, "cut off"),
                        (scan.corrupt, "failing their CRC")) if n]  # fmt: skip
                if lost:
                    self.damaged[path] = f"{' and '.join(lost)} of {shard['count']}"
                for segment in scan.segments:
                    self.files.append(path)
                    self.segments.append(segment)

    def __len__(self) -> int:
        return sum(count for _, count in self.segments)

    def dataset_of_serialized(
        self, shuffle: bool, seed: int | None, deterministic: bool
    ) -> tf.data.Dataset:
        """Make a dataset of the serialized examples, files interleaved.

        Only the records `scan_shard` found good are read (a truncated tail or
        a record failing its CRC is skipped and counted in `truncated` /
        `corrupt`). Unshuffled and deterministic, all files are interleaved
        one record at a time, which undoes `write_tfrecords`'s round robin:
        source order (for undamaged shards).

        Args:
            shuffle: shuffle the files (each iteration anew).
            seed: seed of the shuffle.
            deterministic: keep the interleaved order fixed.

        Returns:
            A dataset of scalar string tensors.

        Raises:
            DataError: no shard has a readable record.
        """
        if not self.files:
            raise DataError(
                f"{', '.join(map(str, self.directories))}: no readable records "
                f"({self.damaged or 'the manifest lists none'})."
            )
        starts = [s for s, _ in self.segments]
        counts = [c for _, c in self.segments]
        files = tf.data.Dataset.from_tensor_slices((self.files, starts, counts))
        if shuffle:
            files = files.shuffle(
                len(self.files), seed=seed, reshuffle_each_iteration=True
            )

        def read(path, start, count):
            return (
                tf.data.TFRecordDataset(path)
                .skip(tf.cast(start, tf.int64))
                .take(tf.cast(count, tf.int64))
                .ignore_errors()  # only if a file changes after the scan
            )

        cycle = (
            len(self.files)
            if deterministic and not shuffle
            else min(len(self.files), 8)
        )
        return files.interleave(
            read, cycle_length=cycle, deterministic=deterministic,
            # Fixed, not autotuned (`options.pipeline_options` says why).
            num_parallel_calls=min(cycle, available_cores()),
        )  # fmt: skip
