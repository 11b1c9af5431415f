"""Parsers: decoded example -> model inputs and targets, or inputs and metadata.

Training gets inputs and targets; evaluation gets inputs and the metadata
needed to map predictions back.

A decoded example (see `keras_posegate.data.decoder`) is a dict:
`encoded` (string, the image file bytes; or `pixels`, the decoded uint8 image,
from the image cache of `build_dataset`), `joints` `(J, 2)` float32 (NaN rows
for missing joints), `center` `(2,)`, `scale` `()`, `head_box` `(4,)`,
`has_head_box` bool, `image_id` string, `person_index` int32.

Crop conventions per dataset (`CROP_CONVENTIONS`), applied in train and eval
alike, as HRNet and Newell do for MPII: the centre moves down by `15 * scale`
pixels (MPII `objpos` sits near the belly; the shift centres the whole body) and
the box grows by 1.25, so the crop side is `200 * 1.25 * scale` px. LSP records
carry the tight joint box, so only the 1.25 margin applies.

Training augmentation (`AugmentConfig`): the paper's rotation +-30 deg (uniform,
applied with probability 0.6 as in HRNet, otherwise 0 so that upright poses stay
common), scale 0.75-1.25 (uniform, multiplies the box side), horizontal flip with
probability 0.5 (left/right joints swapped) and colour jitter.

Targets: per-joint weight 1 for annotated joints (occluded but annotated joints
included, as MPII and LSP practice), 0 for missing joints and for joints the
augmentation pushed out of the crop (the codec's rule).
"""

from __future__ import annotations

import dataclasses

import tensorflow as tf

from keras_posegate.codec import HeatmapCodec
from keras_posegate.data import augment
from keras_posegate.datasets.info import DatasetInfo

# dataset -> (centre y shift in units of scale * 1 px, box side multiplier)
CROP_CONVENTIONS: dict[str, tuple[float, float]] = {
    "mpii": (15.0, 1.25),
    "lsp": (0.0, 1.25),
}


@dataclasses.dataclass(frozen=True)
class AugmentConfig:
    """Training augmentation ranges (defaults: paper III-C, see module doc)."""

    rotation: float = 30.0
    rotation_prob: float = 0.6
    scale_min: float = 0.75
    scale_max: float = 1.25
    flip_prob: float = 0.5
    brightness: float = 0.2
    contrast: float = 0.2
    saturation: float = 0.2


def apply_crop_convention(center, scale, dataset: str):
    """Centre and scale of the crop box for `dataset` (see `CROP_CONVENTIONS`).

    Args:
        center: `(2,)` person centre in original pixels.
        scale: scalar person scale (box side / 200 px).
        dataset: a name in `CROP_CONVENTIONS`.

    Returns:
        `(center, scale)` float32 tensors, shifted and grown by the convention.

    Raises:
        ValueError: an unknown `dataset`.
    """
    if dataset not in CROP_CONVENTIONS:
        raise ValueError(
            f"dataset must be one of {sorted(CROP_CONVENTIONS)}. Received: dataset={dataset!r}"
        )
    shift, grow = CROP_CONVENTIONS[dataset]
    center = tf.cast(center, tf.float32)
    scale = tf.cast(scale, tf.float32)
    center = center + tf.stack([0.0, shift * scale])
    return center, scale * grow


def example_is_valid(example: dict, require_joints: bool):
    """Check that an example can be cropped (and, when asked, trained on).

    Args:
        example: a decoded example (the module notes).
        require_joints: also require at least one annotated joint.

    Returns:
        A scalar bool tensor: finite centre, positive finite scale, and (when
        asked) at least one annotated joint.
    """
    ok = tf.reduce_all(tf.math.is_finite(example["center"]))
    ok &= tf.math.is_finite(example["scale"]) & (example["scale"] > 0)
    if require_joints:
        annotated = tf.reduce_all(tf.math.is_finite(example["joints"]), axis=-1)
        ok &= tf.reduce_any(annotated)
    return ok


def decode_crop(
    encoded,
    matrix,
    output_size: int,
    crop_decode: bool = True,
    warp: str = "tensorflow",
):
    """Decode the image and warp it into the crop.

    JPEGs are decoded only inside the crop's bounding box
    (`tf.image.decode_and_crop_jpeg`, window clamped to the image); other
    formats are decoded whole. Raises (inside tf.data) on corrupt data.

    Args:
        encoded: scalar string tensor, the image file bytes.
        matrix: `(2, 3)` affine from original to crop pixels.
        output_size: S, the crop side in pixels.
        crop_decode: decode only the crop window of JPEGs.
        warp: "tensorflow" (`augment.warp_image`) or "opencv"
            (`augment.warp_image_opencv`, training only).

    Returns:
        `(S, S, 3)` uint8.
    """

    def jpeg():
        if not crop_decode:
            return tf.io.decode_jpeg(encoded, channels=3), tf.zeros([2])
        shape = tf.image.extract_jpeg_shape(encoded)
        window, offset = augment.crop_window(matrix, output_size, shape[0], shape[1])
        return tf.image.decode_and_crop_jpeg(encoded, window, channels=3), offset

    def other():
        image = tf.io.decode_image(encoded, channels=3, expand_animations=False)
        return image, tf.zeros([2])

    image, offset = tf.cond(tf.io.is_jpeg(encoded), jpeg, other)
    return _warp_fn(warp)(image, augment.translate_affine(matrix, offset), output_size)


def crop_example(
    example: dict, matrix, output_size: int, crop_decode: bool = True,
    warp: str = "tensorflow",
):  # fmt: skip
    """The example's `(S, S)` crop.

    Warped (`warp`, as in `decode_crop`) from its decoded `pixels` (the image
    cache of `build_dataset`), else decoded from `encoded` (`decode_crop`).

    Returns:
        `(S, S, 3)` uint8.
    """
    if "pixels" in example:
        return _warp_fn(warp)(example["pixels"], matrix, output_size)
    return decode_crop(example["encoded"], matrix, output_size, crop_decode, warp)


def _warp_fn(warp: str):
    augment.check_warp(warp)
    return augment.warp_image_opencv if warp == "opencv" else augment.warp_image


def _box(example: dict, dataset: str, ok):
    """Convention-adjusted centre and scale, harmless values for an invalid example.

    An invalid example is filtered out afterwards.
    """
    center, scale = apply_crop_convention(example["center"], example["scale"], dataset)
    center = tf.where(ok, center, tf.zeros([2]))
    scale = tf.where(ok, scale, 1.0)
    return center, scale


class TrainParser:
    """Random crop + augmentation + heatmap targets for one example.

    Args:
        dataset_info: joint layout (flip pairs, name for the crop convention).
        codec: heatmap codec (input size, stride, sigma).
        num_stacks: the target is repeated once per stack.
        config: augmentation ranges.
        crop_decode: decode only the crop window of JPEGs.
        warp: "tensorflow" or "opencv" (`augment.warp_image_opencv`: faster,
            within 5 grey levels of the crops that evaluation and serving see).

    Call `parser(example, seed)` with a `(2,)` int64 seed; returns
    `(image (S,S,3) float32 in [0,1], heatmaps tuple of num_stacks (H,H,J),
    weights tuple of num_stacks (J,), ok scalar bool)`.
    """

    def __init__(
        self,
        dataset_info: DatasetInfo,
        codec: HeatmapCodec,
        num_stacks: int,
        config: AugmentConfig | None = None,
        crop_decode: bool = True,
        warp: str = "tensorflow",
    ):
        augment.check_warp(warp)
        if num_stacks < 1:
            raise ValueError(
                f"num_stacks must be >= 1. Received: num_stacks={num_stacks}"
            )
        self.info = dataset_info
        self.codec = codec
        self.num_stacks = int(num_stacks)
        self.config = config or AugmentConfig()
        self.crop_decode = crop_decode
        self.warp = warp

    def _random_box(self, seed):
        cfg = self.config
        seeds = tf.random.experimental.stateless_split(seed, num=5)
        u = lambda i, lo=0.0, hi=1.0: tf.random.stateless_uniform([], seeds[i], lo, hi)  # noqa: E731
        scale = u(0, cfg.scale_min, cfg.scale_max)
        rotate = u(1) < cfg.rotation_prob
        rotation = tf.where(rotate, u(2, -cfg.rotation, cfg.rotation), 0.0)
        flip = u(3) < cfg.flip_prob
        return scale, rotation, flip, seeds[4]

    def __call__(self, example: dict, seed):
        """Crop, augment and encode targets for one decoded example.

        Args:
            example: a decoded example (the module notes).
            seed: `(2,)` int64 stateless seed of this example's augmentation.

        Returns:
            `(image, heatmaps, weights, ok)`, as the class notes describe.
        """
        size = self.codec.input_size
        ok = example_is_valid(example, require_joints=True)
        center, scale = _box(example, self.info.name, ok)
        aug_scale, rotation, flip, jitter_seed = self._random_box(seed)
        matrix = augment.crop_matrix(center, scale * aug_scale, rotation, size, flip)
        image = crop_example(example, matrix, size, self.crop_decode, self.warp)
        image = tf.cast(image, tf.float32) / 255.0
        cfg = self.config
        image = augment.color_jitter(
            image, jitter_seed, cfg.brightness, cfg.contrast, cfg.saturation
        )
        joints = augment.transform_points(example["joints"], matrix)
        weights = tf.cast(tf.reduce_all(tf.math.is_finite(joints), axis=-1), tf.float32)
        flip_index = self.info.flip_index()
        joints = tf.where(flip, augment.flip_joints(joints, flip_index), joints)
        weights = tf.where(flip, augment.flip_joints(weights, flip_index), weights)
        heatmaps, weights = self.codec.encode(joints, weights)
        stacks = self.num_stacks
        return image, (heatmaps,) * stacks, (weights,) * stacks, ok


class EvalParser:
    """Deterministic centre crop plus the metadata to map predictions back.

    Args:
        dataset_info: joint layout and dataset name.
        codec: heatmap codec.
        num_stacks: when given, also return the (unaugmented) targets.
        crop_decode: decode only the crop window of JPEGs.

    Call `parser(example)`; returns `(image, meta, ok)`, or
    `(image, heatmaps, weights, ok)` when `num_stacks` is set. `meta`: `center`
    (2,), `scale` () (after the crop convention), `affine` (2, 3)
    original-to-crop, `joints` (J, 2) original ground truth (NaN = missing),
    `visible` (J,), `head_box` (4,), `has_head_box`, `torso_size` () (distance
    l_shoulder - r_hip in original pixels, NaN when missing), `image_id`,
    `person_index`.
    """

    def __init__(
        self,
        dataset_info: DatasetInfo,
        codec: HeatmapCodec,
        num_stacks: int | None = None,
        crop_decode: bool = True,
    ):
        self.info = dataset_info
        self.codec = codec
        self.num_stacks = num_stacks
        self.crop_decode = crop_decode
        names = dataset_info.joint_names
        self.torso = (
            (names.index("l_shoulder"), names.index("r_hip"))
            if "l_shoulder" in names and "r_hip" in names
            else None
        )

    def __call__(self, example: dict):
        """Centre-crop one decoded example; add its metadata or its targets.

        Args:
            example: a decoded example (the module notes).

        Returns:
            `(image, meta, ok)`, or `(image, heatmaps, weights, ok)` when
            `num_stacks` is set; see the class notes.
        """
        size = self.codec.input_size
        ok = example_is_valid(example, require_joints=False)
        center, scale = _box(example, self.info.name, ok)
        matrix = augment.crop_matrix(center, scale, 0.0, size)
        image = crop_example(example, matrix, size, self.crop_decode)
        image = tf.cast(image, tf.float32) / 255.0
        if self.num_stacks is not None:
            joints = augment.transform_points(example["joints"], matrix)
            weights = tf.cast(
                tf.reduce_all(tf.math.is_finite(joints), axis=-1), tf.float32
            )
            heatmaps, weights = self.codec.encode(joints, weights)
            n = self.num_stacks
            return image, (heatmaps,) * n, (weights,) * n, ok
        return image, self._meta(example, center, scale, matrix), ok

    def _meta(self, example: dict, center, scale, matrix) -> dict:
        joints = tf.cast(example["joints"], tf.float32)
        torso = tf.constant(float("nan"))
        if self.torso is not None:
            a, b = self.torso
            torso = tf.norm(joints[a] - joints[b])
        return {
            "center": center,
            "scale": scale,
            "affine": matrix,
            "joints": joints,
            "visible": tf.cast(example["visible"], tf.float32),
            "head_box": tf.cast(example["head_box"], tf.float32),
            "has_head_box": example["has_head_box"],
            "torso_size": torso,
            "image_id": example["image_id"],
            "person_index": example["person_index"],
        }
