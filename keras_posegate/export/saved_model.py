"""TF Serving export: a versioned SavedModel with named signatures.

`DIR/NAME/<version>/`, written to a temporary folder beside it and renamed when
complete. Signatures (input names explicit):

- `serving_default(image_bytes: string [B])`: encoded images (JPEG / PNG / BMP /
  GIF; the REST form `{"instances": [{"b64": "..."}]}`). Each image is the whole
  person box: letterboxed to the model's input size (aspect ratio kept, centred
  on black) by the training parser's crop transform (`data.augment`:
  `box_center_scale`, `crop_matrix`, `warp_image`, as `posegate predict` does),
  run, decoded in-graph (`decode_tf`, the codec's DARK decoding) and mapped back.
  Returns `keypoints` `(B, J, 2)` (x, y) in original-image pixels and
  `scores` `(B, J)` (heatmap maxima). Undecodable images fail with the decoder's
  "Unknown image file format" error, images over `max_pixels` or `max_bytes`
  with "image too large".
- `heatmaps(image: uint8 [B, S, S, 3])`: images already at the input size.
  Returns `heatmaps` (the last stack's, `(B, S/4, S/4, J)`), and `keypoints`
  (input pixels) and `scores`.
"""

from __future__ import annotations

import os

import tensorflow as tf

from keras_posegate.codec import STRIDE
from keras_posegate.data import augment
from keras_posegate.export.decode_tf import decode_heatmaps
from keras_posegate.fileio import atomic_dir
from keras_posegate.logs import quiet_tensorflow
from keras_posegate.models.posegate_model import final_heatmaps


class PoseServingModule(tf.Module):
    """`tf.Module` over a Keras 3 `PoseGateModel` with the serving signatures.

    Args:
        model: the Keras 3 model.
        max_pixels: largest decoded image (height x width) accepted.
        max_bytes: largest encoded image accepted.
    """

    def __init__(self, model, max_pixels: int = 4096 * 4096, max_bytes: int = 20 << 20):
        super().__init__(name="posegate_serving")
        self.model = model
        self.size = int(model.config_record.input_size)
        self.max_pixels = int(max_pixels)
        self.max_bytes = int(max_bytes)
        size = self.size
        self.serving_default = tf.function(
            self._from_bytes,
            input_signature=[tf.TensorSpec([None], tf.string, name="image_bytes")],
        )
        self.heatmaps = tf.function(
            self._from_pixels,
            input_signature=[
                tf.TensorSpec([None, size, size, 3], tf.uint8, name="image")
            ],
        )

    def _run(self, images: tf.Tensor):
        heatmaps = final_heatmaps(self.model(images, training=False))
        coords, scores = decode_heatmaps(heatmaps)
        return heatmaps, (coords + 0.5) * STRIDE - 0.5, scores

    def _decode_one(self, encoded: tf.Tensor):
        checks = [
            tf.debugging.assert_less_equal(
                tf.strings.length(encoded), self.max_bytes,
                message=f"image too large: more than {self.max_bytes} bytes",
            )
        ]  # fmt: skip
        with tf.control_dependencies(checks):
            image = tf.io.decode_image(encoded, channels=3, expand_animations=False)
        hw = tf.cast(tf.shape(image)[:2], tf.int64)
        checks = [
            tf.debugging.assert_less_equal(
                hw[0] * hw[1], tf.constant(self.max_pixels, tf.int64),
                message=f"image too large: more than {self.max_pixels} pixels",
            )
        ]  # fmt: skip
        with tf.control_dependencies(checks):
            height, width = tf.unstack(tf.shape(image)[:2])
            box = augment.box_center_scale((0, 0, width, height))
            matrix = augment.crop_matrix(*box, 0.0, self.size)
            canvas = augment.warp_image(image, matrix, self.size)
        inverse = augment.invert_affine(matrix)
        return tf.cast(canvas, tf.float32) / 255.0, tf.reshape(inverse, [6])

    def _from_bytes(self, image_bytes):
        canvases, geometry = tf.map_fn(
            self._decode_one,
            image_bytes,
            fn_output_signature=(
                tf.TensorSpec([self.size, self.size, 3], tf.float32),
                tf.TensorSpec([6], tf.float32),
            ),
        )
        _, xy, scores = self._run(canvases)
        inverse = tf.reshape(geometry, [-1, 2, 3])  # crop -> original, per image
        keypoints = tf.einsum("bij,bkj->bki", inverse[:, :, :2], xy)
        return {"keypoints": keypoints + inverse[:, None, :, 2], "scores": scores}

    def _from_pixels(self, image):
        heatmaps, xy, scores = self._run(tf.cast(image, tf.float32) / 255.0)
        return {"heatmaps": heatmaps, "keypoints": xy, "scores": scores}


def next_version(base: str) -> int:
    """1 + the largest integer version folder under `base` (1 when none)."""
    if not os.path.isdir(base):
        return 1
    versions = [int(d) for d in os.listdir(base) if d.isdigit()]
    return max(versions, default=0) + 1


def export_saved_model(
    model,
    export_dir: str,
    name: str = "posegate",
    version: int | None = None,
    warmup: bool = True,
) -> str:
    """Write `export_dir/name/<version>/` atomically; returns its path.

    With `warmup`, the version holds `assets.extra/tf_serving_warmup_requests`
    (`keras_posegate.serving.warmup`). `export_dir/models.config` (every model
    folder of `export_dir`) and `export_dir/batching_parameters.txt` are
    (re)written beside it (`keras_posegate.serving.configs`).

    Raises:
        ValueError: when that version already exists.
    """
    from keras_posegate.serving.configs import write_serving_configs
    from keras_posegate.serving.warmup import warmup_logs, write_warmup

    base = os.path.join(export_dir, name)
    version = next_version(base) if version is None else int(version)
    final = os.path.join(base, str(version))
    if os.path.exists(final):
        raise ValueError(
            f"SavedModel version {version} already exists: {final} (versions are "
            f"never overwritten; the next free one is {next_version(base)})"
        )
    module = PoseServingModule(model)
    with atomic_dir(final) as tmp, quiet_tensorflow():  # umask-readable, never half
        tf.saved_model.save(
            module,
            tmp,
            signatures={
                "serving_default": module.serving_default,
                "heatmaps": module.heatmaps,
            },
        )
        if warmup:
            write_warmup(tmp, warmup_logs(name, module.size))
    write_serving_configs(export_dir)
    return final
