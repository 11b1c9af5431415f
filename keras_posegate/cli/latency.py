"""Latency (median, p90 ms at each thread count) and size of .tflite models.

posegate latency exports/posegate_float32.tflite exports/posegate_qat.tflite
"""

from __future__ import annotations

import json

from absl import app, flags

_RUNS = flags.DEFINE_integer("runs", 30, "Timed invocations per model.", lower_bound=1)
_THREADS = flags.DEFINE_list("threads", ["1", "2"], "Thread counts to time.")


def main(argv):
    """Time the `.tflite` files named after the flags; print the results as JSON.

    Args:
        argv: `[program, MODEL.tflite, ...]`, as absl passes it.

    Returns:
        0, the exit status.

    Raises:
        app.UsageError: no file was given.
    """
    from keras_posegate.litert.latency import benchmark

    if len(argv) < 2:
        raise app.UsageError("give one or more .tflite files to time")
    threads = tuple(int(t) for t in _THREADS.value)
    print(json.dumps(benchmark(argv[1:], threads, _RUNS.value), indent=2))
    return 0
