"""Dataset facts as data: joint names, flip pairs, skeleton, colours, tables.

The table entries are the column groups of the paper's result tables.
"""

from __future__ import annotations

import dataclasses

# BGR colours (OpenCV order) for right, left and central limbs.
_RIGHT, _LEFT, _CENTRE = (60, 76, 231), (219, 152, 52), (113, 204, 46)


@dataclasses.dataclass(frozen=True)
class DatasetInfo:
    """Static facts about a keypoint layout.

    Attributes:
        name: dataset name.
        joint_names: names in dataset order.
        flip_pairs: (left, right) index pairs swapped by a horizontal flip.
        skeleton: (a, b) index pairs, the limbs to draw.
        limb_colors: one BGR colour per skeleton edge.
        table_columns: result-table column name -> joint indices averaged in it.
        torso_joints: the two joints whose distance is the torso size of the
            PCK protocol (LSP: left shoulder and right hip), or None.
    """

    name: str
    joint_names: tuple[str, ...]
    flip_pairs: tuple[tuple[int, int], ...]
    skeleton: tuple[tuple[int, int], ...]
    limb_colors: tuple[tuple[int, int, int], ...]
    table_columns: dict[str, tuple[int, ...]]
    torso_joints: tuple[int, int] | None = None

    @property
    def num_joints(self) -> int:
        """Number of joints `J` in the layout."""
        return len(self.joint_names)

    def flip_index(self) -> list[int]:
        """Permutation that maps joint i of a flipped image back to its side."""
        perm = list(range(self.num_joints))
        for a, b in self.flip_pairs:
            perm[a], perm[b] = b, a
        return perm

    def to_dict(self) -> dict:
        """The drawing facts as JSON-ready lists (colours keyed `limb_colors_bgr`)."""
        return {
            "name": self.name,
            "joint_names": list(self.joint_names),
            "flip_pairs": [list(p) for p in self.flip_pairs],
            "skeleton": [list(e) for e in self.skeleton],
            "limb_colors_bgr": [list(c) for c in self.limb_colors],
        }


def _side_colors(names, skeleton):
    def side(i):
        n = names[i]
        return "r" if n.startswith("r_") else "l" if n.startswith("l_") else "c"

    colors = []
    for a, b in skeleton:
        sides = {side(a), side(b)}
        colors.append(_RIGHT if "r" in sides else _LEFT if "l" in sides else _CENTRE)
    return tuple(colors)


_MPII_NAMES = (
    "r_ankle", "r_knee", "r_hip", "l_hip", "l_knee", "l_ankle", "pelvis", "thorax",
    "upper_neck", "head_top", "r_wrist", "r_elbow", "r_shoulder", "l_shoulder",
    "l_elbow", "l_wrist",
)  # fmt: skip
_MPII_SKELETON = (
    (0, 1), (1, 2), (2, 6), (6, 3), (3, 4), (4, 5), (6, 7), (7, 8), (8, 9),
    (7, 12), (12, 11), (11, 10), (7, 13), (13, 14), (14, 15),
)  # fmt: skip

MPII = DatasetInfo(
    name="mpii",
    joint_names=_MPII_NAMES,
    flip_pairs=((0, 5), (1, 4), (2, 3), (10, 15), (11, 14), (12, 13)),
    skeleton=_MPII_SKELETON,
    limb_colors=_side_colors(_MPII_NAMES, _MPII_SKELETON),
    table_columns={
        "Head": (9,),
        "Shoulder": (12, 13),
        "Elbow": (11, 14),
        "Wrist": (10, 15),
        "Hip": (2, 3),
        "Knee": (1, 4),
        "Ankle": (0, 5),
    },  # fmt: skip
)

_LSP_NAMES = (
    "r_ankle", "r_knee", "r_hip", "l_hip", "l_knee", "l_ankle", "r_wrist", "r_elbow",
    "r_shoulder", "l_shoulder", "l_elbow", "l_wrist", "neck", "head_top",
)  # fmt: skip
_LSP_SKELETON = (
    (0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (2, 8), (3, 9), (8, 12), (9, 12),
    (8, 7), (7, 6), (9, 10), (10, 11), (12, 13),
)  # fmt: skip

LSP = DatasetInfo(
    name="lsp",
    joint_names=_LSP_NAMES,
    flip_pairs=((0, 5), (1, 4), (2, 3), (6, 11), (7, 10), (8, 9)),
    skeleton=_LSP_SKELETON,
    limb_colors=_side_colors(_LSP_NAMES, _LSP_SKELETON),
    table_columns={
        "Head": (13,),
        "Shoulder": (8, 9),
        "Elbow": (7, 10),
        "Wrist": (6, 11),
        "Hip": (2, 3),
        "Knee": (1, 4),
        "Ankle": (0, 5),
    },  # fmt: skip
    torso_joints=(9, 2),
)

# LSP joint i is MPII joint LSP_TO_MPII[i] (neck -> upper_neck).
LSP_TO_MPII = (0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15, 8, 9)

_ALL = {"mpii": MPII, "lsp": LSP}
DATASETS = tuple(_ALL)  # the registry's names, in order: CLI choices come from here


def get_info(name: str) -> DatasetInfo:
    """The `DatasetInfo` for "mpii" or "lsp".

    Args:
        name: a name in `DATASETS`.

    Returns:
        The dataset's `DatasetInfo` (`MPII` or `LSP`).
    """
    if name not in _ALL:
        raise ValueError(
            f"dataset must be one of {sorted(_ALL)}. Received: dataset={name!r}"
        )
    return _ALL[name]
