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
from keras_posegate.datasets.common import SPLITS
from keras_posegate.datasets.records import PersonRecord
from keras_posegate.errors import DataError

MPII_TEST_REFUSED = (
    "--split test: MPII test persons have no joint annotations (the benchmark "
    "scores them on the MPII server), so there is nothing to train or evaluate "
    "on; predict on them with `posegate predict --center X,Y --scale S IMAGE`, "
    "taking each person's centre and scale from "
    "mpii.read_mpii_mat(..., split='test', keep_unannotated=True) or test.json "
    "(read_mpii_json)."
)


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

    Args:
        dataset: "mpii" or "lsp".
        source: the dataset directory (layouts: the module notes).
        split: a split in `SPLITS`.
        images_dir: the images folder (default `source/images`).

    Returns:
        `(records, reader_skip_report)`, image paths made absolute against
        `images_dir` (default `source/images`).

    Raises:
        ValueError: an unknown `dataset` or `split`.
        DataError: MPII's test split (no annotations), or its valid split
            asked of the official `.mat` file (which has none).
        FileNotFoundError: no MPII annotation file under `source`.
    """
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}. Received: split={split!r}")
    source = Path(source)
    images = (Path(images_dir) if images_dir else source / "images").resolve()
    if dataset == "mpii":
        from keras_posegate.datasets import mpii

        if split == "test":
            raise DataError(MPII_TEST_REFUSED)

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
            if split == "valid":
                raise DataError(
                    f"{mat}: the official MPII file has only train and test persons; "
                    "the standard validation split is HRNet's annot/valid.json with "
                    f"annot/gt_valid.mat: put them under {source / 'annot'} (README, "
                    "'Data')."
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

    Args:
        dataset: "mpii" or "lsp".
        source: the dataset directory (layouts: the module notes).
        out: the output directory (see `write_tfrecords`).
        split: a split in `SPLITS`.
        num_shards: number of shard files, >= 1.
        images_dir: the images folder (default `source/images`).
        progress: show a progress bar.

    Returns:
        `(write_report, reader_skip_report)`.

    Raises:
        DataError: the split has no persons to write (and the errors of
            `load_records`).
    """
    records, reader_skipped = load_records(dataset, source, split, images_dir)
    if not records:
        raise DataError(
            f"{source}: no {dataset} persons to write for split {split!r} "
            f"(reader: {reader_skipped})."
        )
    report = write_tfrecords(records, out, num_shards, dataset, progress=progress)
    return report, reader_skipped
