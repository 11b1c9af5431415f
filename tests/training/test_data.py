"""Training sources: one directory, or the union of several (LSP + LSPET)."""

from __future__ import annotations

import pytest

from keras_posegate.codec import HeatmapCodec
from keras_posegate.data import build_dataset
from keras_posegate.data.prepare import prepare
from keras_posegate.data.sources import resolve_sources
from keras_posegate.datasets.info import LSP
from keras_posegate.datasets.synthetic import write_sample_dataset


@pytest.fixture(scope="module")
def lsp_pair(tmp_path_factory):
    """A 6-image LSP (3x14xN) and a 5-image LSP-extended (14x3xN) root."""
    root = tmp_path_factory.mktemp("lsp_pair")
    write_sample_dataset(root / "lsp", "lsp", 6, seed=0, image_size=(96, 96))
    write_sample_dataset(
        root / "lspet", "lsp", 5, seed=1, image_size=(96, 96), lsp_layout="extended"
    )
    return root


def _count(source) -> int:
    ds = build_dataset(source, LSP, HeatmapCodec(64), 1, 4, training=False)
    return sum(int(images.shape[0]) for images, _ in ds)


def test_raw_roots_train_on_the_union(lsp_pair):
    lsp, lspet = str(lsp_pair / "lsp"), str(lsp_pair / "lspet")
    alone, _ = resolve_sources("lsp", lsp)
    both, _ = resolve_sources("lsp", f"{lsp}, {lspet}")
    assert len(alone) == 6 and len(both) == 11
    assert {r.image_path.split("/")[-3] for r in both} == {"lsp", "lspet"}
    assert _count(both) == 11


def test_tfrecord_dirs_train_on_the_union(lsp_pair):
    dirs = []
    for name in ("lsp", "lspet"):
        out = lsp_pair / f"{name}_tfr"
        prepare("lsp", lsp_pair / name, out, "train", num_shards=2, progress=False)
        dirs.append(str(out))
    train, val = resolve_sources("lsp", ",".join(dirs))
    assert train == dirs and val is None
    assert _count(train) == 11


def test_mixed_or_missing_directories_are_named(lsp_pair, tmp_path):
    raw = str(lsp_pair / "lsp")
    tfr = tmp_path / "tfr"
    prepare("lsp", raw, tfr, "train", num_shards=1, progress=False)
    with pytest.raises(ValueError, match="all TFRecords or all raw"):
        resolve_sources("lsp", f"{raw},{tfr}")
    with pytest.raises(FileNotFoundError, match="nowhere"):
        resolve_sources("lsp", f"{raw},{tmp_path / 'nowhere'}")


def test_tfrecord_dirs_of_different_layouts_are_refused(lsp_pair, tmp_path):
    write_sample_dataset(tmp_path / "mpii", "mpii", 4, seed=2, image_size=(96, 96))
    prepare("mpii", tmp_path / "mpii", tmp_path / "m", "train", 1, progress=False)
    prepare("lsp", lsp_pair / "lsp", tmp_path / "l", "train", 1, progress=False)
    with pytest.raises(ValueError, match=r"one dataset layout.*mpii, 16 joints"):
        build_dataset([str(tmp_path / "m"), str(tmp_path / "l")], LSP,
                      HeatmapCodec(64), 1, 2, training=True, seed=0)  # fmt: skip


def test_cache_images_reaches_both_pipelines_with_the_same_crops(tmp_path):
    import numpy as np

    from keras_posegate.datasets.info import MPII
    from keras_posegate.training.config import TrainConfig
    from keras_posegate.training.data import train_and_val_datasets

    write_sample_dataset(tmp_path / "mpii", "mpii", 10, seed=0, image_size=(96, 96))
    out = tmp_path / "tfr"
    for split in ("train", "valid"):
        prepare("mpii", tmp_path / "mpii", out / split, split, num_shards=1,
                progress=False)  # fmt: skip
    found = {}
    for cache in (False, True):
        config = TrainConfig(preset="posegate_tiny", data_dir=str(out),
                             batch_size=2, cache_images=cache)  # fmt: skip
        _, val = train_and_val_datasets(config, MPII, HeatmapCodec(64), 1)
        found[cache] = np.concatenate([images.numpy() for images, _ in val])
    assert len(found[True]) == len(found[False]) > 0
    np.testing.assert_allclose(found[True], found[False], atol=2 / 255)
    # The second pass reads memory, not the files (gone now).
    for shard in (out / "valid").glob("*.tfrecord*"):
        shard.unlink()
    again = np.concatenate([images.numpy() for images, _ in val])
    np.testing.assert_array_equal(again, found[True])
