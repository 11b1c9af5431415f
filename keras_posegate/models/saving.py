"""Loading a saved Keras 3 `PoseGateModel`: the one place every caller goes through.

Safe mode is always on (a file that carries code, a Lambda layer, is refused
rather than run), and what loads must be a `PoseGateModel`, so a stray Keras
model is refused with one line instead of scoring nonsense later. SavedModel and
`.tflite` files are run through `keras_posegate.inference.load_predictor`, which
calls this for `.keras` files.
"""

from __future__ import annotations

import json
import os
import zipfile

import keras

from keras_posegate.errors import DataError
from keras_posegate.models.posegate_model import PoseGateModel
from keras_posegate.threads import configure_training_threads, current_threads


def load_keras_model(path: str, compile: bool = False) -> PoseGateModel:
    """Load a `.keras` file saved from a `PoseGateModel`.

    Args:
        path: the `.keras` file (`posegate train` writes `best.keras` and
            `last.keras` in its model directory).
        compile: restore the optimizer and loss too (only a resumed run needs
            them; every other caller compiles for itself or only predicts).

    Returns:
        The model, with its `config_record`.

    Raises:
        FileNotFoundError: `path` does not exist.
        DataError: the file is corrupt, truncated or not a `.keras` archive.
        ValueError: the file carries code (Lambda), or holds another kind of
            Keras model.
    """
    import keras_posegate.losses  # noqa: F401  (registers the loss for compile=True)

    if not os.path.exists(path):
        raise FileNotFoundError(f"{path}: no such model file.")
    if os.path.isfile(path) and not zipfile.is_zipfile(path):
        raise DataError(
            f"{path}: not a readable .keras model (not a zip archive: corrupt, "
            "truncated or another format)."
        )
    try:
        model = keras.saving.load_model(path, compile=compile, safe_mode=True)
    except ValueError as e:
        if "safe_mode" in str(e) or "Lambda" in str(e):
            raise ValueError(
                f"{path}: refused to load, the file carries code (a Lambda layer); "
                "keras_posegate loads models with safe_mode=True."
            ) from e
        raise DataError(f"{path}: cannot load the model ({_first_line(e)})") from e
    except (OSError, KeyError, zipfile.BadZipFile, EOFError) as e:
        raise DataError(
            f"{path}: cannot load the model, the file is damaged "
            f"({type(e).__name__}: {_first_line(e)})"
        ) from e
    check_posegate_model(model, path)
    return model


def read_model_config(path: str) -> dict | None:
    """The architecture fields a `.keras` file records, read without loading it.

    For decisions made before TensorFlow starts (its thread pools); loading
    (`load_keras_model`) is what checks the file.

    Args:
        path: a `.keras` file.

    Returns:
        The `PoseGateModel` config (`width`, `input_size`, ...), or None when
        the file is missing, unreadable or not a `PoseGateModel`.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            saved = json.loads(archive.read("config.json"))
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):
        return None
    if not isinstance(saved, dict) or saved.get("class_name") != "PoseGateModel":
        return None
    config = saved.get("config")
    return config if isinstance(config, dict) else None


def size_training_threads(path: str, batch_size: int) -> tuple[int, int]:
    """Size TensorFlow's pools for training the model saved at `path`.

    `threads.configure_training_threads` with the width and input size the
    file records (`read_model_config`), before TensorFlow starts; a file it
    cannot read changes nothing (loading it then says what is wrong).

    Args:
        path: a `.keras` file.
        batch_size: images per training step.

    Returns:
        The `(inter_op, intra_op)` in force, 0 meaning TensorFlow's choice.
    """
    saved = read_model_config(path) or {}
    sizes = [saved.get(key) for key in ("input_size", "width")]
    if all(isinstance(v, int) and v > 0 for v in sizes):
        return configure_training_threads(batch_size, *sizes)
    return current_threads()


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [""])[0][:300]


def check_posegate_model(model, source: str) -> None:
    """Raise a one-line `ValueError` unless `model` is a `PoseGateModel`.

    Args:
        model: a loaded Keras model.
        source: what it was loaded from, for the message.
    """
    if not isinstance(model, PoseGateModel):
        raise ValueError(
            f"{source}: not a keras_posegate model (it holds a "
            f"{type(model).__name__}); expected a PoseGateModel saved by "
            "`posegate train` (best.keras / last.keras) or by PoseGateModel.save."
        )
