import numpy as np
import pytest
import scipy.io

from keras_posegate.datasets import lsp, writers
from keras_posegate.datasets.synthetic import write_sample_dataset


def _known_person():
    joints = np.tile(np.array([[10.0, 20.0]]), (14, 1)) + np.arange(14)[:, None] * 3
    visible = np.ones(14)
    visible[5] = 0
    return joints, visible


@pytest.mark.parametrize(
    "layout, shape", [("original", (3, 14, 1)), ("extended", (14, 3, 1))]
)
def test_known_point_flags_and_layout_detection(tmp_path, layout, shape):
    joints, visible = _known_person()
    path = tmp_path / "joints.mat"
    writers.write_lsp_mat(path, joints[None], visible[None], layout)
    raw = scipy.io.loadmat(path)["joints"].reshape(shape)
    flags = raw[2, 5, 0] if layout == "original" else raw[5, 2, 0]
    assert flags == (1 if layout == "original" else 0)  # Occluded joint 5.
    (record,), report = lsp.read_lsp(path)
    assert report.format.startswith(f"lsp-{layout}")
    assert lsp.detect_lsp_layout(raw) == layout
    np.testing.assert_allclose(record.joints, joints)
    np.testing.assert_array_equal(record.visible, visible)
    assert record.dataset == "lsp" and record.image_id == "im0001.jpg"
    assert record.image_path == str(tmp_path / "images" / "im0001.jpg")


def test_centre_is_tight_box_centre_and_scale_has_margin(tmp_path):
    joints, visible = _known_person()  # x 10..49, y 20..59.
    path = tmp_path / "joints.mat"
    writers.write_lsp_mat(path, joints[None], visible[None])
    (record,), _ = lsp.read_lsp(path)
    np.testing.assert_allclose(record.center, [29.5, 39.5])
    assert record.scale == pytest.approx(39 * 1.25 / 200)


def test_unset_and_nan_joints_are_missing(tmp_path):
    raw = np.zeros((3, 14, 3))
    raw[0], raw[1] = 50.0, 60.0
    raw[1, 3, 0] = 70.0  # A real height for person 0.
    raw[:2, 0, 0] = 0.0  # (0, 0): unset.
    raw[:2, 1, 0] = -1.0  # (-1, -1): unset.
    raw[0, 2, 0] = np.nan
    raw[0, 4, 0] = -5.0  # Only x outside the frame: a real joint.
    raw[:2, :, 1] = 0.0  # Person 1 has nothing.
    raw[1, 3, 2] = 80.0  # Person 2 is fine.
    path = tmp_path / "joints.mat"
    scipy.io.savemat(path, {"joints": raw})
    records, report = lsp.read_lsp(path)
    assert report.skipped == {"no_joints": 1} and report.notes["missing_joints"] == 3
    first = records[0]
    np.testing.assert_array_equal(
        first.annotated[:5], [False, False, False, True, True]
    )
    np.testing.assert_array_equal(first.visible[:3], [0, 0, 0])
    np.testing.assert_array_equal(first.joints[4], [-6.0, 59.0])
    assert [r.image_id for r in records] == ["im0001.jpg", "im0003.jpg"]


def test_standard_split_and_train_count(tmp_path):
    n = 1003
    joints = np.tile(_known_person()[0], (n, 1, 1))
    path = tmp_path / "joints.mat"
    writers.write_lsp_mat(path, joints, np.ones((n, 14)))
    test, report = lsp.read_lsp(path, split="test")
    assert [r.image_id for r in test] == ["im1001.jpg", "im1002.jpg", "im1003.jpg"]
    assert report.skipped == {"split": 1000}
    train, _ = lsp.read_lsp(path, split="train", train_count=2)
    assert [r.image_id for r in train] == ["im0001.jpg", "im0002.jpg"]
    assert len(lsp.read_lsp(path, split="all")[0]) == n
    writers.write_lsp_mat(path, joints, np.ones((n, 14)), "extended")
    assert len(lsp.read_lsp(path, split="train")[0]) == n  # LSPET: train only.
    assert lsp.read_lsp(path, split="test")[0] == []


def test_five_digit_names_are_found(tmp_path):
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "im00001.jpg").write_bytes(b"")
    path = tmp_path / "joints.mat"
    writers.write_lsp_mat(path, _known_person()[0][None], np.ones((1, 14)), "extended")
    (record,), _ = lsp.read_lsp(path)
    assert record.image_id == "im00001.jpg"


def test_both_layouts_of_the_synthetic_set_read_the_same(lsp_dir, tmp_path):
    out, _ = lsp_dir
    ext = tmp_path / "ext"
    write_sample_dataset(
        ext, "lsp", 6, seed=4, image_size=(80, 96), lsp_layout="extended"
    )
    a, report_a = lsp.read_lsp(out / "joints.mat")
    b, report_b = lsp.read_lsp(ext / "joints.mat")
    assert report_a.format == "lsp-original 3x14xN"
    assert report_b.format == "lsp-extended 14x3xN"
    assert len(a) == len(b) == 6
    for ra, rb in zip(a, b, strict=True):
        np.testing.assert_allclose(ra.joints, rb.joints)
        np.testing.assert_array_equal(ra.visible, rb.visible)
        assert ra.scale == pytest.approx(rb.scale)


def test_wrong_files_name_the_file_and_problem(tmp_path):
    path = tmp_path / "joints.mat"
    scipy.io.savemat(path, {"joints": np.zeros((4, 14, 2))})
    with pytest.raises(ValueError, match=r"joints.mat: LSP joints must be 3x14xN"):
        lsp.read_lsp(path)
    scipy.io.savemat(path, {"points": np.zeros((3, 14, 2))})
    with pytest.raises(ValueError, match=r"joints.mat: no variable 'joints'"):
        lsp.read_lsp(path)
    scipy.io.savemat(path, {"joints": np.zeros((3, 14, 2))})
    with pytest.raises(ValueError, match="layout='extended' but the file is original"):
        lsp.read_lsp(path, layout="extended")
    path.write_bytes(b"\x00" * 50)
    with pytest.raises(ValueError, match="joints.mat"):
        lsp.read_lsp(path)
    with pytest.raises(ValueError, match="layout must be one of"):
        lsp.read_lsp(path, layout="3x14")
