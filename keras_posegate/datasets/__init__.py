"""Datasets: facts as data (`info`), per-person records, and format readers.

The synthetic sample data (`synthetic.write_sample_dataset`) lives in its own
module so that importing the readers does not import OpenCV.
"""

from keras_posegate.datasets.common import ReadReport
from keras_posegate.datasets.info import LSP, MPII, DatasetInfo, get_info
from keras_posegate.datasets.lsp import read_lsp
from keras_posegate.datasets.mpii import read_gt_valid, read_mpii_json, read_mpii_mat
from keras_posegate.datasets.records import PersonRecord

__all__ = [
    "LSP",
    "MPII",
    "DatasetInfo",
    "PersonRecord",
    "ReadReport",
    "get_info",
    "read_gt_valid",
    "read_lsp",
    "read_mpii_json",
    "read_mpii_mat",
]
