"""`PoseGateModel`: the public Keras 3 model (a functional model, keras-hub style)."""

from __future__ import annotations

import keras
import numpy as np

from keras_posegate.models.builder import build_graph
from keras_posegate.models.config import PoseGateConfig


@keras.saving.register_keras_serializable(package="keras_posegate")
class PoseGateModel(keras.Model):
    """Soft-gated hourglass / U-Net hybrid for single-person pose estimation.

    A flat functional graph of standard layers and `SoftGate`s (see
    `keras_posegate.models.builder`), taking float RGB images in [0, 1] of shape
    `(input_size, input_size, 3)` and returning one heatmap tensor
    `(input_size / 4, input_size / 4, num_joints)` per stack (intermediate
    supervision); the last is the prediction.

    Args:
        num_stacks, width, num_joints, input_size, depth, bottom_blocks,
        stem_width, stem_blocks, fusion, skip_transform, gate, gate_value: the architecture,
            as documented in `PoseGateConfig`.
        **kwargs: standard `keras.Model` arguments (`name`, ...).

    Example:
        >>> model = PoseGateModel.from_preset("posegate_tiny")
        >>> heatmaps = model(images)[-1]

    Reference:
        Bulat et al., "Toward fast and accurate human pose estimation via
        soft-gated skip connections", FG 2020.
    """

    def __init__(
        self,
        num_stacks: int = 4,
        width: int = 144,
        num_joints: int = 16,
        input_size: int = 256,
        depth: int = 4,
        bottom_blocks: int = 3,
        stem_width: int = 64,
        stem_blocks: int = 1,
        fusion: str = "concat",
        skip_transform: str = "identity",
        gate: str = "channel",
        gate_value: float = 0.5,
        **kwargs,
    ):
        config = PoseGateConfig(
            num_stacks=num_stacks, width=width, num_joints=num_joints,
            input_size=input_size, depth=depth, bottom_blocks=bottom_blocks,
            stem_width=stem_width, stem_blocks=stem_blocks, fusion=fusion, skip_transform=skip_transform,
            gate=gate, gate_value=gate_value,
        )  # fmt: skip
        inputs, outputs = build_graph(keras, config)
        kwargs.setdefault("name", "posegate")
        super().__init__(inputs=inputs, outputs=outputs, **kwargs)
        self.config_record = config
        for key, value in config.to_dict().items():
            setattr(self, key, value)

    def get_config(self) -> dict:
        """Name, trainable flag and every `PoseGateConfig` field."""
        return {
            "name": self.name,
            "trainable": self.trainable,
            **self.config_record.to_dict(),
        }

    @classmethod
    def from_config(cls, config: dict) -> PoseGateModel:
        """Rebuild a model from `get_config()` output."""
        return cls(**config)

    @classmethod
    def from_preset(cls, preset: str, **overrides) -> PoseGateModel:
        """A freshly initialised model of a named preset.

        Args:
            preset: a name from `keras_posegate.models.presets.preset_names()`.
            **overrides: `PoseGateConfig` fields to change, e.g. `num_joints=14`
                for LSP.

        Returns:
            A new, untrained `PoseGateModel`.
        """
        from keras_posegate.models.presets import get_preset_config

        return cls(**get_preset_config(preset, **overrides).to_dict())

    def gates(self) -> list[tuple[str, np.ndarray]]:
        """`(block name, alpha values)` of every gated block, bottom to top."""
        return model_gates(self)


def model_gates(model) -> list[tuple[str, np.ndarray]]:
    """`(block name, alpha)` of every SoftGate of a Keras 3 or tf_keras model.

    Args:
        model: a built PoseGate model (Keras 3 or its tf_keras twin).

    Returns:
        A list in graph order (bottom to top) of `(name, alpha)` pairs, alpha a
        1-D array (`(1,)` or `(C,)`); empty for `gate="identity"`.
    """
    return [
        (layer.name.removesuffix("_gate"), np.asarray(layer.get_weights()[0]).ravel())
        for layer in model.layers
        if type(layer).__name__ == "SoftGate"
    ]


def final_heatmaps(outputs):
    """The last stack's heatmaps `(B, H, W, J)` from a model call's result.

    A single-stack model returns one tensor, a multi-stack one a list.

    Args:
        outputs: a tensor, or a list of `num_stacks` tensors.

    Returns:
        The last tensor, `(B, H, W, J)`.
    """
    return outputs[-1] if isinstance(outputs, (list, tuple)) else outputs
