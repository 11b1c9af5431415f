"""The one per-person record every reader returns and the pipeline consumes."""

from __future__ import annotations

import dataclasses

import numpy as np


@dataclasses.dataclass
class PersonRecord:
    """One annotated person, in original-image pixel coordinates (0-based).

    Attributes:
        image_path: path of the image file.
        joints: `(J, 2)` float32 (x, y), 0-based pixels; NaN rows for joints the
            ground truth does not annotate ("missing").
        visible: `(J,)` float32, 1 where the joint is annotated and visible,
            0 where it is occluded or missing. Annotated = `isfinite(joints)`.
        center: `(2,)` float32, the person centre as the dataset gives it
            (MPII `objpos`, 0-based; LSP: centre of the tight joint box).
        scale: person height / 200 px (the MPII convention).
        head_box: `(4,)` float32 `x1, y1, x2, y2` (MPII), or None.
        image_id: dataset-specific image name, used to group predictions.
        person_index: index of the person within the image (MPII `annorect`).
        dataset: "mpii" or "lsp".
    """

    image_path: str
    joints: np.ndarray
    visible: np.ndarray
    center: np.ndarray
    scale: float
    head_box: np.ndarray | None = None
    image_id: str = ""
    person_index: int = 0
    dataset: str = "mpii"

    @property
    def annotated(self) -> np.ndarray:
        """`(J,)` bool, True where the ground truth has the joint."""
        return np.isfinite(self.joints).all(axis=-1)
