"""Official annotation files -> TFRecords (the library behind `posegate prepare`).

Source directory layouts understood:

* MPII: `annot/{split}.json` (HRNet/mmpose style; with `annot/gt_valid.mat`
  for the valid split when present), else `mpii_human_pose_v1_u12_1.mat`
  anywhere up to two levels down (official release; splits train/test).
  Images in `images/`.
* LSP: `joints.mat` and `images/`.
"""

from __future__ import annotations

import os
from pathlib import Path

from keras_posegate.data.tfrecords import WriteReport, write_tfrecords
from keras_posegate.datasets.records import PersonRecord

SPLITS = ("train", "valid", "test")


def _find(source: Path, name: str) -> Path | None:
    for pattern in (name, f"*/{name}", f"*/*/{name}"):
        found = sorted(source.glob(pattern))
        if found:
            return found[0]
    return None


def load_records(
    dataset: str, source: str | os.PathLike, split: str, images_dir: str | None = None
) -> tuple[list[PersonRecord], object]:
    """Read a dataset's annotations with the format readers.

    Returns:
        `(records, reader_skip_report)`, image paths made absolute against
        `images_dir` (default `source/images`).
    """
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}. Received: split={split!r}")
    source = Path(source)
    images = (Path(images_dir) if images_dir else source / "images").resolve()
    if dataset == "mpii":
        from keras_posegate.datasets import mpii

        json_path = source / "annot" / f"{split}.json"
        if json_path.is_file():
            gt = source / "annot" / "gt_valid.mat"
            gt_valid = str(gt) if split == "valid" and gt.is_file() else None
            records, skipped = mpii.read_mpii_json(
                str(json_path), str(images), gt_path=gt_valid
            )
        else:
            mat = _find(source, "mpii_human_pose_v1_u12_1.mat")
            if mat is None:
                raise FileNotFoundError(
                    f"No annot/{split}.json or mpii_human_pose_v1_u12_1.mat under {source}."
                )
            records, skipped = mpii.read_mpii_mat(str(mat), str(images), split=split)
    elif dataset == "lsp":
        from keras_posegate.datasets import lsp

        records, skipped = lsp.read_lsp(
            str(source / "joints.mat"), str(images), split=split
        )
    else:
        raise ValueError(
            f"dataset must be 'mpii' or 'lsp'. Received: dataset={dataset!r}"
        )
    for r in records:
        if not Path(r.image_path).is_absolute():
            r.image_path = str(images / r.image_path)
    return list(records), skipped


def prepare(
    dataset: str,
    source: str | os.PathLike,
    out: str | os.PathLike,
    split: str = "train",
    num_shards: int = 16,
    images_dir: str | None = None,
    progress: bool = True,
) -> tuple[WriteReport, object]:
    """Read annotations and write them as TFRecords.

    Returns:
        `(write_report, reader_skip_report)`.
    """
    records, reader_skipped = load_records(dataset, source, split, images_dir)
    report = write_tfrecords(records, out, num_shards, dataset, progress=progress)
    return report, reader_skipped
