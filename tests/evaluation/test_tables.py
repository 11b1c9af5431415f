"""Paper tables: published rows verbatim, our row beside them."""

import json
import os
import re
from pathlib import Path

import numpy as np
import pytest

from keras_posegate.evaluation import tables
from keras_posegate.evaluation.metrics import pck_torso, pckh

PAPER = "/work/shared/paper/soft-gated-skip-connections.md"


def _mpii_result():
    gt = np.full((2, 16, 2), 100.0)
    pred = gt.copy()
    pred[0, 0] += 100  # r_ankle wrong once: Ankle column = 0.5 * (50 + 100)
    boxes = np.array([[0, 0, 30, 40]] * 2, np.float64)
    return pckh(pred, gt, boxes)


def test_mpii_table_has_paper_rows_and_ours():
    text = tables.format_table("mpii", _mpii_result(), split="MPII val")
    assert "Table V" in text and "MPII test set" in text
    line = next(ln for ln in text.splitlines() if ln.startswith("Newell et al."))
    assert line.split()[-9:] == [
        "98.2",
        "96.3",
        "91.2",
        "87.1",
        "90.1",
        "87.4",
        "83.6",
        "90.9",
        "[P]",
    ]
    ours = next(ln for ln in text.splitlines() if ln.startswith("Ours (measured)"))
    # Ankle 75.0, Total 100 * 27 / 28 (one wrong of 28 counted) = 96.4.
    assert ours.split()[-9:] == (["100.0"] * 6 + ["75.0", "96.4", "[M]"])
    assert "Paper: Ours (small), 4x144, 8.5M" in text
    assert "published" in text and "MPII val" in text


def test_lsp_table_and_labels():
    gt = np.random.default_rng(0).uniform(0, 300, (3, 14, 2))
    r = pck_torso(gt, gt)
    text = tables.format_table("lsp", [("A", r), ("B", r)], split="LSP test")
    assert "Table VI" in text and "PCK@0.2" in text
    assert "Chou et al., CVPR-W'17 [7]" in text
    rows = [ln for ln in text.splitlines() if ln.startswith(("A ", "B "))]
    assert len(rows) == 2 and all(ln.endswith("[M]") for ln in rows)


def test_json_form():
    doc = json.loads(tables.table_to_json("mpii", _mpii_result(), split="val"))
    assert doc["paper_table"] == "Table V"
    published = [r for r in doc["rows"] if r["published"]]
    assert len(published) == len(tables.TABLE_V_MPII_TEST) == 22
    ours = [r for r in doc["rows"] if not r["published"]]
    assert ours[0]["Ankle"] == pytest.approx(75.0)
    assert ours[0]["source"].startswith("measured: PCKh@0.5")


def test_unknown_dataset():
    with pytest.raises(ValueError, match="dataset must be one of"):
        tables.format_table("coco", _mpii_result())


def test_params_table():
    text = tables.format_params_table("8.4M", 90.2)
    assert "Tang et al [35]" in text and "10.1M" in text
    assert text.splitlines()[-2].split()[-3:] == ["8.4M", "90.2", "[M]"]


def _paper_rows(header_line: int) -> list[tuple[str, tuple[float, ...]]]:
    lines = Path(PAPER).read_text(encoding="utf-8").splitlines()
    rows = []
    for ln in lines[header_line:]:
        if "\t" not in ln:
            break
        name, *vals = ln.split("\t")
        rows.append((name, tuple(float(v) for v in vals)))
    return rows


@pytest.mark.skipif(not os.path.exists(PAPER), reason="paper text not available")
def test_published_numbers_match_the_paper_file():
    text = Path(PAPER).read_text(encoding="utf-8").splitlines()
    headers = [i for i, ln in enumerate(text) if ln.startswith("Method\tHead\t")]
    assert len(headers) == 2
    assert _paper_rows(headers[0] + 1) == list(tables.TABLE_V_MPII_TEST)
    assert _paper_rows(headers[1] + 1) == list(tables.TABLE_VI_LSP_TEST)
    vii = next(i for i, ln in enumerate(text) if ln.startswith("Method\tYang"))
    params = text[vii + 1].split("\t")[1:]
    pck = [float(re.sub(r"<[^>]+>|%", "", v)) for v in text[vii + 2].split("\t")[1:]]
    assert [(p, v) for _, p, v in tables.TABLE_VII_MPII_TEST] == list(
        zip(params, pck, strict=True)
    )
