"""Pose-estimation accuracy in pure numpy.

MPII PCKh (official rules) and its AUC (`pckh`), LSP PCK with the torso rule
(`pck`), and the `PCKResult` both return (`result`).

Conventions shared by every function here:

* `pred` and `gt` are `(N, J, 2)` arrays of (x, y) in the same pixel frame
  (original-image pixels; the 0- or 1-based offset cancels out).
* A ground-truth joint is *annotated* when both coordinates are finite; NaN
  marks a missing joint (the `PersonRecord` convention). Missing joints are not
  counted; occluded-but-annotated joints are counted, as in the MPII toolkit.
* A non-finite prediction for an annotated joint counts as wrong.
* Per-joint accuracies are percentages; a joint with no annotation anywhere
  gets NaN. The mean is weighted by annotated counts (HRNet's `jnt_ratio`),
  i.e. total correct / total counted over the joints in the mean.
"""

from keras_posegate.evaluation.metrics.pck import pck_torso
from keras_posegate.evaluation.metrics.pckh import AUC_STEP, SC_BIAS, pckh, pckh_auc
from keras_posegate.evaluation.metrics.result import PCKResult

__all__ = ["AUC_STEP", "SC_BIAS", "PCKResult", "pck_torso", "pckh", "pckh_auc"]
