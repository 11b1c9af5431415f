"""A short training run on synthetic MPII data, then `evaluate` on its model."""

from __future__ import annotations

import csv
import json
import os

import numpy as np
import pytest

from keras_posegate.data.sources import resolve_eval_source
from keras_posegate.evaluation.evaluate import evaluate
from keras_posegate.evaluation.metrics import pckh
from keras_posegate.evaluation.predictions import (
    read_mpii_pred_mat,
    read_predictions_json,
)
from keras_posegate.training import train
from keras_posegate.training.schedule import learning_rate
from tests.training.conftest import tiny_config


@pytest.fixture(scope="module")
def run_dir(mpii_dir, tmp_path_factory) -> str:
    model_dir = str(tmp_path_factory.mktemp("run"))
    history = train(tiny_config(mpii_dir, model_dir), verbose=0)
    assert len(history.history["loss"]) == 2
    return model_dir


def test_run_writes_config_history_and_models(run_dir, mpii_dir):
    for name in ("train_config.json", "history.csv", "last.keras", "best.keras"):
        assert os.path.isfile(os.path.join(run_dir, name)), name
    with open(os.path.join(run_dir, "train_config.json")) as f:
        saved = json.load(f)
    assert (
        saved["data_dir"] == mpii_dir and saved["model_config_overrides"]["width"] == 16
    )
    with open(os.path.join(run_dir, "history.csv")) as f:
        rows = list(csv.DictReader(f))
    assert [int(r["epoch"]) for r in rows] == [0, 1]
    for row in rows:
        assert np.isfinite(float(row["loss"]))
    # The logged validation PCKh is the official evaluation of that epoch's model
    # on the validation people (no flip test, as the callback runs it).
    last = evaluate(
        os.path.join(run_dir, "last.keras"),
        resolve_eval_source("mpii", mpii_dir, "valid"),
        "mpii",
        flip=False,
    )
    assert float(rows[-1]["val_pck"]) == pytest.approx(
        last["metrics"]["pckh@0.5"].mean, abs=1e-3)  # fmt: skip
    expected = [learning_rate(e, 2, 2.5e-4, 1e-5, (75, 100, 150)) for e in (0, 1)]
    assert [float(r["learning_rate"]) for r in rows] == pytest.approx(expected)
    assert not [n for n in os.listdir(run_dir) if n.startswith(".tmp")]


def test_evaluate_prints_table_v_and_writes_predictions(run_dir, mpii_dir, tmp_path):
    source = resolve_eval_source("mpii", mpii_dir, "valid")
    prefix = str(tmp_path / "preds")
    result = evaluate(
        os.path.join(run_dir, "best.keras"), source, "mpii", flip=True,
        batch_size=4, predictions_out=prefix, split_label="synthetic valid",
    )  # fmt: skip
    table = result["table"]
    for column in ("Head", "Sho.", "Elb.", "Wri.", "Hip", "Knee", "Ank.", "Total"):
        assert column in table
    assert "Ours (measured)" in table and "Newell et al., ECCV'16" in table
    assert "synthetic valid" in table and "PCKh@0.1 mean" in table
    scores, pred = result["metrics"], result["predictions"]
    recount = pckh(pred["joints"], pred["gt"], pred["head_boxes"])
    assert scores["pckh@0.5"].mean == pytest.approx(recount.mean)
    assert scores["pckh@0.5"].mean >= scores["pckh@0.1"].mean
    num = len(source)
    preds = read_predictions_json(prefix + ".json")
    assert np.asarray(preds["joints"]).shape == (num, 16, 2)
    pred_mat = read_mpii_pred_mat(prefix + "_pred.mat")
    np.testing.assert_allclose(pred_mat, preds["joints"], atol=1e-3)  # JSON: 3 decimals
    assert result["skipped"]["kept"] == num


def test_foreground_weight_reaches_fit_and_the_multi_worker_loss():
    import tensorflow as tf

    from keras_posegate.losses import MaskedHeatmapMSE
    from keras_posegate.models import PoseGateModel
    from keras_posegate.training import TrainConfig
    from keras_posegate.training.model_setup import compile_model
    from keras_posegate.training.mw_loop import replica_loss

    model = PoseGateModel.from_preset("posegate_tiny", input_size=32, width=8)
    compile_model(model, TrainConfig(foreground_weight=4.0))
    assert [loss.foreground_weight for loss in model.loss] == [4.0] * model.num_stacks
    rng = np.random.default_rng(0)
    images = rng.random((2, 32, 32, 3)).astype(np.float32)
    outputs = model(images, training=True)  # BN in training mode, as the loop
    targets = [rng.random(o.shape).astype(np.float32) for o in outputs]
    weights = [np.ones((2, o.shape[-1]), np.float32) for o in outputs]
    fit_loss = MaskedHeatmapMSE(foreground_weight=4.0)
    want = sum(float(fit_loss(t, o, sample_weight=w))
               for t, o, w in zip(targets, outputs, weights, strict=True))  # fmt: skip
    got = float(replica_loss(model, tf.constant(images), targets, weights, 2, 4.0))
    plain = float(replica_loss(model, tf.constant(images), targets, weights, 2))
    assert got == pytest.approx(want, rel=1e-4)
    assert abs(got - plain) > 0.1 * plain
