import os

from keras_posegate.data.prepare import load_records
from keras_posegate.datasets.synthetic import write_sample_dataset


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
