"""Latency (ai_edge_litert, XNNPACK) and size of TFLite models.

    posegate latency exports/posegate_float32.tflite exports/posegate_int8.tflite
    python tflite/latency.py exports/posegate_float32.tflite exports/posegate_int8.tflite

Prints, per model, the size in bytes and the median / p90 latency in ms of one
inference at 1 and 2 threads (random input of the model's type).
"""

from __future__ import annotations

import argparse
import json
import os
import time

import numpy as np


def latency_ms(
    model_path: str, threads: int = 1, runs: int = 30, warmup: int = 5
) -> dict[str, float]:
    """Median and p90 milliseconds per `invoke()`.

    XNNPACK is the default CPU delegate of `ai_edge_litert`.

    Args:
        model_path: the `.tflite` file.
        threads: interpreter threads.
        runs: timed `invoke()` calls on one random input.
        warmup: untimed calls first.

    Returns:
        `{"median_ms": ..., "p90_ms": ...}`.
    """
    from ai_edge_litert.interpreter import Interpreter

    interp = Interpreter(model_path=str(model_path), num_threads=threads)
    interp.allocate_tensors()
    (inp,) = interp.get_input_details()
    rng = np.random.default_rng(0)
    if inp["dtype"] == np.float32:
        x = rng.uniform(size=inp["shape"]).astype(np.float32)
    else:
        info = np.iinfo(inp["dtype"])
        x = rng.integers(info.min, info.max + 1, size=inp["shape"]).astype(inp["dtype"])
    interp.set_tensor(inp["index"], x)
    for _ in range(warmup):
        interp.invoke()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        interp.invoke()
        times.append((time.perf_counter() - start) * 1e3)
    return {
        "median_ms": float(np.median(times)),
        "p90_ms": float(np.percentile(times, 90)),
    }


def benchmark(
    model_paths: list[str], threads: tuple[int, ...] = (1, 2), runs: int = 30
) -> dict[str, dict]:
    """File size and `latency_ms` of each model at each thread count.

    Args:
        model_paths: `.tflite` files.
        threads: thread counts to time.
        runs: timed calls per model and thread count.

    Returns:
        `{file name: {"bytes": size, "threads_1": {...}, "threads_2": {...}}}`.
    """
    report = {}
    for path in model_paths:
        row: dict = {"bytes": os.path.getsize(path)}
        for n in threads:
            row[f"threads_{n}"] = latency_ms(path, n, runs)
        report[os.path.basename(path)] = row
    return report


def main(argv: list[str] | None = None) -> int:
    """Command line: `MODEL... [--runs N] [--threads N...]`; prints a JSON report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", nargs="+")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args(argv)
    print(json.dumps(benchmark(args.models, tuple(args.threads), args.runs), indent=2))
    return 0
