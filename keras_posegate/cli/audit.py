"""Int8 audit of .tflite models: every op in integers (exit 1 when one is not).

posegate audit exports/posegate_qat.tflite [MORE.tflite ...]
"""

from __future__ import annotations

from absl import app


def main(argv):
    from keras_posegate.litert.audit import print_audits

    if len(argv) < 2:
        raise app.UsageError("give one or more .tflite files to audit")
    return print_audits(argv[1:])
