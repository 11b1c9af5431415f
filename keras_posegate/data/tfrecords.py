"""Write `PersonRecord`s into sharded TFRecords, atomically, with a report.

Layout of an output directory:

    {dataset}-00000-of-00004.tfrecord ... one `tf.train.Example` per person
    manifest.json                         written last: its presence means done

Each shard is written under a temporary name and renamed when complete; the
manifest (dataset, joint count, records per shard) is written after all shards.
A reader (`shards.read_manifest`) refuses a directory without one. Writing into a
complete directory keeps the old dataset whole until the new manifest replaces
it: the new shards take names the old manifest does not use (`.b.tfrecord`
twins, alternating), and the old shards are removed after the swap.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np
import tensorflow as tf

from keras_posegate import fileio
from keras_posegate.data.shards import FORMAT_VERSION, MANIFEST
from keras_posegate.datasets.info import get_info
from keras_posegate.datasets.records import PersonRecord

_TMP_SUFFIX = ".incomplete"  # temporaries of older versions (cleaned up)
_SHARD_NAME = re.compile(r"^[A-Za-z0-9_]+-\d{5}-of-\d{5}(\.b)?\.tfrecord$")


@dataclasses.dataclass
class WriteReport:
    """What `write_tfrecords` did.

    Attributes:
        written: examples written.
        skipped: reason -> count (missing_image, corrupt_image, truncated_image,
            bad_center, wrong_joint_count, center_outside_image).
        examples: reason -> up to 5 offending image paths.
        shards: `{"file", "count"}` per shard.
        flagged: reason -> count of records written but suspect
            (joints_far_outside_image: a joint more than the image's size
            beyond its border).
    """

    written: int = 0
    skipped: dict[str, int] = dataclasses.field(default_factory=dict)
    examples: dict[str, list[str]] = dataclasses.field(default_factory=dict)
    shards: list[dict] = dataclasses.field(default_factory=list)
    flagged: dict[str, int] = dataclasses.field(default_factory=dict)

    def skip(self, reason: str, path: str) -> None:
        """Count a record that was not written, keeping up to 5 example paths."""
        self.skipped[reason] = self.skipped.get(reason, 0) + 1
        shown = self.examples.setdefault(reason, [])
        if len(shown) < 5:
            shown.append(path)

    def flag(self, reason: str, path: str) -> None:
        """Count a record that was written but looks wrong."""
        self.flagged[reason] = self.flagged.get(reason, 0) + 1
        shown = self.examples.setdefault(reason, [])
        if len(shown) < 5:
            shown.append(path)

    def summary(self) -> str:
        """Describe the report in a few lines: written, skipped and flagged counts."""
        lines = [f"written: {self.written}", f"skipped: {sum(self.skipped.values())}"]
        for reason, count in sorted(self.skipped.items()):
            lines.append(
                f"  {reason}: {count} (e.g. {', '.join(self.examples[reason][:2])})"
            )
        for reason, count in sorted(self.flagged.items()):
            lines.append(
                f"flagged (written): {reason}: {count} "
                f"(e.g. {', '.join(self.examples[reason][:2])})"
            )
        return "\n".join(lines)


def check_image(path: str) -> tuple[bytes | None, str | None, tuple[int, int]]:
    """Read an image file as is and check that it decodes.

    A JPEG must also end with its end-of-image marker (else it was cut short).

    Args:
        path: the image file.

    Returns:
        `(encoded, reason, (height, width))`: the file bytes, or None and the
        skip reason ("missing_image", "corrupt_image", "truncated_image").
    """
    try:
        data = Path(path).read_bytes()
    except OSError:
        return None, "missing_image", (0, 0)
    is_jpeg = data[:2] == b"\xff\xd8"
    flag = cv2.IMREAD_REDUCED_COLOR_8 if is_jpeg else cv2.IMREAD_COLOR
    decoded = cv2.imdecode(np.frombuffer(data, np.uint8), flag) if data else None
    if decoded is None:
        return None, "corrupt_image", (0, 0)
    if not is_jpeg:
        return data, None, decoded.shape[:2]
    if b"\xff\xd9" not in data[-4096:]:  # no end-of-image marker: cut short
        return None, "truncated_image", (0, 0)
    try:
        height, width, _ = tf.image.extract_jpeg_shape(data).numpy().tolist()
    except (tf.errors.InvalidArgumentError, ValueError):
        return None, "corrupt_image", (0, 0)
    return data, None, (height, width)


def _floats(values) -> tf.train.Feature:
    flat = np.asarray(values, np.float32).reshape(-1)
    return tf.train.Feature(float_list=tf.train.FloatList(value=flat))


def _ints(values) -> tf.train.Feature:
    flat = np.asarray(values, np.int64).reshape(-1)
    return tf.train.Feature(int64_list=tf.train.Int64List(value=flat))


def _bytes(value: bytes | str) -> tf.train.Feature:
    value = value.encode() if isinstance(value, str) else value
    return tf.train.Feature(bytes_list=tf.train.BytesList(value=[value]))


def record_to_example(
    record: PersonRecord, encoded: bytes, height: int, width: int
) -> tf.train.Example:
    """The `tf.train.Example` of one person (keys: see `decoder.feature_spec`).

    Args:
        record: the person.
        encoded: the image file bytes, stored as they are.
        height: image height in pixels.
        width: image width in pixels.
    """
    has_box = record.head_box is not None
    features = {
        "image/encoded": _bytes(encoded),
        "image/height": _ints([height]),
        "image/width": _ints([width]),
        "image/path": _bytes(str(record.image_path)),
        "image/id": _bytes(str(record.image_id)),
        "person/index": _ints([record.person_index]),
        "person/joints": _floats(record.joints),
        "person/visible": _floats(record.visible),
        "person/center": _floats(record.center),
        "person/scale": _floats([record.scale]),
        "person/head_box": _floats(record.head_box if has_box else np.zeros(4)),
        "person/has_head_box": _ints([int(has_box)]),
        "dataset": _bytes(record.dataset),
    }
    return tf.train.Example(features=tf.train.Features(feature=features))


def _record_problem(record: PersonRecord, num_joints: int) -> str | None:
    center = np.asarray(record.center, np.float64)
    if center.shape != (2,) or not np.isfinite(center).all():
        return "bad_center"
    if not np.isfinite(record.scale) or record.scale <= 0:
        return "bad_center"
    if np.shape(record.joints) != (num_joints, 2) or np.shape(record.visible) != (
        num_joints,
    ):
        return "wrong_joint_count"
    return None


def _range_problem(record, height: int, width: int, report, path: str):
    """Check annotations against the image bounds.

    A centre outside the image is a skip reason ("center_outside_image");
    joints more than the image's size beyond its border are kept but flagged
    ("joints_far_outside_image").
    """
    x, y = np.asarray(record.center, np.float64)
    if not (-0.5 <= x <= width - 0.5 and -0.5 <= y <= height - 0.5):
        return "center_outside_image"
    joints = np.asarray(record.joints, np.float64)
    joints = joints[np.isfinite(joints).all(axis=-1)]
    margin = max(height, width)
    far = (joints < -margin).any() or (joints[:, 0] > width + margin).any()
    if far or (joints[:, 1] > height + margin).any():
        report.flag("joints_far_outside_image", path)
    return None


def shard_names(dataset_name: str, num_shards: int) -> list[str]:
    """Name the shard files, e.g. `mpii-00000-of-00016.tfrecord` for shard 0 of 16.

    Args:
        dataset_name: the dataset, first part of each name.
        num_shards: number of shard files.
    """
    return [
        f"{dataset_name}-{i:05d}-of-{num_shards:05d}.tfrecord"
        for i in range(num_shards)
    ]


def write_tfrecords(
    records: Sequence[PersonRecord],
    out_dir: str | os.PathLike,
    num_shards: int,
    dataset_name: str,
    progress: bool = True,
) -> WriteReport:
    """Write records into `num_shards` TFRecord files plus `manifest.json`.

    Records whose image is missing, corrupt or truncated, whose centre/scale is
    not finite, or whose joint count is wrong are skipped and counted. Record
    `i` of the valid ones goes to shard `i % num_shards`.

    Args:
        records: the persons to write.
        out_dir: output directory (created; a dataset already there is
            replaced only when the new one is complete).
        num_shards: number of shard files, >= 1.
        dataset_name: "mpii" or "lsp" (sets the joint count).
        progress: show a progress bar.

    Returns:
        A `WriteReport`.

    Raises:
        ValueError: `num_shards` is below 1, or an unknown `dataset_name`.
    """
    if num_shards < 1:
        raise ValueError(f"num_shards must be >= 1. Received: num_shards={num_shards}")
    num_joints = get_info(dataset_name).num_joints
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(out)
    names = _fresh_shard_names(out, dataset_name, num_shards)
    temps = [Path(fileio.temp_name(out / n)) for n in names]
    report = WriteReport()
    counts = [0] * num_shards
    bar = None
    if progress:
        import keras

        bar = keras.utils.Progbar(len(records), unit_name="record")
    writers = [tf.io.TFRecordWriter(str(t)) for t in temps]
    try:
        cache: dict[str, tuple] = {}
        for i, record in enumerate(records):
            _write_one(record, num_joints, cache, writers, counts, report)
            if bar is not None:
                bar.update(i + 1)
    except BaseException:
        for w, t in zip(writers, temps, strict=True):  # leave nothing half written
            w.close()
            t.unlink(missing_ok=True)
        raise
    for w in writers:
        w.close()
    # The new shards take names the current manifest does not use, so the old
    # dataset stays whole until the new manifest replaces its own (one rename).
    for temp, name in zip(temps, names, strict=True):
        os.replace(temp, out / name)
    report.shards = [
        {"file": n, "count": c} for n, c in zip(names, counts, strict=True)
    ]
    _write_manifest(out, dataset_name, num_joints, report)
    for path in out.iterdir():  # shards of the old dataset
        if _SHARD_NAME.match(path.name) and path.name not in names:
            path.unlink(missing_ok=True)
    return report


def _remove_leftovers(out: Path) -> None:
    """Remove what interrupted writes left in `out`.

    That is temporaries of processes that no longer run, and `*.incomplete`
    shards of older versions.
    """
    fileio.remove_stale_temps(out, force=True)
    for path in out.glob("*" + _TMP_SUFFIX):
        path.unlink(missing_ok=True)


def _fresh_shard_names(out: Path, dataset_name: str, num_shards: int) -> list[str]:
    """`shard_names`, or their `.b` twins when the current manifest uses them."""
    names = shard_names(dataset_name, num_shards)
    try:
        used = {s["file"] for s in json.loads((out / MANIFEST).read_text())["shards"]}
    except (OSError, ValueError, KeyError, TypeError):
        used = set()
    if used.isdisjoint(names):
        return names
    return [n.removesuffix(".tfrecord") + ".b.tfrecord" for n in names]


def _write_one(record, num_joints, cache, writers, counts, report) -> None:
    path = str(record.image_path)
    problem = _record_problem(record, num_joints)
    if problem is None:
        if path not in cache:
            cache.clear()  # persons of one image are adjacent; keep one image
            cache[path] = check_image(path)
        encoded, problem, (height, width) = cache[path]
    if problem is None:
        problem = _range_problem(record, height, width, report, path)
    if problem is not None:
        report.skip(problem, path)
        return
    shard = report.written % len(writers)
    example = record_to_example(record, encoded, height, width)
    writers[shard].write(example.SerializeToString())
    counts[shard] += 1
    report.written += 1


def _write_manifest(out: Path, dataset_name: str, num_joints: int, report: WriteReport):
    manifest = {
        "format_version": FORMAT_VERSION,
        "dataset": dataset_name,
        "num_joints": num_joints,
        "num_examples": report.written,
        "shards": report.shards,
        "skipped": report.skipped,
        "flagged": report.flagged,
    }
    fileio.atomic_write_json(out / MANIFEST, manifest, indent=2)
