"""Paper-style result tables, as fixed-width text or JSON.

Our measured row(s) are printed beside the rows the paper publishes (Bulat et
al., FG 2020).

The published numbers are copied verbatim from the paper: Table V (PCKh@0.5,
MPII *test* set), Table VI (PCK@0.2, LSP *test* set) and Table VII (parameters
and PCKh, MPII test set). They are published figures, not measured here; our
rows usually come from another split (e.g. MPII validation), so the two are
comparable only loosely - the printed legend says so.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence

import numpy as np

from keras_posegate.evaluation.metrics import PCKResult

COLUMNS = ("Head", "Shoulder", "Elbow", "Wrist", "Hip", "Knee", "Ankle", "Total")
HEADERS = ("Head", "Sho.", "Elb.", "Wri.", "Hip", "Knee", "Ank.", "Total")

# Paper Table V: PCKh@0.5 on the MPII test set (published figures).
TABLE_V_MPII_TEST = (
    ("Pishchulin et al., CVPR'16 [26]", (94.1, 90.2, 83.4, 77.3, 82.6, 75.7, 68.6, 82.4)),
    ("Lifshitz et al., ECCV'16 [21]", (97.8, 93.3, 85.7, 80.4, 85.3, 76.6, 70.2, 85.0)),
    ("Gkioxary et al., ECCV'16", (96.2, 93.1, 86.7, 82.1, 85.2, 81.4, 74.1, 86.1)),
    ("Rafi et al., BMVC'16 [27]", (97.2, 93.9, 86.4, 81.3, 86.8, 80.6, 73.4, 86.3)),
    ("Belagiannis&Zisserman, FG'17 [2]", (97.7, 95.0, 88.2, 83.0, 87.9, 82.6, 78.4, 88.1)),
    ("Insafutdinov et al., ECCV'16 [15]", (96.8, 95.2, 89.3, 84.4, 88.4, 83.4, 78.0, 88.5)),
    ("Wei et al., CVPR'16 [38]", (97.8, 95.0, 88.7, 84.0, 88.4, 82.8, 79.4, 88.5)),
    ("Bulat&Tzimiropoulos, ECCV'16 [3]", (97.9, 95.1, 89.9, 85.3, 89.4, 85.7, 81.7, 89.7)),
    ("Newell et al., ECCV'16 [23]", (98.2, 96.3, 91.2, 87.1, 90.1, 87.4, 83.6, 90.9)),
    ("Ning et al., TMM'18[24]", (98.1, 96.3, 92.2, 87.8, 90.6, 87.6, 82.7, 91.2)),
    ("Chu et al., CVPR'17 [8]", (98.5, 96.3, 91.9, 88.1, 90.6, 88.0, 85.0, 91.5)),
    ("Chou et al., arXiv'17 [7]", (98.2, 96.8, 92.2, 88.0, 91.3, 89.1, 84.9, 91.8)),
    ("Chen et al., ICCV'17 [6]", (98.1, 96.5, 92.5, 88.5, 90.2, 89.6, 86.0, 91.9)),
    ("Yang et al., ICCV'17 [39]", (98.5, 96.7, 92.5, 88.7, 91.1, 88.6, 86.0, 92.0)),
    ("Ke et al., ECCV'18 [19]", (98.5, 96.8, 92.7, 88.4, 90.6, 89.4, 86.3, 92.1)),
    ("Tang et al., ECCV'18 [33]", (98.4, 96.9, 92.6, 88.7, 91.8, 89.4, 86.2, 92.3)),
    ("Chen et al., TPAMI'19 [5]", (98.1, 96.5, 92.5, 88.5, 90.2, 89.6, 86.0, 91.9)),
    ("Ryou et al., CVPR'19 [29]", (98.6, 96.6, 92.3, 87.8, 90.8, 88.8, 86.0, 91.9)),
    ("Sun et al., CVPR'19 [32]", (98.6, 96.9, 92.8, 89.0, 91.5, 89.0, 85.7, 92.3)),
    ("Ours (small)", (98.5, 96.4, 91.5, 87.2, 90.7, 86.9, 83.6, 91.1)),
    ("Ours", (98.6, 97.0, 93.0, 89.2, 91.7, 88.9, 86.0, 92.4)),
    ("Ours*", (98.8, 97.5, 94.4, 91.2, 93.2, 92.2, 89.3, 94.1)),
)  # fmt: skip

# Paper Table VI: PCK@0.2 on the LSP test set (published figures).
TABLE_VI_LSP_TEST = (
    ("Yang et al., CVPR'16 [40]", (90.6, 78.1, 73.8, 68.8, 74.8, 69.9, 58.9, 73.6)),
    ("Rafi et al., BMVC'16 [27]", (95.8, 86.2, 79.3, 75.0, 86.6, 83.8, 79.8, 83.8)),
    ("Yu et al., ECCV'16 [41]", (87.2, 88.2, 82.4, 76.3, 91.4, 85.8, 78.7, 84.3)),
    ("Belagiannis&Zisserman, FG'17 [2]", (95.2, 89.0, 81.5, 77.0, 83.7, 87.0, 82.8, 85.2)),
    ("Lifshitz et al., ECCV'16 [21]", (96.8, 89.0, 82.7, 79.1, 90.9, 86.0, 82.5, 86.7)),
    ("Pishchulin et al., CVPR'16 [26]", (97.0, 91.0, 83.8, 78.1, 91.0, 86.7, 82.0, 87.1)),
    ("Insafutdinov et al., ECCV'16 [15]", (97.4, 92.7, 87.5, 84.4, 91.5, 89.9, 87.2, 90.1)),
    ("Wei et al., CVPR'16 [38]", (97.8, 92.5, 87.0, 83.9, 91.5, 90.8, 89.9, 90.5)),
    ("Bulat&Tzimiropoulos, ECCV'16 [3]", (97.2, 92.1, 88.1, 85.2, 92.2, 91.4, 88.7, 90.7)),
    ("Chu et al., CVPR'17 [8]", (98.1, 93.7, 89.3, 86.9, 93.4, 94.0, 92.5, 92.6)),
    ("Yang et al., ICCV'17 [39]", (98.3, 94.5, 92.2, 88.9, 94.7, 95.0, 93.7, 93.9)),
    ("Ning et al., TMM'18 [24]", (98.2, 94.4, 91.8, 89.3, 94.7, 95.0, 93.5, 93.9)),
    ("Chou et al., CVPR-W'17 [7]", (98.2, 94.9, 92.2, 89.5, 94.2, 95.0, 94.1, 94.0)),
    ("Ours", (98.7, 95.7, 93.1, 90.3, 95.8, 95.6, 94.8, 94.8)),
)  # fmt: skip

# Paper Table VII: parameters and PCKh on the MPII test set (published figures).
TABLE_VII_MPII_TEST = (
    ("Yang et al. [39]", "28M", 92.0),
    ("Wei et al. [38]", "29.7M", 88.5),
    ("Bulat&Tzimiropoulos [3]", "58.1M", 89.7),
    ("Chu et al. [8]", "58.1M", 91.5),
    ("Newell et al. [23]", "25.5M", 90.9),
    ("Tang et al [35]", "10.1M", 90.8),
    ("Ours", "8.5M", 91.1),
)

# Which paper table goes with which dataset.
PAPER_TABLES = {
    "mpii": ("Table V", "MPII test set", "PCKh@0.5", TABLE_V_MPII_TEST),
    "lsp": ("Table VI", "LSP test set", "PCK@0.2", TABLE_VI_LSP_TEST),
}

# The paper's own rows, named so they cannot be confused with our measured row.
_PAPER_OWN = {
    "Ours (small)": "Paper: Ours (small), 4x144, 8.5M",
    "Ours": "Paper: Ours",
    "Ours*": "Paper: Ours* (HSSK pre-train)",
}
_PAPER_OWN_MPII = {**_PAPER_OWN, "Ours": "Paper: Ours, 4x256, 26M"}


@dataclasses.dataclass(frozen=True)
class TableRow:
    """One table row.

    Attributes:
        method: label printed in the first column.
        values: `(8,)` values in `COLUMNS` order (None where unknown).
        source: where the numbers come from, e.g. "published: paper Table V,
            MPII test set" or "measured: MPII val".
        published: True for figures copied from the paper.
    """

    method: str
    values: tuple[float | None, ...]
    source: str
    published: bool

    def to_dict(self) -> dict:
        """The row as a JSON-ready dict: method, one key per column, provenance."""
        return {
            "method": self.method,
            **dict(zip(COLUMNS, self.values, strict=True)),
            "source": self.source,
            "published": self.published,
        }


def _paper_table(dataset: str):
    if dataset not in PAPER_TABLES:
        raise ValueError(
            f"dataset must be one of {sorted(PAPER_TABLES)}. Received: dataset={dataset!r}"
        )
    return PAPER_TABLES[dataset]


def published_rows(dataset: str) -> list[TableRow]:
    """The paper's rows for "mpii" (Table V) or "lsp" (Table VI).

    Args:
        dataset: "mpii" or "lsp".

    Returns:
        One published `TableRow` per method of the paper's table.
    """
    table, split, _, rows = _paper_table(dataset)
    names = _PAPER_OWN_MPII if dataset == "mpii" else _PAPER_OWN
    source = f"published: paper {table}, {split}"
    return [TableRow(names.get(m, m), v, source, True) for m, v in rows]


def measured_row(
    result: PCKResult, label: str = "Ours (measured)", split: str = ""
) -> TableRow:
    """Our row from a `PCKResult` (its "Mean" column becomes "Total").

    Args:
        result: the measured metric.
        label: the method column.
        split: the split it was measured on, added to the source.

    Returns:
        A measured `TableRow` (None where a column is missing or NaN).
    """
    cols = dict(result.columns)
    cols["Total"] = cols.pop("Mean", result.mean)
    values = tuple(
        float(cols[c]) if c in cols and np.isfinite(cols[c]) else None for c in COLUMNS
    )
    where = f", {split}" if split else ""
    return TableRow(label, values, f"measured: {result.metric}{where}", False)


def _as_labelled(ours) -> list[tuple[str, PCKResult]]:
    if isinstance(ours, PCKResult):
        return [("Ours (measured)", ours)]
    return list(ours)


def comparison_rows(
    dataset: str, ours: PCKResult | Sequence[tuple[str, PCKResult]], split: str = ""
) -> list[TableRow]:
    """Published rows of the paper's table, then ours.

    Args:
        dataset: "mpii" or "lsp".
        ours: one `PCKResult`, or `(label, result)` pairs.
        split: the split ours were measured on.

    Returns:
        The published rows followed by one measured row per result.
    """
    mine = [measured_row(r, label, split) for label, r in _as_labelled(ours)]
    return published_rows(dataset) + mine


def _fmt(v: float | None) -> str:
    return "-" if v is None else f"{v:.1f}"


def format_rows(rows: Sequence[TableRow], title: str = "") -> str:
    """Fixed-width text: method, the 8 columns, and [P]/[M] (published/measured).

    Args:
        rows: the rows to print, in order.
        title: a first line; none when empty.

    Returns:
        The table text.
    """
    width = max([len("Method")] + [len(r.method) for r in rows])
    head = f"{'Method':<{width}} " + " ".join(f"{h:>5}" for h in HEADERS) + "  Src"
    rule = "-" * len(head)
    lines = [title] if title else []
    lines += [head, rule]
    for r in rows:
        cells = " ".join(f"{_fmt(v):>5}" for v in r.values)
        lines.append(f"{r.method:<{width}} {cells}  {'[P]' if r.published else '[M]'}")
    lines.append(rule)
    return "\n".join(lines)


def format_table(
    dataset: str, ours: PCKResult | Sequence[tuple[str, PCKResult]], split: str = ""
) -> str:
    """The paper's Table V ("mpii") or VI ("lsp") with our row(s) appended.

    Args:
        dataset: "mpii" or "lsp".
        ours: a `PCKResult`, or `(label, PCKResult)` pairs.
        split: where ours were measured, e.g. "MPII val (2958 persons)".

    Returns:
        Plain text: title, table, and a legend naming each row's source.
    """
    table, paper_split, metric, _ = _paper_table(dataset)
    labelled = _as_labelled(ours)
    rows = comparison_rows(dataset, labelled, split)
    our_metrics = sorted({r.metric for _, r in labelled})
    title = f"{metric}: paper {table} ({paper_split}) vs. ours"
    legend = [
        f"[P] published figures, copied from Bulat et al. (FG 2020) {table}, "
        f"{metric} on the {paper_split}; not measured here.",
        f"[M] measured by keras_posegate: {', '.join(our_metrics)}"
        + (f" on {split}" if split else "")
        + "; Total = count-weighted mean.",
    ]
    return format_rows(rows, title) + "\n" + "\n".join(legend)


def format_params_table(
    params: str, pckh: float, label: str = "Ours (measured)"
) -> str:
    """Paper Table VII (parameters, PCKh on MPII test; published) plus our row.

    Args:
        params: our parameter count as printed, e.g. "2.8M".
        pckh: our PCKh@0.5 in %.
        label: the method column of our row.

    Returns:
        The table text.
    """
    names = {"Ours": "Paper: Ours (small), 4x144"}
    rows = [(names.get(m, m), p, v, "[P]") for m, p, v in TABLE_VII_MPII_TEST]
    rows.append((label, params, pckh, "[M]"))
    width = max(len(r[0]) for r in rows + [("Method",)])
    lines = [f"{'Method':<{width}} {'Params':>7} {'PCKh':>6}  Src"]
    lines.append("-" * len(lines[0]))
    lines += [f"{m:<{width}} {p:>7} {v:>6.1f}  {s}" for m, p, v, s in rows]
    lines.append("[P] published: paper Table VII, MPII test set. [M] measured here.")
    return "\n".join(lines)


def table_to_json(
    dataset: str, ours: PCKResult | Sequence[tuple[str, PCKResult]], split: str = ""
) -> str:
    """JSON form of `format_table`: rows with values, source and `published`.

    Args:
        dataset: "mpii" or "lsp".
        ours: one `PCKResult`, or `(label, result)` pairs.
        split: the split ours were measured on.

    Returns:
        The JSON text.
    """
    table, paper_split, metric, _ = _paper_table(dataset)
    labelled = _as_labelled(ours)
    doc = {
        "paper_table": table,
        "paper_split": paper_split,
        "paper_metric": metric,
        "columns": list(COLUMNS),
        "rows": [r.to_dict() for r in comparison_rows(dataset, labelled, split)],
        "measured": {label: r.to_dict() for label, r in labelled},
    }
    return json.dumps(doc, indent=1, allow_nan=False)
