"""models.saving: the one loader refuses what is not a PoseGateModel."""

import zipfile

import keras
import numpy as np
import pytest

from keras_posegate.inference import load_predictor
from keras_posegate.models import PoseGateModel
from keras_posegate.models.saving import (
    check_posegate_model,
    load_keras_model,
    read_model_config,
)
from tests.helpers import TINY


def test_a_posegate_model_loads_with_its_config(tmp_path):
    model = PoseGateModel(**TINY)
    path = str(tmp_path / "m.keras")
    model.save(path)
    loaded = load_keras_model(path)
    assert isinstance(loaded, PoseGateModel)
    assert loaded.config_record == model.config_record
    assert not loaded.compiled
    x = np.random.default_rng(0).uniform(size=(1, 64, 64, 3)).astype("float32")
    np.testing.assert_allclose(loaded(x), model(x), atol=1e-6)


def test_another_keras_model_is_refused_naming_the_file(tmp_path):
    inputs = keras.Input((8, 8, 3))
    plain = keras.Model(inputs, keras.layers.Conv2D(2, 1)(inputs))
    path = str(tmp_path / "plain.keras")
    plain.save(path)
    with pytest.raises(ValueError, match=r"plain\.keras: not a keras_posegate model"):
        load_keras_model(path)
    with pytest.raises(ValueError, match="holds a Functional"):
        load_predictor(path)


def test_check_accepts_only_posegate_models():
    check_posegate_model(PoseGateModel(**TINY), "in memory")
    with pytest.raises(ValueError, match="in memory: not a keras_posegate model"):
        check_posegate_model(keras.Sequential([keras.layers.Dense(1)]), "in memory")


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="gone.keras: no such model file"):
        load_keras_model(str(tmp_path / "gone.keras"))


def test_the_config_is_read_without_loading_and_only_from_posegate_models(tmp_path):
    path = str(tmp_path / "m.keras")
    PoseGateModel(**TINY).save(path)
    config = read_model_config(path)
    assert {key: config[key] for key in TINY} == TINY
    inputs = keras.Input((8, 8, 3))
    plain = str(tmp_path / "plain.keras")
    keras.Model(inputs, keras.layers.Conv2D(2, 1)(inputs)).save(plain)
    (tmp_path / "text.keras").write_text("not a zip")
    with zipfile.ZipFile(tmp_path / "empty.keras", "w") as archive:
        archive.writestr("metadata.json", "{}")
    for name in ("plain", "text", "empty", "gone"):
        assert read_model_config(str(tmp_path / f"{name}.keras")) is None, name
