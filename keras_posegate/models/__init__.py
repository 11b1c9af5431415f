"""The soft-gated hourglass network: layers, one graph builder, presets."""

from keras_posegate.models.builder import build_graph
from keras_posegate.models.config import PoseGateConfig
from keras_posegate.models.layers import ChannelAffine, SoftGate
from keras_posegate.models.posegate_model import PoseGateModel
from keras_posegate.models.presets import PRESETS, get_preset_config, preset_names

__all__ = [
    "PRESETS", "ChannelAffine", "PoseGateConfig", "PoseGateModel", "SoftGate",
    "build_graph", "get_preset_config", "preset_names",
]  # fmt: skip
