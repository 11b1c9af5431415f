"""MPII readers: the official `.mat` file and the HRNet / mmpose JSON files.

- `official.read_mpii_mat`: `mpii_human_pose_v1_u12_1.mat`, every split.
- `hrnet_json.read_mpii_json`: `annot/train.json`, `valid.json`, `test.json`.
- `gt_valid.read_gt_valid`: `annot/gt_valid.mat`, the head boxes and ground
  truth that `read_mpii_json` joins to `valid.json`.

Both formats use 1-based MATLAB pixels; every coordinate returned (joints,
centre, head box) has 1 subtracted. Centre and scale are returned as the file
gives them: HRNet's training-time adjustments (`center[1] += 15 * scale`,
`scale *= 1.25`) belong to the crop, not here. Each reader returns
`(records, ReadReport)`; what it skipped or noticed is counted in the report
(each module's docstring lists the reasons).
"""

from keras_posegate.datasets.mpii.gt_valid import read_gt_valid
from keras_posegate.datasets.mpii.hrnet_json import read_mpii_json
from keras_posegate.datasets.mpii.official import read_mpii_mat

__all__ = ["read_gt_valid", "read_mpii_json", "read_mpii_mat"]
