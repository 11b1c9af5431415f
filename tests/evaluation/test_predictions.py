"""Prediction files: JSON round trip, MPII pred.mat with the 1-based shift."""

import json
import os
from pathlib import Path

import numpy as np
import pytest
from scipy.io import loadmat

from keras_posegate.evaluation import predictions as P


def test_pred_mat_is_one_based_and_round_trips(tmp_path):
    joints = np.random.default_rng(0).uniform(0, 500, (3, 16, 2))
    path = P.write_mpii_pred_mat(tmp_path / "pred.mat", joints)
    raw = loadmat(path)["preds"]
    assert raw.shape == (3, 16, 2)
    np.testing.assert_allclose(raw, joints + 1.0)  # MATLAB 1-based
    np.testing.assert_allclose(P.read_mpii_pred_mat(path), joints)
    assert os.listdir(tmp_path) == ["pred.mat"]  # no temp file left behind


def test_pred_mat_single_person_and_errors(tmp_path):
    joints = np.zeros((1, 16, 2))
    path = P.write_mpii_pred_mat(tmp_path / "one.mat", joints)
    assert P.read_mpii_pred_mat(path).shape == (1, 16, 2)
    with pytest.raises(ValueError, match="16 MPII joints"):
        P.write_mpii_pred_mat(tmp_path / "bad.mat", np.zeros((2, 14, 2)))


def test_json_round_trip_with_missing_values(tmp_path):
    joints = np.arange(2 * 16 * 2, dtype=np.float64).reshape(2, 16, 2) + 0.25
    joints[1, 4] = np.nan
    scores = np.linspace(0, 1, 32).reshape(2, 16)
    path = P.write_predictions_json(
        tmp_path / "sub" / "preds.json", ["a.jpg", "b.jpg"], [0, 2], joints, scores,
        meta={"flip_test": True},
    )  # fmt: skip
    doc = json.loads(Path(path).read_text())
    assert doc["predictions"][1]["person_index"] == 2
    assert doc["predictions"][1]["joints"][4] == [None, None]
    back = P.read_predictions_json(path)
    np.testing.assert_allclose(back["joints"], joints, atol=1e-3)
    np.testing.assert_allclose(back["scores"], scores, atol=1e-3)
    assert back["image_ids"] == ["a.jpg", "b.jpg"] and back["meta"]["flip_test"]


def test_json_length_mismatch(tmp_path):
    with pytest.raises(ValueError, match="one entry per person"):
        P.write_predictions_json(
            tmp_path / "x.json", ["a"], [0, 1], np.zeros((2, 16, 2)), np.zeros((2, 16))
        )
    with pytest.raises(ValueError, match="scores must have shape"):
        P.write_predictions_json(
            tmp_path / "x.json", ["a"], [0], np.zeros((1, 16, 2)), np.zeros((1, 15))
        )
