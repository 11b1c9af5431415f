import os

import pytest

from keras_posegate.data.prepare import load_records, prepare
from keras_posegate.datasets.synthetic import write_sample_dataset
from keras_posegate.errors import DataError


def test_records_from_a_relative_source_point_at_existing_images(tmp_path, monkeypatch):
    write_sample_dataset(
        str(tmp_path / "synth"), "mpii", 12, seed=0, image_size=(96, 96)
    )
    monkeypatch.chdir(tmp_path)
    for split in ("train", "valid"):
        records, _ = load_records("mpii", "synth", split)
        assert records
        assert all(os.path.isabs(r.image_path) for r in records)
        assert all(os.path.isfile(r.image_path) for r in records)


def test_mpii_valid_and_test_splits_of_the_official_file_say_what_to_do(tmp_path):
    write_sample_dataset(str(tmp_path), "mpii", 8, seed=0, image_size=(64, 64))
    (tmp_path / "annot" / "valid.json").unlink()  # official .mat only
    with pytest.raises(DataError, match="only train and test.*annot/valid.json"):
        load_records("mpii", tmp_path, "valid")
    with pytest.raises(DataError, match="no joint annotations.*posegate predict"):
        prepare("mpii", tmp_path, tmp_path / "out", split="test", progress=False)
    assert not (tmp_path / "out").exists()


def test_prepare_refuses_to_write_an_empty_dataset(tmp_path):
    write_sample_dataset(str(tmp_path), "lsp", 3, seed=0, image_size=(64, 64))
    # 3 images, all in LSP's training range (1..1000): the test split is empty.
    with pytest.raises(DataError, match="no lsp persons to write for split 'test'"):
        prepare("lsp", tmp_path, tmp_path / "out", split="test", progress=False)
