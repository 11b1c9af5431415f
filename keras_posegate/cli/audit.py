"""Audit .tflite models: int8-ness, GPU-delegate compatibility and op counts.

posegate audit exports/posegate_qat.tflite [MORE.tflite ...] [--require_gpu]

Exit status 1 when an int8 model (or any model, with --require_int8) is not
integer-only, or with --require_gpu when the GPU delegate would not run a model
whole; 2 when a file is missing or unreadable. See keras_posegate.litert.audit.
"""

from __future__ import annotations

from absl import app, flags

_INT8 = flags.DEFINE_bool(
    "require_int8", False, "Fail any model that is not integer-only."
)
_GPU = flags.DEFINE_bool(
    "require_gpu", False, "Fail any model the LiteRT GPU delegate would not run whole."
)


def main(argv):
    """Audit the `.tflite` files named after the flags; print a report for each.

    Args:
        argv: `[program, MODEL.tflite, ...]`, as absl passes it.

    Returns:
        The exit status: 0 when every model passes, 1 when one fails a check,
        2 when a file is missing or not a TFLite model.

    Raises:
        app.UsageError: no file was given.
    """
    from keras_posegate.litert.audit import print_audits

    if len(argv) < 2:
        raise app.UsageError("give one or more .tflite files to audit")
    return print_audits(argv[1:], _INT8.value, _GPU.value)
