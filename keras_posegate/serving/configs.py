r"""`models.config` and `batching_parameters.txt` for TF Serving.

Written next to the exported models (`EXPORT_DIR/models.config`, beside
`EXPORT_DIR/NAME/`).

Run with the export folder mounted at `/models` (docs/serving.md):

    docker run -p 8500:8500 -p 8501:8501 -v "$PWD/EXPORT_DIR:/models" \
      tensorflow/serving --model_config_file=/models/models.config \
      --enable_batching --batching_parameters_file=/models/batching_parameters.txt
"""

from __future__ import annotations

import os

from keras_posegate.fileio import atomic_write_text
from keras_posegate.serving.warmup import WARMUP_BATCH_SIZES

MODELS_CONFIG = "models.config"
BATCHING_PARAMETERS = "batching_parameters.txt"


def served_models(export_dir: str) -> list[str]:
    """Names of the folders of `export_dir` that hold an integer version."""
    names = []
    for name in sorted(os.listdir(export_dir)):
        folder = os.path.join(export_dir, name)
        if os.path.isdir(folder) and any(v.isdigit() for v in os.listdir(folder)):
            names.append(name)
    return names


def models_config(names: list[str], root: str = "/models") -> str:
    """A `ModelServerConfig` text proto serving every name from `root/name`."""
    from google.protobuf import text_format
    from tensorflow_serving.config import model_server_config_pb2

    config = model_server_config_pb2.ModelServerConfig()
    for name in names:
        model = config.model_config_list.config.add()
        model.name, model.base_path = name, f"{root}/{name}"
        model.model_platform = "tensorflow"
    return text_format.MessageToString(config)


def batching_parameters(
    batch_sizes: tuple[int, ...] = WARMUP_BATCH_SIZES, timeout_micros: int = 2000
) -> str:
    """A `BatchingParameters` text proto.

    Batches up to the largest allowed size, waiting at most `timeout_micros`
    for a batch to fill; smaller batches are padded to the next allowed size
    (the warm-up covers each one).
    """
    lines = [
        "# TF Serving --batching_parameters_file (BatchingParameters text proto).",
        "# Tune num_batch_threads to the CPU cores, batch_timeout_micros to the",
        "# latency you can spend waiting for a batch to fill.",
        f"max_batch_size {{ value: {max(batch_sizes)} }}",
        f"batch_timeout_micros {{ value: {timeout_micros} }}",
        "max_enqueued_batches { value: 100 }",
        "num_batch_threads { value: 4 }",
        *(f"allowed_batch_sizes: {b}" for b in sorted(batch_sizes)),
        "pad_variable_length_inputs: false",
    ]
    return "\n".join(lines) + "\n"


def write_serving_configs(export_dir: str, root: str = "/models") -> tuple[str, str]:
    """Write (atomically) both files into `export_dir`; returns their paths."""
    config = atomic_write_text(
        os.path.join(export_dir, MODELS_CONFIG),
        models_config(served_models(export_dir), root),
    )
    batching = atomic_write_text(
        os.path.join(export_dir, BATCHING_PARAMETERS), batching_parameters()
    )
    return config, batching
