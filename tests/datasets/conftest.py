"""Small synthetic datasets shared by the dataset tests (written once per run)."""

import pytest

from keras_posegate.datasets.synthetic import write_sample_dataset

NUM = 10  # 2 test images, 8 train (2 of them in valid.json), + 2 quirk images.


@pytest.fixture(scope="session")
def mpii_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("mpii")
    summary = write_sample_dataset(out, "mpii", NUM, seed=3, image_size=(96, 96))
    return out, summary


@pytest.fixture(scope="session")
def lsp_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("lsp")
    summary = write_sample_dataset(out, "lsp", 6, seed=4, image_size=(80, 96))
    return out, summary
