import json
import struct
import subprocess
import sys

import numpy as np
import pytest
import tensorflow as tf

from keras_posegate.codec import HeatmapCodec
from keras_posegate.data import (
    build_dataset,
    decoder,
    read_manifest,
    tfrecords,
    write_tfrecords,
)
from keras_posegate.datasets.info import LSP
from keras_posegate.errors import DataError
from tests.data import helpers


def _bad_records(tmp_path):
    records = helpers.make_dataset(tmp_path, 8)
    (tmp_path / "im0001.jpg").write_bytes(b"\xff\xd8\xff\xe0 not a jpeg at all" * 4)
    jpeg = (tmp_path / "im0002.jpg").read_bytes()
    end = jpeg.rindex(b"\xff\xd9")  # drop the end-of-image marker and the tail
    (tmp_path / "im0002.jpg").write_bytes(jpeg[: end - 10] + b"\x00" * 5000)
    records[3].image_path = str(tmp_path / "missing.jpg")
    records[4].center = np.array([np.nan, 10.0], np.float32)
    records[5].head_box = np.array([1, 2, 3, 4], np.float32)
    return records


def test_write_reports_skips_and_round_trips(tmp_path):
    records = _bad_records(tmp_path)
    report = write_tfrecords(records, tmp_path / "out", 3, "lsp", progress=False)
    assert report.written == 4
    assert report.skipped == {
        "corrupt_image": 1,
        "truncated_image": 1,
        "missing_image": 1,
        "bad_center": 1,
    }
    manifest = read_manifest(tmp_path / "out")
    assert manifest["num_examples"] == 4 and manifest["num_joints"] == 14
    assert (
        sum(s["count"] for s in manifest["shards"]) == 4
        and len(manifest["shards"]) == 3
    )
    assert not list((tmp_path / "out").glob("*.incomplete"))
    source = decoder.TFRecordSource(tmp_path / "out")
    examples = [
        decoder.decode_example(s, 14)
        for s in source.dataset_of_serialized(False, None, deterministic=True)
    ]
    by_id = {e["image_id"].numpy().decode(): e for e in examples}
    assert sorted(by_id) == ["im0", "im5", "im6", "im7"]
    e5 = by_id["im5"]
    np.testing.assert_allclose(e5["joints"].numpy(), records[5].joints)
    assert bool(e5["has_head_box"]) and not bool(by_id["im0"]["has_head_box"])
    assert e5["encoded"].numpy() == (tmp_path / "im0005.jpg").read_bytes()


def test_directory_without_manifest_is_refused(tmp_path):
    write_tfrecords(
        helpers.make_dataset(tmp_path, 2), tmp_path / "out", 1, "lsp", False
    )
    (tmp_path / "out" / "manifest.json").unlink()
    with pytest.raises(FileNotFoundError, match="no manifest.json"):
        build_dataset(str(tmp_path / "out"), LSP, HeatmapCodec(64), 1, 2, training=True)


def test_killed_re_prepare_keeps_the_old_dataset_whole(tmp_path, monkeypatch):
    records = helpers.make_dataset(tmp_path, 3)
    out = tmp_path / "out"
    write_tfrecords(records, out, 1, "lsp", False)
    before = sorted(p.name for p in out.iterdir())
    real = tfrecords.record_to_example
    calls = []

    def flaky(*args):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt  # e.g. the user stops `posegate prepare`
        return real(*args)

    monkeypatch.setattr(tfrecords, "record_to_example", flaky)
    with pytest.raises(KeyboardInterrupt):
        write_tfrecords(records, out, 1, "lsp", False)
    assert sorted(p.name for p in out.iterdir()) == before  # no partial shards
    ds = build_dataset(str(out), LSP, HeatmapCodec(64), 1, 1, training=False)
    assert sum(1 for _ in ds) == 3


def test_re_prepare_swaps_when_complete_and_removes_old_shards_and_temps(tmp_path):
    records = helpers.make_dataset(tmp_path, 4)
    out = tmp_path / "out"
    write_tfrecords(records, out, 2, "lsp", False)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True).stdout.strip()  # fmt: skip
    (out / f".tmp-{dead}-00ff00ff-lsp-00000-of-00002.tfrecord").write_bytes(b"x")
    (out / "lsp-00001-of-00002.tfrecord.incomplete").write_bytes(b"x")  # older
    (out / "notes.txt").write_text("the user's own file")
    write_tfrecords(records[:3], out, 2, "lsp", False)  # same names in use
    manifest = read_manifest(out)
    assert manifest["num_examples"] == 3
    names = [s["file"] for s in manifest["shards"]]
    assert names == ["lsp-00000-of-00002.b.tfrecord", "lsp-00001-of-00002.b.tfrecord"]
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [*names, "manifest.json", "notes.txt"]
    )
    write_tfrecords(records, out, 1, "lsp", False)
    assert sorted(p.name for p in out.iterdir()) == [
        "lsp-00000-of-00001.tfrecord", "manifest.json", "notes.txt"
    ]  # fmt: skip


def test_truncated_shard_is_read_up_to_the_cut_and_counted(tmp_path):
    records = helpers.make_dataset(tmp_path, 6)
    write_tfrecords(records, tmp_path / "out", 2, "lsp", progress=False)
    shard = (
        tmp_path
        / "out"
        / json.loads((tmp_path / "out/manifest.json").read_text())["shards"][0]["file"]
    )
    helpers.truncate_file(shard, 0.5)  # 3 records -> 1 whole record left
    ds = build_dataset(
        str(tmp_path / "out"), LSP, HeatmapCodec(64), 1, 1, training=False
    )
    n = sum(1 for _ in ds)
    report = ds.skip_counter.report()
    assert n == 4
    assert report["skipped_truncated_tfrecord"] == 2
    assert report["kept"] == 4 and report["skipped_decode_error"] == 0


def test_bad_arguments_name_the_value(tmp_path):
    with pytest.raises(ValueError, match="num_shards=0"):
        write_tfrecords([], tmp_path, 0, "lsp", False)
    with pytest.raises(ValueError, match="batch_size=0"):
        build_dataset([], LSP, HeatmapCodec(64), 1, 0, training=True)
    assert tf.io.gfile.exists(str(tmp_path))


@pytest.mark.parametrize("num_shards", [1, 3, 10])
def test_eval_pipeline_yields_records_in_source_order(tmp_path, num_shards):
    """pred.mat is scored against the ground truth in its own order."""
    records = helpers.make_dataset(tmp_path, 23)
    write_tfrecords(records, tmp_path / "tfr", num_shards, "lsp", progress=False)
    expected = [r.image_id for r in records]
    for source in (records, str(tmp_path / "tfr")):
        ds = build_dataset(source, LSP, HeatmapCodec(64), 1, 4, training=False)
        got = [s.decode() for _, meta in ds for s in meta["image_id"].numpy()]
        assert got == expected


def _flip_a_byte_of_record(shard, index: int) -> None:
    """Flip one byte inside the data of record `index` (its CRC then fails)."""
    data = bytearray(shard.read_bytes())
    offset = 0
    for _ in range(index):
        (length,) = struct.unpack("<Q", data[offset : offset + 8])
        offset += 12 + length + 4
    (length,) = struct.unpack("<Q", data[offset : offset + 8])
    data[offset + 12 + length // 2] ^= 0xFF
    shard.write_bytes(bytes(data))


def test_a_record_failing_its_crc_is_skipped_and_counted_not_its_shard(tmp_path):
    records = helpers.make_dataset(tmp_path, 8)
    write_tfrecords(records, tmp_path / "out", 2, "lsp", progress=False)
    manifest = json.loads((tmp_path / "out/manifest.json").read_text())
    shard = tmp_path / "out" / manifest["shards"][0]["file"]
    _flip_a_byte_of_record(shard, 1)  # 4 records: the 2nd of them is damaged
    ds = build_dataset(
        str(tmp_path / "out"), LSP, HeatmapCodec(64), 1, 1, training=False
    )
    ids = [m["image_id"].numpy()[0].decode() for _, m in ds]
    report = ds.skip_counter.report()
    # Record 1 of shard 0 is person 2 (round robin); all the others are read.
    assert sorted(ids) == sorted(r.image_id for j, r in enumerate(records) if j != 2)
    assert report["skipped_corrupt_tfrecord"] == 1 and report["kept"] == 7
    assert ds.skip_counter.damaged_shards == {str(shard): "1 failing their CRC of 4"}


def test_evaluation_refuses_a_damaged_shard_and_names_it(tmp_path):
    from keras_posegate.evaluation.evaluate import evaluate
    from keras_posegate.models import PoseGateModel

    records = helpers.make_dataset(tmp_path, 4)
    write_tfrecords(records, tmp_path / "out", 1, "lsp", progress=False)
    shard = next((tmp_path / "out").glob("*.tfrecord"))
    _flip_a_byte_of_record(shard, 2)
    model = PoseGateModel(num_stacks=1, width=8, input_size=32, depth=1,
                          stem_width=8)  # fmt: skip
    with pytest.raises(DataError, match=f"{shard.name}: 1 failing their CRC of 4"):
        evaluate(model, str(tmp_path / "out"), "lsp",
                 predictions_out=str(tmp_path / "pred"))  # fmt: skip
    assert not list(tmp_path.glob("pred*"))


def test_out_of_range_annotations_are_skipped_or_flagged_never_silent(tmp_path):
    records = helpers.make_dataset(tmp_path, 4)
    records[1].center = np.array([1e9, 10.0], np.float32)  # outside the image
    records[2].joints[3] = (10.0, 1e9)  # a joint far outside it
    report = write_tfrecords(records, tmp_path / "out", 1, "lsp", False)
    assert report.written == 3
    assert report.skipped == {"center_outside_image": 1}
    assert report.flagged == {"joints_far_outside_image": 1}
    assert "joints_far_outside_image: 1" in report.summary()
    manifest = read_manifest(tmp_path / "out")
    assert manifest["skipped"] == {"center_outside_image": 1}
    assert manifest["flagged"] == {"joints_far_outside_image": 1}
