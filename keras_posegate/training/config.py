"""The resolved training configuration, written into the model directory."""

from __future__ import annotations

import dataclasses
import json
import os

from keras_posegate.data.augment import check_warp
from keras_posegate.datasets.info import DATASETS
from keras_posegate.fileio import atomic_write_json
from keras_posegate.losses import check_foreground_weight

STRATEGIES = ("default", "mirrored", "multi_worker")
CONFIG_FILE = "train_config.json"


@dataclasses.dataclass
class TrainConfig:
    """Everything a training run needs; defaults are the paper's recipe (III-C).

    Args:
        preset: model preset name.
        dataset: "mpii" or "lsp".
        data_dir: TFRecords written by `posegate prepare` (a directory with a
            manifest, or with `train/` and `valid/` subdirectories each with one),
            or a raw dataset root in its official format; several, comma
            separated, train on the union (LSP + LSP-extended).
        model_dir: where checkpoints, logs and this configuration go.
        epochs: training epochs (200 in the paper).
        batch_size: global batch size (24 in the paper).
        learning_rate: initial RMSprop learning rate (2.5e-4).
        final_learning_rate: the rate after the last drop (default: the paper's
            ratio, learning_rate * 0.04, i.e. 1e-5 for 2.5e-4).
        lr_drop_epochs: drop epochs out of 200 (75, 100, 150), scaled to `epochs`.
        gate, gate_value, fusion: ablation overrides (Tables II and IV).
        init_from: a `.keras` model to fine-tune from (LSP from MPII).
        mixed_precision: float16 compute on GPU, bfloat16 on CPU.
        jit_compile: XLA-compile the train step.
        strategy: "default", "mirrored" or "multi_worker" (reads TF_CONFIG).
        seed: seeds weights, shuffling and augmentation.
        steps_per_epoch: cap on steps per epoch (None: one pass).
        val_flip: flip test in the per-epoch validation PCKh.
        sigma: heatmap Gaussian sigma, in heatmap pixels.
        foreground_weight: heatmap loss pixel weights `1 + foreground_weight *
            target` (`losses.MaskedHeatmapMSE`); 0, the paper's plain MSE.
        cache_images: decode every image once and keep them in memory
            (`build_dataset`): for datasets that fit, such as the demo's.
        warp: how training crops are warped, "tensorflow" or "opencv"
            (`build_dataset`; validation always uses TensorFlow's op).
        model_config_overrides: extra `PoseGateConfig` fields over the preset
            (e.g. `{"width": 16, "input_size": 64}` for tiny test models);
            applied last, so they win over the dataset and ablation overrides.
    """

    preset: str = "posegate_4x144"
    dataset: str = "mpii"
    data_dir: str = ""
    model_dir: str = "runs/posegate"
    epochs: int = 200
    batch_size: int = 24
    learning_rate: float = 2.5e-4
    final_learning_rate: float | None = None
    lr_drop_epochs: tuple[int, ...] = (75, 100, 150)
    gate: str | None = None
    gate_value: float | None = None
    fusion: str | None = None
    init_from: str | None = None
    mixed_precision: bool = False
    jit_compile: bool = False
    strategy: str = "default"
    seed: int = 0
    steps_per_epoch: int | None = None
    val_flip: bool = False
    sigma: float = 2.0
    foreground_weight: float = 0.0
    cache_images: bool = False
    warp: str = "tensorflow"
    model_config_overrides: dict | None = None

    def __post_init__(self):
        if self.final_learning_rate is None:
            self.final_learning_rate = self.learning_rate * 0.04
        self.lr_drop_epochs = tuple(int(e) for e in self.lr_drop_epochs)
        for name in ("epochs", "batch_size"):
            if int(getattr(self, name)) < 1:
                raise ValueError(
                    f"{name} must be >= 1. Received: {name}={getattr(self, name)}"
                )
        if self.strategy not in STRATEGIES:
            raise ValueError(
                f"strategy must be one of {STRATEGIES}. Received: strategy={self.strategy!r}"
            )
        check_warp(self.warp)
        self.foreground_weight = check_foreground_weight(self.foreground_weight)
        if self.dataset not in DATASETS:
            raise ValueError(
                f"dataset must be 'mpii' or 'lsp'. Received: dataset={self.dataset!r}"
            )

    def model_overrides(self) -> dict:
        """Preset overrides: joints of the dataset and the ablation switches."""
        overrides = {"num_joints": 16 if self.dataset == "mpii" else 14}
        for key in ("gate", "gate_value", "fusion"):
            if getattr(self, key) is not None:
                overrides[key] = getattr(self, key)
        overrides.update(self.model_config_overrides or {})
        return overrides

    def save(self, model_dir: str) -> str:
        """Write `model_dir/train_config.json` (atomically).

        Args:
            model_dir: an existing folder.

        Returns:
            The path written.
        """
        path = os.path.join(model_dir, CONFIG_FILE)
        return atomic_write_json(path, dataclasses.asdict(self), indent=2)

    @classmethod
    def load(cls, model_dir: str) -> TrainConfig:
        """The configuration saved in `model_dir`.

        Args:
            model_dir: the run's directory.

        Raises:
            FileNotFoundError: there is none.
            ValueError: the file is cut or not a configuration.
        """
        path = os.path.join(model_dir, CONFIG_FILE)
        if not os.path.isfile(path):
            raise FileNotFoundError(
                f"{path}: no training configuration to resume from."
            )
        try:
            with open(path) as f:
                fields = json.load(f)
            return cls(**fields)
        except (ValueError, TypeError) as e:
            raise ValueError(
                f"{path}: not a readable training configuration ({e})."
            ) from e
