"""Will the LiteRT GPU delegate run a `.tflite` model whole?

Two checks, both by op name:

- TensorFlow's analyzer, `tf.lite.experimental.Analyzer.analyze(model_content=...,
  gpu_compatibility=True)`. It prints its report; `parse_analyzer_report` reads
  the `Op#N NAME(...)` lines and the `GPU COMPATIBILITY WARNING: ...` line that
  follows an op the delegate refuses. Caution: in the TensorFlow 2.21 pip wheel
  the analyzer's GPU check is compiled out: it reports every model "compatible"
  (even one of TOPK_V2 and REVERSE_V2, which the delegate has no kernel for).
- So the rules of the delegate are also applied here, from its sources
  (`tflite/tools/versioning/gpu_compatibility.cc` and `model_builder_helper.cc`):
  the op must be one the delegate has a kernel for (`GPU_OPS`), and every
  runtime tensor it reads or writes must have 1 to 4 dimensions (the delegate
  stores tensors as BHWC; a 5-D tensor fails with "has bad input dims size: 5"
  when the app applies the delegate, and the whole model falls back to the CPU).
  SLICE and STRIDED_SLICE take only 3-D or 4-D inputs.

A model is `compatible` when neither check names an op.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import re

# Builtin ops with a GPU delegate kernel (gpu_compatibility.cc, TF 2.21).
_GPU_OP_NAMES = """
ABS ADD ADD_N ATAN2 AVERAGE_POOL_2D BATCH_MATMUL CAST CEIL CONCATENATION CONV_2D COS
CUMSUM DENSIFY DEPTHWISE_CONV_2D DEPTH_TO_SPACE DEQUANTIZE DIV DYNAMIC_UPDATE_SLICE
ELU EMBEDDING_LOOKUP EQUAL EXP FLOOR FLOOR_DIV FLOOR_MOD FULLY_CONNECTED GATHER GELU
GREATER GREATER_EQUAL HARD_SWISH LEAKY_RELU LESS LESS_EQUAL LOG LOGICAL_AND LOGISTIC
LSTM MAXIMUM MAX_POOL_2D MEAN MINIMUM MIRROR_PAD MUL NEG NOT_EQUAL ONE_HOT PACK PAD
PADV2 POW PRELU QUANTIZE REDUCE_MAX REDUCE_MIN REDUCE_PROD RELU RELU6 RELU_N1_TO_1
RESHAPE RESIZE_BILINEAR RESIZE_NEAREST_NEIGHBOR RSQRT SELECT SELECT_V2 SIGN SIN SLICE
SOFTMAX SPACE_TO_DEPTH SPLIT SPLIT_V SQRT SQUARE SQUARED_DIFFERENCE STABLEHLO_CLAMP
STRIDED_SLICE SUB SUM TANH TILE TRANSPOSE TRANSPOSE_CONV
"""
GPU_OPS = frozenset(_GPU_OP_NAMES.split())
MAX_RANK = 4
_OP_LINE = re.compile(r"^\s*Op#(\d+) ([A-Za-z0-9_]+)\(")
_WARNING = "GPU COMPATIBILITY WARNING:"


@dataclasses.dataclass
class GpuReport:
    """Result of `gpu_compatibility`.

    Attributes:
        compatible: True when the delegate should take every op.
        incompatible_ops: op name -> how many of them the delegate refuses.
        issues: one line per refused op (`op 49 RESHAPE: ...`).
        analyzer_compatible: the analyzer's own verdict.
        analyzer_warnings: its `GPU COMPATIBILITY WARNING` lines, with the op.
    """

    compatible: bool
    incompatible_ops: dict[str, int]
    issues: list[str]
    analyzer_compatible: bool
    analyzer_warnings: list[str]

    def to_dict(self) -> dict:
        """The report as plain JSON-ready values."""
        return dataclasses.asdict(self)


def run_analyzer(model_content: bytes) -> str:
    """The text `tf.lite.experimental.Analyzer.analyze` prints (GPU check on)."""
    import tensorflow as tf

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        tf.lite.experimental.Analyzer.analyze(
            model_content=model_content, gpu_compatibility=True
        )
    return buffer.getvalue()


def parse_analyzer_report(text: str) -> tuple[bool, list[tuple[int, str, str]]]:
    """Read the analyzer's report.

    Returns:
        `(compatible, [(op index, op name, warning message), ...])`: compatible
        when no op got a warning and the report does not say otherwise.
    """
    warnings, last_op = [], None
    for line in text.splitlines():
        match = _OP_LINE.match(line)
        if match:
            last_op = (int(match.group(1)), match.group(2))
            continue
        stripped = line.strip()
        if stripped.startswith(_WARNING) and last_op is not None:
            message = stripped[len(_WARNING) :].strip()
            if not message.startswith("Subgraph#"):
                warnings.append((*last_op, message))
                last_op = None
    summary_bad = any(
        line.strip().startswith(_WARNING) and "Subgraph#" in line
        for line in text.splitlines()
    )
    return not warnings and not summary_bad, warnings


def _rule_issues(model: str | bytes) -> list[tuple[int, str, str]]:
    from keras_posegate.litert import interpreter

    interp = interpreter(model)
    tensors = {t["index"]: t for t in interp.get_tensor_details()}
    ops = interp._get_ops_details()
    runtime = {d["index"] for d in interp.get_input_details()}
    for op in ops:  # In execution order. A DEQUANTIZE of a constant (the float16
        # weights) is folded by the delegate: its output stays a constant.
        if op["op_name"] != "DEQUANTIZE" or op["inputs"][0] in runtime:
            runtime.update(o for o in op["outputs"] if o >= 0)
    issues = []
    for op in ops:
        name, index = op["op_name"], op["index"]
        if name not in GPU_OPS:
            issues.append((index, name, "no GPU delegate kernel for this op"))
            continue
        used = [t for t in (*op["inputs"], *op["outputs"]) if t >= 0 and t in runtime]
        ranks = {tensors[t]["name"]: len(tensors[t]["shape"]) for t in used}
        bad = {n: r for n, r in ranks.items() if not 1 <= r <= MAX_RANK}
        if bad:
            tensor, rank = next(iter(bad.items()))
            issues.append((index, name, f"tensor {tensor!r} has {rank} dimensions "
                                        f"(the delegate takes 1 to {MAX_RANK})"))  # fmt: skip
        elif name in ("SLICE", "STRIDED_SLICE"):
            rank = len(tensors[op["inputs"][0]]["shape"])
            if rank not in (3, 4):
                issues.append((index, name, f"input has {rank} dimensions, not 3 or 4"))
    return issues


def gpu_compatibility(model: str | bytes) -> GpuReport:
    """Check a `.tflite` file (path) or flatbuffer (bytes); see module docstring."""
    if isinstance(model, bytes):
        content = model
    else:
        with open(model, "rb") as f:
            content = f.read()
    analyzer_ok, warnings = parse_analyzer_report(run_analyzer(content))
    found = {(i, n): m for i, n, m in _rule_issues(content)}
    for index, name, message in warnings:
        found.setdefault((index, name), f"analyzer: {message}")
    counts: dict[str, int] = {}
    for _, name in found:
        counts[name] = counts.get(name, 0) + 1
    return GpuReport(
        compatible=not found and analyzer_ok,
        incompatible_ops=dict(sorted(counts.items())),
        issues=[f"op {i} {n}: {m}" for (i, n), m in sorted(found.items())],
        analyzer_compatible=analyzer_ok,
        analyzer_warnings=[f"op {i} {n}: {m}" for i, n, m in warnings],
    )
