import json

import numpy as np
import pytest
import scipy.io

from keras_posegate.datasets import mpii, writers
from keras_posegate.datasets.synthetic import MPII_MAT_NAME

QUIRK_SKIPS = {"image_no_people": 1, "no_objpos": 1, "no_scale": 1, "no_annopoints": 1}


def _read(mpii_dir, **kwargs):
    out, _ = mpii_dir
    return mpii.read_mpii_mat(out / MPII_MAT_NAME, **kwargs)


def test_train_split_keeps_usable_people_and_counts_every_quirk(mpii_dir):
    records, report = _read(mpii_dir)
    assert report.skipped == {"split": 2, **QUIRK_SKIPS}
    assert report.skipped == mpii_dir[1]["expected_skips"]
    assert report.notes["empty_is_visible"] == 2
    assert report.kept == len(records) == 8 + 2  # 8 train + 2 in the crowd image.
    assert all(r.joints.shape == (16, 2) and r.dataset == "mpii" for r in records)
    assert all(r.image_path.endswith(r.image_id) for r in records)


def test_single_point_person_and_several_people_per_image(mpii_dir):
    records, _ = _read(mpii_dir)
    crowd = [r for r in records if r.image_id == "000000012.jpg"]
    assert [r.person_index for r in crowd] == [0, 4]
    single = crowd[1]
    np.testing.assert_array_equal(np.flatnonzero(single.annotated), [9])
    assert crowd[0].annotated.sum() > 1


def test_empty_is_visible_is_read_as_visible(mpii_dir):
    records, _ = _read(mpii_dir)
    first = records[0]
    assert first.image_id == "000000001.jpg"
    assert first.annotated[[8, 9]].all()
    np.testing.assert_array_equal(first.visible[[8, 9]], [1, 1])


def test_test_split_has_no_annopoints_unless_kept(mpii_dir):
    records, report = _read(mpii_dir, split="test")
    assert records == []
    assert report.skipped["no_annopoints"] == 2
    assert report.skipped["image_no_people"] == 1
    kept, report = _read(mpii_dir, split="test", keep_unannotated=True)
    assert len(kept) == 2 and report.notes["unannotated_kept"] == 2
    assert all(np.isnan(r.joints).all() and np.isfinite(r.center).all() for r in kept)
    assert all(r.head_box is None for r in kept)


def test_all_split_and_single_person_filter(mpii_dir):
    records, report = _read(mpii_dir, split="all")
    assert len(records) == 10 and "split" not in report.skipped
    singles, report = _read(mpii_dir, single_person_only=True)
    assert report.skipped["not_single_person"] == 3
    assert len(singles) == 10


def test_bad_split_names_the_value(mpii_dir):
    with pytest.raises(ValueError, match="split=.val."):
        _read(mpii_dir, split="val")


def test_one_based_file_coordinates_become_zero_based(tmp_path):
    path = tmp_path / "one.mat"
    person = {
        "objpos": (40.0, 50.0),
        "scale": 1.25,
        "head_box": (10.0, 11.0, 30.0, 31.0),
        "points": [(3, 10.0, 20.0, 1), (7, 5.5, 6.5, "0")],
    }
    writers.write_mpii_mat(path, [{"name": "x.jpg", "train": True, "people": [person]}])
    raw = scipy.io.loadmat(path, struct_as_record=False, squeeze_me=True)
    point = raw["RELEASE"].annolist.annorect.annopoints.point[0]
    assert (point.x, point.y) == (11.0, 21.0)
    (record,), report = mpii.read_mpii_mat(path, image_dir=tmp_path)
    np.testing.assert_array_equal(record.joints[3], [10.0, 20.0])
    np.testing.assert_array_equal(record.joints[7], [5.5, 6.5])
    np.testing.assert_array_equal(record.visible[[3, 7]], [1, 0])
    assert np.isnan(record.joints[0]).all() and record.annotated.sum() == 2
    np.testing.assert_array_equal(record.center, [40.0, 50.0])
    np.testing.assert_array_equal(record.head_box, [10.0, 11.0, 30.0, 31.0])
    assert record.scale == 1.25 and record.image_path == str(tmp_path / "x.jpg")


def test_bad_point_ids_and_nameless_images(tmp_path):
    path = tmp_path / "bad.mat"
    person = {"objpos": (1, 1), "scale": 1.0, "points": [(16, 1, 1, 1), (2, 3, 4, 1)]}
    images = [{"name": "x.jpg", "train": True, "people": [person]}]
    images.append({"name": "", "train": True, "people": [person]})
    writers.write_mpii_mat(path, images)
    (record,), report = mpii.read_mpii_mat(path)
    assert report.notes["bad_point"] == 1 and report.skipped == {"image_no_name": 1}
    np.testing.assert_array_equal(np.flatnonzero(record.annotated), [2])


def test_garbage_and_truncated_mat_files_name_the_file(mpii_dir, tmp_path):
    garbage = tmp_path / "garbage.mat"
    garbage.write_bytes(b"this is not a MAT file at all" * 10)
    with pytest.raises(ValueError, match="garbage.mat"):
        mpii.read_mpii_mat(garbage)
    truncated = tmp_path / "truncated.mat"
    truncated.write_bytes((mpii_dir[0] / MPII_MAT_NAME).read_bytes()[:300])
    with pytest.raises(ValueError, match="truncated.mat"):
        mpii.read_mpii_mat(truncated)
    with pytest.raises(ValueError, match="not found"):
        mpii.read_mpii_mat(tmp_path / "absent.mat")


def test_mat_without_release_struct_is_rejected(tmp_path):
    path = tmp_path / "other.mat"
    scipy.io.savemat(path, {"joints": np.zeros((3, 14, 2))})
    with pytest.raises(ValueError, match=r"other.mat is not an MPII.*joints"):
        mpii.read_mpii_mat(path)


def test_json_matches_the_official_file_and_joins_gt_head_boxes(mpii_dir):
    out, summary = mpii_dir
    valid, report = mpii.read_mpii_json(
        out / "annot/valid.json", gt_path=out / "annot/gt_valid.mat"
    )
    assert len(valid) == summary["splits"]["valid_json"] == 2
    assert report.notes["gt_mismatch"] == 0
    official = {r.image_id: r for r in _read(mpii_dir)[0] if r.person_index == 0}
    for record in valid:
        twin = official[record.image_id]
        np.testing.assert_allclose(record.joints, twin.joints, atol=1e-3)
        np.testing.assert_allclose(record.center, twin.center, atol=1e-3)
        np.testing.assert_allclose(record.head_box, twin.head_box, atol=1e-4)
        assert record.image_path == str(out / "images" / record.image_id)
    train, _ = mpii.read_mpii_json(out / "annot/train.json")
    assert len(train) == summary["splits"]["train_json"] == 8
    assert all(r.head_box is None for r in train)


def test_json_missing_joints_are_nan(tmp_path):
    joints = np.full((16, 2), -1.0)
    joints[2] = (11.0, 21.0)
    vis = [0] * 16
    vis[2] = 1
    entry = {"image": "a.jpg", "center": [5, 6], "scale": 2.0}
    entry.update(joints=joints.tolist(), joints_vis=vis)
    path = tmp_path / "v.json"
    path.write_text(json.dumps([entry, {**entry, "joints_vis": [0] * 16}]))
    (record,), report = mpii.read_mpii_json(path)
    assert report.skipped == {"no_joints": 1}
    np.testing.assert_array_equal(record.joints[2], [10.0, 20.0])
    assert record.annotated.sum() == 1 and record.visible.sum() == 1
    np.testing.assert_array_equal(record.center, [4.0, 5.0])


def test_hrnet_test_json_without_joints_reads_as_unannotated_persons(tmp_path):
    # HRNet's test.json: image, center, scale only.
    entries = [{"image": "t.jpg", "center": [51, 61], "scale": 1.5},
               {"image": "t.jpg", "center": [11, 21], "scale": 0.5}]  # fmt: skip
    path = tmp_path / "test.json"
    path.write_text(json.dumps(entries))
    records, report = mpii.read_mpii_json(path)
    assert len(records) == 2 and report.notes == {"unannotated_kept": 2}
    assert not records[0].annotated.any() and records[0].visible.sum() == 0
    np.testing.assert_array_equal(records[1].center, [10.0, 20.0])
    assert records[1].scale == 0.5


def test_gt_count_mismatch_and_wrong_order_are_caught(mpii_dir, tmp_path):
    out, _ = mpii_dir
    entries = json.loads((out / "annot/valid.json").read_text())
    short = tmp_path / "short.json"
    short.write_text(json.dumps(entries[:1]))
    with pytest.raises(ValueError, match="2 persons|1 persons"):
        mpii.read_mpii_json(short, gt_path=out / "annot/gt_valid.mat")
    swapped = tmp_path / "swapped.json"
    swapped.write_text(json.dumps(entries[::-1]))
    _, report = mpii.read_mpii_json(swapped, gt_path=out / "annot/gt_valid.mat")
    assert report.notes["gt_mismatch"] == 2


def test_gt_valid_layout_and_bad_json(mpii_dir, tmp_path):
    out, _ = mpii_dir
    raw = scipy.io.loadmat(out / "annot/gt_valid.mat")
    assert raw["jnt_missing"].shape == (16, 2)
    assert raw["pos_gt_src"].shape == (16, 2, 2)
    assert raw["headboxes_src"].shape == (2, 2, 2)
    gt = mpii.read_gt_valid(out / "annot/gt_valid.mat")
    np.testing.assert_allclose(gt["head_boxes"][:, :2] + 1, raw["headboxes_src"][0].T)
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(ValueError, match="bad.json"):
        mpii.read_mpii_json(bad)
    bad.write_text(json.dumps([{"image": "a.jpg"}]))
    with pytest.raises(ValueError, match="entry 0"):
        mpii.read_mpii_json(bad)
