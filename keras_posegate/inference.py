"""Keypoints for whole images from any of the three model formats.

`load_predictor(path)` takes a `.keras` file (loaded with safe mode on), a
SavedModel directory (as `posegate export --format saved_model` writes it) or a
`.tflite` file (float or int8, with its metadata JSON beside it when there is
one); each returns final-stack heatmaps for float RGB crops in [0, 1], so crop,
decoding and mapping back are shared and the formats agree within quantization
error.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import cv2
import numpy as np

from keras_posegate.codec import HeatmapCodec
from keras_posegate.models.posegate_model import final_heatmaps


class KerasPredictor:
    """Runs a Keras 3 `PoseGateModel`.

    Args:
        model: a `.keras` path (loaded with safe mode on) or a model in memory.
    """

    def __init__(self, model):
        from keras_posegate.models.saving import load_keras_model

        self.model = load_keras_model(model) if isinstance(model, str) else model
        self.input_size = int(self.model.input_shape[1])

    def heatmaps(self, images: np.ndarray) -> np.ndarray:
        """Final-stack heatmaps of a batch of crops.

        Args:
            images: `(B, S, S, 3)` float32 RGB in [0, 1], `S = input_size`.

        Returns:
            `(B, S/4, S/4, J)` float32 heatmaps.
        """
        from keras_posegate.backends import inference_fn, to_numpy

        out = inference_fn(self.model)(images, training=False)
        return to_numpy(final_heatmaps(out)).astype(np.float32, copy=False)


class SavedModelPredictor:
    """Uses the SavedModel's uint8 `heatmaps` signature.

    Args:
        path: a version folder written by `posegate export --format saved_model`.

    Raises:
        DataError: the folder is not a readable posegate SavedModel.
    """

    def __init__(self, path: str):
        import tensorflow as tf

        from keras_posegate.errors import DataError

        try:
            self.module = tf.saved_model.load(path)
            self.fn = self.module.signatures["heatmaps"]
        except (OSError, ValueError, KeyError, tf.errors.OpError) as e:
            raise DataError(
                f"{path}: not a readable posegate SavedModel (needs the 'heatmaps' "
                f"signature of `posegate export --format saved_model`): {e!r:.300}"
            ) from e
        ((self.input_name, spec),) = self.fn.structured_input_signature[1].items()
        self.input_size = int(spec.shape[1])

    def heatmaps(self, images: np.ndarray) -> np.ndarray:
        """Final-stack heatmaps of a batch of crops.

        Args:
            images: `(B, S, S, 3)` float32 RGB in [0, 1], `S = input_size`.

        Returns:
            `(B, S/4, S/4, J)` float32 heatmaps.
        """
        pixels = np.clip(np.round(images * 255.0), 0, 255).astype(np.uint8)
        return self.fn(**{self.input_name: pixels})["heatmaps"].numpy()


class TFLitePredictor:
    """Runs a float or int8 `.tflite` model with ai_edge_litert (XNNPACK).

    The input is quantized and the output dequantized when they are integer
    (the metadata's rule).

    Args:
        path: the `.tflite` path, or the flatbuffer bytes.
        num_threads: interpreter threads.

    Raises:
        DataError: the file is not a readable `.tflite` model.
    """

    def __init__(self, path: str | bytes, num_threads: int = 2):
        from ai_edge_litert.interpreter import Interpreter

        source = (
            {"model_content": path}
            if isinstance(path, bytes)
            else {"model_path": str(path)}
        )
        try:
            self.interpreter = Interpreter(num_threads=num_threads, **source)
            self.interpreter.allocate_tensors()
        except (ValueError, RuntimeError) as e:
            from keras_posegate.errors import DataError

            name = "the .tflite bytes" if isinstance(path, bytes) else path
            raise DataError(
                f"{name}: not a readable .tflite model (corrupt, truncated or "
                f"another format): {str(e).strip()[:200]}"
            ) from e
        self.inp = self.interpreter.get_input_details()[0]
        self.out = self.interpreter.get_output_details()[0]
        self.input_size = int(self.inp["shape"][1])

    def heatmaps(self, images: np.ndarray) -> np.ndarray:
        """Final-stack heatmaps of a batch of crops.

        Args:
            images: `(B, S, S, 3)` float32 RGB in [0, 1], `S = input_size`.

        Returns:
            `(B, S/4, S/4, J)` float32 heatmaps.
        """
        results = []
        for image in images:
            self.interpreter.set_tensor(
                self.inp["index"], _quantize(image[None], self.inp)
            )
            self.interpreter.invoke()
            results.append(
                _dequantize(self.interpreter.get_tensor(self.out["index"]), self.out)
            )
        return np.concatenate(results)


def _quantize(x: np.ndarray, detail: dict) -> np.ndarray:
    dtype = detail["dtype"]
    if dtype == np.float32:
        return x.astype(np.float32)
    scale, zero = detail["quantization"]
    info = np.iinfo(dtype)
    return np.clip(np.round(x / scale + zero), info.min, info.max).astype(dtype)


def _dequantize(q: np.ndarray, detail: dict) -> np.ndarray:
    if detail["dtype"] == np.float32:
        return q.astype(np.float32)
    scale, zero = detail["quantization"]
    return (q.astype(np.float32) - zero) * scale


class PredictorModel:
    """A predictor with the bits of the Keras model API that evaluation uses.

    `input_shape` and `__call__` returning heatmaps, so `evaluate` scores
    SavedModels and `.tflite` files exactly as it scores Keras models.

    Args:
        predictor: a `KerasPredictor`, `SavedModelPredictor` or `TFLitePredictor`.
    """

    def __init__(self, predictor):
        self.predictor, self.input_size = predictor, predictor.input_size
        self.input_shape = (None, self.input_size, self.input_size, 3)

    def __call__(self, images, training: bool = False) -> np.ndarray:
        """`(B, S/4, S/4, J)` heatmaps of `(B, S, S, 3)` crops; `training` is ignored."""
        del training
        return self.predictor.heatmaps(np.asarray(images, np.float32))


def load_predictor(path: str):
    """A predictor for a `.keras` file, a SavedModel directory or a `.tflite` file.

    Raises:
        FileNotFoundError: nothing at `path`.
        ValueError: an unknown format.
    """
    if not os.path.exists(path):
        raise FileNotFoundError(f"{path}: no such model file or directory.")
    if os.path.isdir(path):
        return SavedModelPredictor(path)
    if path.endswith(".tflite"):
        return TFLitePredictor(path)
    if path.endswith(".keras"):
        return KerasPredictor(path)
    raise ValueError(
        f"{path}: unknown model format; expected a .keras file, a SavedModel "
        "directory or a .tflite file."
    )


def load_model_for_evaluation(path: str):
    """The model at `path` in the form evaluation runs.

    A `.keras` file as the Keras model itself; a SavedModel directory or a
    `.tflite` file as a `PredictorModel` that evaluation runs the same way.
    """
    if path.endswith(".keras"):
        from keras_posegate.models.saving import load_keras_model

        return load_keras_model(path)
    return PredictorModel(load_predictor(path))


def box_crop(box: Sequence[float] | None, image_shape, input_size: int) -> np.ndarray:
    """`(2, 3)` affine from the image to the square model input.

    `box` is `x, y, w, h` in pixels (None: the whole image); the crop is the
    square of side `max(w, h)` centred on the box (letterboxed, no distortion):
    `keras_posegate.data.augment.box_center_scale` and `crop_matrix`, the
    transform of the training parser and of the SavedModel.
    """
    from keras_posegate.data import augment

    height, width = image_shape[:2]
    x, y, w, h = box if box is not None else (0.0, 0.0, float(width), float(height))
    if w <= 0 or h <= 0:
        raise ValueError(
            f"box width and height must be > 0. Received: box={tuple(box)}"
        )
    center, scale = augment.box_center_scale((x, y, w, h))
    return augment.crop_matrix(center, scale, 0.0, input_size).numpy()


def center_scale_crop(center, scale: float, input_size: int) -> np.ndarray:
    """The affine of an MPII-style centre and scale (box side = 200 * scale)."""
    from keras_posegate.data import augment

    return augment.crop_matrix(center, float(scale), 0.0, input_size).numpy()


def predict_image(predictor, image_bgr: np.ndarray, affine: np.ndarray | None = None):
    """Keypoints of the person in one image.

    Args:
        predictor: a predictor (`load_predictor`) or anything with `input_size`
            and `heatmaps(images)`.
        image_bgr: `(H, W, 3)` uint8 BGR, as `cv2.imread` gives.
        affine: `(2, 3)` image-to-crop affine (`box_crop`, `center_scale_crop`);
            None: the whole image, letterboxed.

    Returns:
        `(joints, scores)`: `(J, 2)` float32 (x, y) in image pixels and `(J,)`.
    """
    from keras_posegate.data import augment

    size = predictor.input_size
    if affine is None:
        affine = box_crop(None, image_bgr.shape, size)
    rgb = cv2.cvtColor(image_bgr, cv2.COLOR_BGR2RGB)
    crop = augment.warp_image(rgb, affine, size).numpy().astype(np.float32) / 255.0
    codec = HeatmapCodec(size)
    coords, scores = codec.decode(predictor.heatmaps(crop[None]))
    joints = augment.crop_to_original(codec.heatmap_to_input(coords[0]), affine)
    return joints.astype(np.float32), scores[0]
