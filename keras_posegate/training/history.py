"""The run's state on disk: the backup's epoch and `history.csv`, kept in step.

`BackupAndRestore` saves after `CSVLogger` has written an epoch's row, so a run
killed in between has a row for an epoch that will be trained again; on resume
`trim_history` drops such rows, so `history.csv` has each epoch exactly once.
"""

from __future__ import annotations

import csv
import json
import math
import os

from keras_posegate.evaluation._io import atomic_write_text

BACKUP_DIR = "backup"
HISTORY_FILE = "history.csv"


def backup_epoch(model_dir: str) -> int:
    """Epochs completed according to the backup (0 when there is none)."""
    path = os.path.join(model_dir, BACKUP_DIR, "training_metadata.json")
    if not os.path.isfile(path):
        return 0
    with open(path) as f:
        return int(json.load(f).get("epoch", 0))


def read_history(model_dir: str) -> list[dict]:
    """The rows of `history.csv` (empty when there is none)."""
    path = os.path.join(model_dir, HISTORY_FILE)
    if not os.path.isfile(path):
        return []
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def trim_history(model_dir: str, completed: int) -> int:
    """Drop the rows of epochs `>= completed` (they will be trained again).
    Returns the number of rows dropped."""
    path = os.path.join(model_dir, HISTORY_FILE)
    rows = read_history(model_dir)
    kept = [r for r in rows if int(r["epoch"]) < completed]
    if len(kept) == len(rows):
        return 0
    with open(path, newline="") as f:
        header = f.readline()
    lines = [header.rstrip("\r\n")]
    fields = next(csv.reader([header]))
    lines += [",".join(r.get(k, "") for k in fields) for r in kept]
    atomic_write_text(path, "\n".join(lines) + "\n")
    return len(rows) - len(kept)


def best_so_far(model_dir: str, monitor: str, higher_is_better: bool) -> float:
    """The best finite `monitor` value in `history.csv`, or +-inf."""
    values = []
    for row in read_history(model_dir):
        try:
            value = float(row.get(monitor, "nan"))
        except ValueError:
            continue
        if math.isfinite(value):
            values.append(value)
    if not values:
        return -math.inf if higher_is_better else math.inf
    return max(values) if higher_is_better else min(values)
