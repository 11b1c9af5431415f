"""The network's configuration: one validated record for both Keras front ends."""

from __future__ import annotations

import dataclasses

from keras_posegate.codec import STRIDE
from keras_posegate.models.layers import GATE_MODES

FUSIONS = ("sum", "concat", "concat_grouped")
SKIP_TRANSFORMS = ("identity", "conv1x1")


@dataclasses.dataclass(frozen=True)
class PoseGateConfig:
    """Architecture of a soft-gated hourglass / U-Net hybrid.

    Args:
        num_stacks: stacked hourglasses, each with its own heatmap output.
        width: features per block (N in Fig. 1); divisible by 4.
        num_joints: heatmap channels (16 for MPII, 14 for LSP).
        input_size: side of the square RGB input; heatmaps are `input_size / 4`.
        depth: poolings per hourglass (4 in the paper: 64x64 down to 4x4).
        bottom_blocks: gated blocks at the lowest resolution.
        stem_width: channels of the 7x7 stride-2 stem convolution and of the
            stem's block at 1/2 resolution (the presets: width / 2).
        stem_blocks: gated blocks at 1/4 resolution in the stem, the first
            widening stem_width -> width (the presets: 2, Newell's count; 1
            is the earlier single-block stem, which old checkpoints have).
        fusion: how decoder and encoder features meet (Table IV): "sum",
            "concat" (the paper's best) or "concat_grouped" (2 groups).
        skip_transform: layer on the big encoder-decoder skip: "identity" or
            "conv1x1".
        gate: skip-connection gate of every block (Table II): "channel",
            "scalar", "fixed" or "identity".
        gate_value: the constant alpha of `gate="fixed"`.
    """

    num_stacks: int = 4
    width: int = 144
    num_joints: int = 16
    input_size: int = 256
    depth: int = 4
    bottom_blocks: int = 3
    stem_width: int = 64
    stem_blocks: int = 1
    fusion: str = "concat"
    skip_transform: str = "identity"
    gate: str = "channel"
    gate_value: float = 0.5

    def __post_init__(self):
        for name in (
            "num_stacks",
            "num_joints",
            "depth",
            "bottom_blocks",
            "stem_blocks",
        ):
            _check_min(name, getattr(self, name), 1)
        for name in ("width", "stem_width"):
            value = getattr(self, name)
            _check_min(name, value, 4)
            if value % 4:
                raise ValueError(
                    f"{name} must be divisible by 4. Received: {name}={value}"
                )
        step = 4 * 2**self.depth
        if self.input_size < step or self.input_size % step:
            raise ValueError(
                f"input_size must be a positive multiple of 4 * 2**depth = {step}. "
                f"Received: input_size={self.input_size}, depth={self.depth}"
            )
        _check_choice("fusion", self.fusion, FUSIONS)
        _check_choice("skip_transform", self.skip_transform, SKIP_TRANSFORMS)
        _check_choice("gate", self.gate, GATE_MODES)

    @property
    def heatmap_size(self) -> int:
        """Side of the output heatmaps, `input_size // STRIDE`."""
        return self.input_size // STRIDE

    def to_dict(self) -> dict:
        """The fields as a dict, the model's `get_config` content."""
        return dataclasses.asdict(self)

    def replace(self, **changes) -> PoseGateConfig:
        """A copy with the given fields changed (validated again)."""
        return dataclasses.replace(self, **changes)


def _check_min(name: str, value, minimum: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise ValueError(
            f"{name} must be an integer >= {minimum}. Received: {name}={value!r}"
        )


def _check_choice(name: str, value, choices) -> None:
    if value not in choices:
        raise ValueError(f"{name} must be one of {choices}. Received: {name}={value!r}")
