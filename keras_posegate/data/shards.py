"""Reading sharded TFRecords safely: the manifest, and which records are whole.

Length framing and CRCs are checked, so a damaged record is skipped and
counted, never the rest of its shard.

`tfrecords.write_tfrecords` writes the layout; `decoder` reads through here.
"""

from __future__ import annotations

import dataclasses
import json
import os
import struct
from pathlib import Path

import numpy as np
import tensorflow as tf

MANIFEST = "manifest.json"
FORMAT_VERSION = 1


def read_manifest(directory: str | os.PathLike) -> dict:
    """The manifest of a TFRecord directory; refuses incomplete directories.

    Raises:
        FileNotFoundError: no `manifest.json` (not written by `write_tfrecords`,
            or interrupted before it finished), or a listed shard is missing.
    """
    directory = Path(directory)
    path = directory / MANIFEST
    if not path.is_file():
        raise FileNotFoundError(
            f"{directory} has no {MANIFEST}: it is not a complete TFRecord directory "
            "(written by `posegate prepare`, which writes the manifest last; an "
            "interrupted run leaves none). Re-run `posegate prepare`."
        )
    manifest = json.loads(path.read_text())
    for shard in manifest["shards"]:
        if not (directory / shard["file"]).is_file():
            raise FileNotFoundError(
                f"{directory / shard['file']} is listed in {path} but does not exist."
            )
    return manifest


def count_complete_records(path: str | os.PathLike) -> int:
    """Number of whole records at the start of a TFRecord file.

    Walks the length-prefixed framing; a truncated tail is not counted. CRCs
    are not checked here; `scan_shard` checks them.
    """
    size = os.path.getsize(path)
    count, offset = 0, 0
    with open(path, "rb") as f:
        while offset + 12 <= size:
            f.seek(offset)
            (length,) = struct.unpack("<Q", f.read(8))
            end = offset + 12 + length + 4
            if end > size:
                break
            count, offset = count + 1, end
    return count


@dataclasses.dataclass
class ShardScan:
    """What `scan_shard` found in one shard.

    Attributes:
        segments: `(start, count)` runs of good records, in file order.
        truncated: records the manifest lists but the file cut off.
        corrupt: records that fail their CRC (with every record after one
            whose length header is damaged: the framing is lost there).
    """

    segments: list[tuple[int, int]]
    truncated: int
    corrupt: int

    @property
    def readable(self) -> int:
        """Records that will be read (the sum of the good segments)."""
        return sum(count for _, count in self.segments)


def _read_until_error(path: str, start: int, count: int) -> tuple[int, bool]:
    """(records read from `start` before a CRC error, whether one occurred)."""
    read = tf.Variable(0, dtype=tf.int64, trainable=False)
    ds = tf.data.TFRecordDataset(path).skip(start).take(count)
    ds = ds.map(lambda r: (read.assign_add(1), tf.strings.length(r))[1])
    try:
        ds.reduce(np.int64(0), lambda n, _: n + 1)
    except tf.errors.DataLossError:
        return int(read.numpy()), True
    return int(read.numpy()), False


def scan_shard(path: str | os.PathLike, expected: int) -> ShardScan:
    """Check every record of a shard (framing and CRCs, TensorFlow's reader).

    A damaged record is skipped and counted, never silently taken with the
    rest of its shard.

    Args:
        path: the shard file.
        expected: records the manifest lists for it.
    """
    path = os.fspath(path)
    complete = min(count_complete_records(path), int(expected))
    segments, corrupt, start = [], 0, 0
    while start < complete:
        read, failed = _read_until_error(path, start, complete - start)
        if read:
            segments.append((start, read))
        if not failed:
            break
        if read == 0 and corrupt and start > 0:  # the framing is lost: stop
            corrupt += complete - start
            break
        corrupt += 1
        start += read + 1
    return ShardScan(segments, int(expected) - complete, corrupt)
