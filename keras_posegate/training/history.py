"""`history.csv`, kept in step with the backup.

`CSVLogger` writes an epoch's row before the backup of that epoch is written,
so a run killed in between has a row for an epoch that will be trained again;
on resume `trim_history` drops such rows, so `history.csv` has each epoch
exactly once. Reading tolerates what two runs writing at once (before runs
were locked) leave behind: a repeated header and epochs written twice.
"""

from __future__ import annotations

import csv
import math
import os

# The one atomic-write helper of the package, for now in evaluation/.
from keras_posegate.fileio import atomic_write_text

HISTORY_FILE = "history.csv"


def _parse(path: str) -> tuple[list[str], list[dict], bool]:
    """Parse `history.csv` into `(header, rows, clean)`.

    One row per epoch (the last written wins), in epoch order; `clean` is False
    when repeated headers, malformed lines or repeated epochs were left out.
    """
    with open(path, newline="") as f:
        lines = [line for line in csv.reader(f) if line]
    if not lines:
        return [], [], True
    header, by_epoch, count = lines[0], {}, 0
    for line in lines[1:]:
        if len(line) != len(header) or not line[0].strip().isdigit():
            continue  # a repeated header or a cut line
        by_epoch[int(line[0])] = dict(zip(header, line, strict=True))
        count += 1
    clean = count == len(lines) - 1 == len(by_epoch)
    return header, [by_epoch[e] for e in sorted(by_epoch)], clean


def read_history(model_dir: str) -> list[dict]:
    """Read the rows of `history.csv`, one per epoch in order (empty when none).

    Args:
        model_dir: the run's directory.

    Returns:
        One dict per epoch, column name to its text as written.
    """
    path = os.path.join(model_dir, HISTORY_FILE)
    if not os.path.isfile(path):
        return []
    return _parse(path)[1]


def trim_history(model_dir: str, completed: int) -> int:
    """Keep one row of `history.csv` for each epoch `< completed`.

    The later epochs will be trained again; repeated headers and epochs are
    dropped too. The file is rewritten atomically, only when that changes it.

    Args:
        model_dir: the run's directory.
        completed: epochs completed according to the backup.

    Returns:
        The number of lines dropped.
    """
    path = os.path.join(model_dir, HISTORY_FILE)
    if not os.path.isfile(path):
        return 0
    header, rows, clean = _parse(path)
    kept = [r for r in rows if int(r["epoch"]) < completed]
    if clean and len(kept) == len(rows):
        return 0
    with open(path, newline="") as f:
        before = sum(1 for line in f if line.strip()) - 1
    lines = [",".join(header)] + [",".join(r[k] for k in header) for r in kept]
    atomic_write_text(path, "\n".join(lines) + "\n")
    return before - len(kept)


def best_so_far(model_dir: str, monitor: str, higher_is_better: bool) -> float:
    """Find the best finite `monitor` value in `history.csv`.

    Args:
        model_dir: the run's directory.
        monitor: the column to read.
        higher_is_better: take the highest value, else the lowest.

    Returns:
        The best value; -inf (higher is better) or +inf when there is none.
    """
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
