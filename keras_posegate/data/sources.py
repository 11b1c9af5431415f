"""Where data comes from: TFRecord directories or raw dataset roots.

Training (`resolve_sources`) and evaluation (`resolve_eval_source`) read the
same layouts, so both live here, beside the readers they hand over to.
"""

from __future__ import annotations

import os

# The held-out split of each dataset: MPII's validation set, LSP's test images.
VAL_SPLIT = {"mpii": "valid", "lsp": "test"}


def resolve_sources(dataset: str, data_dir: str):
    """`(train_source, val_source)`: TFRecord directories or record lists.

    `data_dir` may hold TFRecords (`manifest.json`, or `train/` and `valid/`
    subdirectories each with one, as `posegate prepare` writes them), or be a
    raw dataset root in its official format (read with the format readers:
    MPII `annot/train.json` + `annot/valid.json` + `gt_valid.mat`, or the
    official `.mat`; LSP `joints.mat`).

    Several comma-separated directories train on the union of their training
    splits (LSP + LSP-extended, as the paper fine-tunes); validation is the
    first one that has a validation split. They must all be TFRecords or all
    raw roots.

    Args:
        dataset: "mpii" or "lsp".
        data_dir: one directory, or several separated by commas.

    Returns:
        `(train, val)`: each a TFRecord directory (or a list of them for
        `train`), a list of `PersonRecord`s, or None for a missing `val`.
    """
    dirs = [d.strip() for d in str(data_dir or "").split(",") if d.strip()]
    if not dirs:
        raise FileNotFoundError(f"data_dir {data_dir!r} is not a directory.")
    resolved = [_resolve_one(dataset, d) for d in dirs]
    val = next((v for _, v in resolved if v is not None), None)
    if len(resolved) == 1:
        return resolved[0][0], val
    trains = [t for t, _ in resolved]
    if all(isinstance(t, str) for t in trains):
        return trains, val
    if not any(isinstance(t, str) for t in trains):
        return [r for t in trains for r in t], val
    raise ValueError(
        "data_dir directories must be all TFRecords or all raw dataset roots. "
        f"Received: {', '.join(dirs)}; run `posegate prepare` on the raw ones."
    )


def _resolve_one(dataset: str, data_dir: str):
    if not os.path.isdir(data_dir):
        raise FileNotFoundError(f"data_dir {data_dir!r} is not a directory.")
    manifest = os.path.join(data_dir, "manifest.json")
    if os.path.isfile(manifest):
        return data_dir, None
    train_dir, val_dir = (os.path.join(data_dir, s) for s in ("train", "valid"))
    if os.path.isfile(os.path.join(train_dir, "manifest.json")):
        has_val = os.path.isfile(os.path.join(val_dir, "manifest.json"))
        return train_dir, (val_dir if has_val else None)
    from keras_posegate.data.prepare import load_records

    train, _ = load_records(dataset, data_dir, "train")
    try:
        val, _ = load_records(dataset, data_dir, VAL_SPLIT[dataset])
    except (FileNotFoundError, ValueError):
        val = None
    return train, (val or None)


def resolve_eval_source(dataset: str, data_dir: str, split: str):
    """Find the evaluation source in `data_dir`.

    That is a TFRecord directory (`data_dir` or its `valid/`), or the records
    of `split` read from a raw dataset root.

    Args:
        dataset: "mpii" or "lsp".
        data_dir: TFRecords (`posegate prepare`) or a raw dataset root.
        split: the raw split to read ("valid", "test", ...).

    Returns:
        A TFRecord directory, or a list of `PersonRecord`s.
    """
    for candidate in (data_dir, os.path.join(data_dir, "valid")):
        if os.path.isfile(os.path.join(candidate, "manifest.json")):
            return candidate
    from keras_posegate.data.prepare import load_records

    records, _ = load_records(dataset, data_dir, split)
    return records
