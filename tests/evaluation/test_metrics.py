"""PCKh / PCK against hand-computed cases and an HRNet-style reference."""

import numpy as np
import pytest

from keras_posegate.evaluation.metrics import pck_torso, pckh, pckh_auc

# Head box (0, 0, 30, 40): diagonal 50, head size 0.6 * 50 = 30.
# Head box (10, 10, 16, 18): diagonal 10, head size 6.
BOXES = np.array([[0, 0, 30, 40], [10, 10, 16, 18]], np.float64)


def _two_people():
    rng = np.random.default_rng(0)
    gt = rng.uniform(50, 400, size=(2, 16, 2))
    gt[1, 3] = np.nan  # person B: left hip missing
    pred = gt.copy()
    pred[0, 0] += (9, 12)  # dist 15 = 0.5 * 30: exactly on the threshold
    pred[0, 1] += (9, 12.03)  # just over
    pred[0, 10] += (20, 0)  # wrong
    pred[1, 0] += (0, 3)  # dist 3 = 0.5 * 6: on the threshold
    pred[:, 6] += 100  # pelvis wrong for both: must not touch the mean
    return pred, gt


def test_pckh_hand_computed():
    pred, gt = _two_people()
    r = pckh(pred, gt, BOXES)
    assert r.per_joint[0] == 100.0  # on-threshold joints are correct
    assert r.per_joint[1] == 50.0
    assert r.per_joint[10] == 50.0
    assert r.per_joint[6] == 0.0
    # Missing ground truth is not counted.
    assert r.counts[3] == 1 and r.counts[2] == 2
    assert r.per_joint[3] == 100.0
    # Mean over 14 joints (pelvis 6, thorax 7 out), weighted by counts:
    # 27 counted, 2 wrong -> 25 / 27 (the unweighted mean would be 1300 / 14).
    assert r.mean == pytest.approx(100 * 25 / 27)
    assert 6 not in r.mean_joints and 7 not in r.mean_joints
    assert len(r.mean_joints) == 14
    assert r.columns["Mean"] == pytest.approx(r.mean)
    # Columns: mean of right and left.
    assert r.columns["Knee"] == pytest.approx(75.0)  # r_knee 50, l_knee 100
    assert r.columns["Wrist"] == pytest.approx(75.0)  # r_wrist 50, l_wrist 100
    assert r.columns["Hip"] == pytest.approx(100.0)
    assert r.columns["Head"] == pytest.approx(100.0)
    assert r.metric == "PCKh@0.5"


def test_pckh_threshold_changes_result():
    pred, gt = _two_people()
    r = pckh(pred, gt, BOXES, threshold=0.1)
    assert r.per_joint[0] == 0.0  # 0.5 > 0.1 for both people
    assert r.per_joint[9] == 100.0  # exact prediction


def test_pckh_nan_prediction_is_wrong():
    pred, gt = _two_people()
    pred[0, 9] = np.nan
    r = pckh(pred, gt, BOXES)
    assert r.per_joint[9] == 50.0 and r.counts[9] == 2


def test_pckh_joint_never_annotated_is_nan_and_out_of_mean():
    pred, gt = _two_people()
    gt[:, 15] = np.nan
    r = pckh(pred, gt, BOXES)
    assert np.isnan(r.per_joint[15]) and r.counts[15] == 0
    assert r.columns["Wrist"] == pytest.approx(50.0)  # only r_wrist left
    assert r.mean == pytest.approx(100 * 23 / 25)


def _hrnet_style_reference(pred, gt, boxes, threshold):
    """The MPII evaluation as HRNet writes it: (16, 2, N) arrays, masked mean."""
    missing = ~np.isfinite(gt).all(-1)  # (N, 16)
    jnt_visible = 1 - missing.T.astype(np.float64)  # (16, N)
    pos_gt = np.transpose(np.nan_to_num(gt), [1, 2, 0])
    pos_pred = np.transpose(pred, [1, 2, 0])
    headboxes = np.stack([boxes[:, :2].T, boxes[:, 2:].T])  # (2, 2, N)
    uv_err = np.linalg.norm(pos_pred - pos_gt, axis=1)
    headsizes = np.linalg.norm(headboxes[1] - headboxes[0], axis=0) * 0.6
    scaled = uv_err / (headsizes * np.ones((len(uv_err), 1))) * jnt_visible
    jnt_count = np.sum(jnt_visible, axis=1)
    less = (scaled <= threshold) * jnt_visible
    pck = 100.0 * np.sum(less, axis=1) / jnt_count
    pck = np.ma.array(pck, mask=False)
    pck.mask[6:8] = True
    count = np.ma.array(jnt_count, mask=False)
    count.mask[6:8] = True
    ratio = count / np.sum(count).astype(np.float64)
    return np.asarray(pck), float(np.sum(pck * ratio))


@pytest.mark.parametrize("threshold", [0.1, 0.5])
def test_pckh_matches_hrnet_style_reference(threshold):
    rng = np.random.default_rng(1)
    n = 200
    gt = rng.uniform(0, 500, size=(n, 16, 2))
    gt[rng.random((n, 16)) < 0.15] = np.nan
    boxes = np.concatenate(
        [rng.uniform(0, 100, (n, 2)), rng.uniform(120, 200, (n, 2))], 1
    )
    pred = np.nan_to_num(gt, nan=250.0) + rng.normal(0, 20, size=gt.shape)
    per_joint, mean = _hrnet_style_reference(pred, gt, boxes, threshold)
    r = pckh(pred, gt, boxes, threshold=threshold)
    np.testing.assert_allclose(r.per_joint, per_joint, rtol=1e-12)
    assert r.mean == pytest.approx(mean, rel=1e-12)
    assert 5 < r.mean < 95  # a non-trivial case


def test_pckh_auc_perfect_useless_and_step():
    pred, gt = _two_people()
    assert pckh_auc(gt, gt, BOXES).mean == pytest.approx(100.0)
    assert pckh_auc(gt + 1000.0, gt, BOXES).mean == pytest.approx(0.0)
    # Error 0.255 head sizes: PCK is 0 up to t = 0.25 and 100 from t = 0.26;
    # trapezoid area 100 * 0.24 + 0.5 * 100 * 0.01 = 24.5, / 0.5 -> 49.
    off = gt.copy()
    off[0, :, 0] += 0.255 * 30
    off[1, :, 0] += 0.255 * 6
    r = pckh_auc(off, gt, BOXES)
    assert r.mean == pytest.approx(49.0)
    assert r.per_joint[9] == pytest.approx(49.0)


def test_pck_torso_rule_and_skipped_person():
    gt = np.tile(np.arange(14, dtype=np.float64)[:, None] * 10 + 100, (3, 1, 2))
    # Person 0: l_shoulder (9) at (0, 0), r_hip (2) at (30, 40): torso 50.
    gt[0, 9], gt[0, 2] = (0, 0), (30, 40)
    gt[2, 9] = np.nan  # person 2: no torso -> skipped
    gt[1, 5] = np.nan  # person 1: missing ankle, not counted
    pred = gt.copy()
    pred[0, 0] += (6, 8)  # dist 10 = 0.2 * 50: on the threshold, correct
    pred[0, 1] += (6, 8.1)  # just over
    pred[2] += 1000  # a skipped person's errors do not count
    r = pck_torso(pred, gt)
    assert r.num_skipped == 1
    assert r.per_joint[0] == 100.0
    assert r.per_joint[1] == 50.0
    assert r.counts[5] == 1 and r.counts[0] == 2
    # All 14 joints enter the mean: 27 counted, 1 wrong.
    assert r.mean == pytest.approx(100 * 26 / 27)
    assert r.metric == "PCK@0.2"


def test_pck_torso_zero_torso_is_skipped():
    gt = np.full((1, 14, 2), 50.0)
    r = pck_torso(gt, gt)
    assert r.num_skipped == 1 and r.counts.sum() == 0 and np.isnan(r.mean)


def test_errors():
    pred, gt = _two_people()
    with pytest.raises(
        ValueError, match="threshold must be > 0. Received: threshold=0"
    ):
        pckh(pred, gt, BOXES, threshold=0)
    with pytest.raises(ValueError, match="same shape"):
        pckh(pred[:, :15], gt, BOXES)
    with pytest.raises(ValueError, match=r"shape \(N, 16, 2\)"):
        pckh(pred[:, :14], gt[:, :14], BOXES)
    with pytest.raises(ValueError, match="head_boxes"):
        pckh(pred, gt, np.zeros((2, 4)))
    with pytest.raises(ValueError, match="step must be > 0"):
        pckh_auc(pred, gt, BOXES, step=0)


def test_to_dict_is_json_ready():
    import json

    pred, gt = _two_people()
    gt[:, 15] = np.nan
    d = pckh(pred, gt, BOXES).to_dict()
    text = json.dumps(d, allow_nan=False)
    assert '"l_wrist": null' in text
    assert d["counts"]["l_hip"] == 1
