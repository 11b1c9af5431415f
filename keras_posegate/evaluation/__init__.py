"""Evaluation: PCKh / PCK metrics, paper-style tables, prediction files."""

from keras_posegate.evaluation.metrics import PCKResult, pck_torso, pckh, pckh_auc
from keras_posegate.evaluation.predictions import (
    read_mpii_pred_mat,
    read_predictions_json,
    write_mpii_pred_mat,
    write_predictions_json,
)
from keras_posegate.evaluation.tables import format_table, table_to_json

__all__ = [
    "PCKResult",
    "format_table",
    "pck_torso",
    "pckh",
    "pckh_auc",
    "read_mpii_pred_mat",
    "read_predictions_json",
    "table_to_json",
    "write_mpii_pred_mat",
    "write_predictions_json",
]
