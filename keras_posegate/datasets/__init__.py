"""Datasets: facts as data (`info`), per-person records, and format readers."""

from keras_posegate.datasets.info import LSP, MPII, DatasetInfo, get_info
from keras_posegate.datasets.records import PersonRecord

__all__ = ["LSP", "MPII", "DatasetInfo", "PersonRecord", "get_info"]
