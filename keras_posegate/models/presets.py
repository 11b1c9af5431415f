"""Named presets: the paper's model sizes, and a tiny one for CPUs.

Paper figures are (parameters, GFLOPs = multiply-accumulates at 256x256, MPII
PCKh@0.5, where) as published; `None` where the paper gives none.
"""

from __future__ import annotations

from keras_posegate.models.config import PoseGateConfig


def STEM(width: int) -> dict:  # noqa: N802 (reads as a table entry)
    """The paper presets' stem, scaled with the width.

    A 7x7/2 conv and one block at width / 2 (1/2 resolution), then two blocks
    at 1/4 (docs/architecture.md).
    """
    return {"stem_width": width // 2, "stem_blocks": 2}


PRESETS: dict[str, dict] = {
    "posegate_tiny": {
        "config": {"num_stacks": 2, "width": 32, "input_size": 128, "depth": 3,
                   "bottom_blocks": 1, "stem_width": 16},
        "description": "2 stacks x 32, 128x128 input: trains in minutes on 2 CPU cores",
        "paper": None,
    },
    "posegate_1x64": {
        "config": {"num_stacks": 1, "width": 64, **STEM(64)},
        "description": "1 stack x 64 (paper Table III, 0.5M)",
        "paper": {"params": 0.5e6, "gflops": 0.8, "pckh": 81.6, "table": "III (MPII val)"},
    },
    "posegate_2x72": {
        "config": {"num_stacks": 2, "width": 72, **STEM(72)},
        "description": "2 stacks x 72 (paper Table III, 1.0M)",
        "paper": {"params": 1.0e6, "gflops": 1.39, "pckh": 84.8, "table": "III (MPII val)"},
    },
    "posegate_2x128": {
        "config": {"num_stacks": 2, "width": 128, **STEM(128)},
        "description": "2 stacks x 128 (paper Table IV ablations, ~3.4M)",
        "paper": {"params": 3.4e6, "gflops": None, "pckh": 88.0, "table": "IV (MPII val)"},
    },
    "posegate_4x144": {
        "config": {"num_stacks": 4, "width": 144, **STEM(144)},
        "description": "4 stacks x 144, 'Ours (small)' (paper Tables I, V, VII)",
        "paper": {"params": 8.5e6, "gflops": 9.9, "pckh": 91.1, "table": "V (MPII test)"},
    },
    "posegate_4x256": {
        "config": {"num_stacks": 4, "width": 256, **STEM(256)},
        "description": "4 stacks x 256, 'Ours' (paper Table V)",
        "paper": {"params": 26e6, "gflops": 33.5, "pckh": 92.4, "table": "V (MPII test)"},
    },
}  # fmt: skip


def preset_names() -> list[str]:
    """Names of the built-in presets, in definition order."""
    return list(PRESETS)


def get_preset_config(preset: str, **overrides) -> PoseGateConfig:
    """The `PoseGateConfig` of a preset, with optional field overrides.

    Args:
        preset: one of `preset_names()`.
        **overrides: `PoseGateConfig` fields to change.

    Returns:
        A validated `PoseGateConfig`.

    Raises:
        ValueError: for an unknown preset or an invalid override.
    """
    if preset not in PRESETS:
        raise ValueError(
            f"preset must be one of {preset_names()}. Received: preset={preset!r}"
        )
    return PoseGateConfig(**{**PRESETS[preset]["config"], **overrides})
