"""Keypoints, skeleton overlay (PNG) and JSON for images, from any model format."""

from __future__ import annotations

import sys

from absl import flags

from keras_posegate.cli import _validate

_MODEL = flags.DEFINE_string(
    "model", None, ".keras file, SavedModel directory or .tflite file.", required=True
)
_OUT = flags.DEFINE_string("out_dir", "predictions", "Where PNGs and JSONs go.")
_BOX = flags.DEFINE_list(
    "box", None, "Person box x,y,w,h in pixels (default: whole image)."
)
_CENTER = flags.DEFINE_list(
    "center", None, "MPII-style person centre x,y (with --scale)."
)
_SCALE = flags.DEFINE_float("scale", None, "MPII-style person scale (box side / 200).")
_THRESHOLD = flags.DEFINE_float("threshold", 0.3, "Joints scoring below are not drawn.")


_validate.person_box("box")
_validate.point("center")
_validate.positive("scale")


def main(argv):
    """Predict keypoints for the images named after the flags; write PNG and JSON.

    Prints the files written for each image, and one line on stderr for each
    image that failed; exits with status 1 if any failed, else 0.

    Args:
        argv: `[program, IMAGE, ...]`, as absl passes it.

    Raises:
        flags.ValidationError: no image was given.
    """
    images = argv[1:]
    if not images:
        raise flags.ValidationError("give one or more image paths after the flags")
    from keras_posegate.predict import predict_files

    box = [float(v) for v in _BOX.value] if _BOX.value else None
    center = [float(v) for v in _CENTER.value] if _CENTER.value else None
    results, failures = predict_files(
        _MODEL.value, images, _OUT.value, box=box, center=center, scale=_SCALE.value,
        threshold=_THRESHOLD.value,
    )  # fmt: skip
    for r in results:
        print(f"{r['image']}: {r['png']}, {r['json']}")
    for path, reason in failures.items():
        print(f"{path}: FAILED ({reason})", file=sys.stderr)
    sys.exit(1 if failures else 0)
