"""Audit of converted TFLite models: int8-ness, GPU-delegate compatibility, op counts.

Int8: a model passes when every op computes in integers: no op reads or writes a
float32 tensor except the QUANTIZE that takes the float input at the model's
edge and the DEQUANTIZE that gives a float output at the edge, and no
DEQUANTIZE sits anywhere else (a float island wrapped in DEQUANTIZE/QUANTIZE is
the failure this catches). GPU delegate: `keras_posegate.litert.gpu`.

    posegate audit exports/*.tflite [--require_int8] [--require_gpu]
    python tflite/audit.py exports/*.tflite [--require_int8] [--require_gpu]

Prints one JSON document per model (the int8 audit's `ok`, `num_ops`,
`op_counts`, `violations`; `int8_model`; `gpu_delegate`) and one verdict line
per model on stderr. Exit status 1 when a model holding int8 tensors (or any
model, with `--require_int8`) fails the int8 audit, or, with `--require_gpu`, a
model the GPU delegate would not run whole; 2 when a file cannot be read.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys

import numpy as np

from keras_posegate.litert import interpreter

FLOAT_TYPES = (np.float32, np.float16, np.float64)


@dataclasses.dataclass
class AuditReport:
    """Result of `audit_int8`.

    Attributes:
        ok: True when the model is integer-only inside.
        num_ops: ops in the main subgraph.
        op_counts: op name -> count.
        violations: one line per offending op.
    """

    ok: bool
    num_ops: int
    op_counts: dict[str, int]
    violations: list[str]

    def to_dict(self) -> dict:
        """Return the report as a JSON-able dict of its four fields."""
        return dataclasses.asdict(self)


def audit_int8(model: str | bytes) -> AuditReport:
    """Audit a `.tflite` file (path) or flatbuffer (bytes); see module docstring.

    Args:
        model: a `.tflite` file path, or the model's flatbuffer bytes.

    Returns:
        An `AuditReport`.
    """
    interp = interpreter(model)
    tensors = {t["index"]: t for t in interp.get_tensor_details()}
    model_inputs = {d["index"] for d in interp.get_input_details()}
    model_outputs = {d["index"] for d in interp.get_output_details()}
    ops = interp._get_ops_details()
    counts: dict[str, int] = {}
    violations = []
    for op in ops:
        name = op["op_name"]
        counts[name] = counts.get(name, 0) + 1
        ins = [i for i in op["inputs"] if i >= 0]
        outs = [o for o in op["outputs"] if o >= 0]
        floats_in = [i for i in ins if tensors[i]["dtype"] in FLOAT_TYPES]
        floats_out = [o for o in outs if tensors[o]["dtype"] in FLOAT_TYPES]
        edge_quantize = name == "QUANTIZE" and set(floats_in) <= model_inputs
        edge_dequantize = name == "DEQUANTIZE" and set(outs) <= model_outputs
        if name == "DEQUANTIZE" and not edge_dequantize:
            violations.append(f"op {op['index']} DEQUANTIZE inside the graph")
            continue
        if edge_quantize or edge_dequantize:
            continue
        bad = [tensors[t]["name"] for t in floats_in + floats_out]
        if bad:
            violations.append(
                f"op {op['index']} {name} reads or writes float tensors: {bad[:4]}"
            )
    return AuditReport(not violations, len(ops), counts, violations)


def is_int8_model(model: str | bytes) -> bool:
    """True when the model holds int8 / uint8 tensors (an integer model).

    Args:
        model: a `.tflite` file path, or the model's flatbuffer bytes.
    """
    interp = interpreter(model)
    return any(t["dtype"] in (np.int8, np.uint8) for t in interp.get_tensor_details())


def audit_model(path: str) -> dict:
    """Every check of one `.tflite` file, as a JSON-able dict.

    Args:
        path: the `.tflite` file.

    Returns:
        `model` (the path), the `AuditReport` fields, `int8_model` and
        `gpu_delegate` (`keras_posegate.litert.gpu`'s report).
    """
    from keras_posegate.litert.gpu import gpu_compatibility

    with open(path, "rb") as f:
        content = f.read()
    return {
        "model": path,
        **audit_int8(content).to_dict(),
        "int8_model": is_int8_model(content),
        "gpu_delegate": gpu_compatibility(content).to_dict(),
    }


def _verdict(result: dict, require_int8: bool) -> tuple[str, bool]:
    if result["ok"]:
        return "PASS", True
    if result["int8_model"] or require_int8:
        return "FAIL", False
    return "not integer-only (a float model)", True


def print_audits(
    paths: list[str], require_int8: bool = False, require_gpu: bool = False
) -> int:
    """Print the audit of each model; the exit status of the module docstring.

    Args:
        paths: `.tflite` files.
        require_int8: fail any model that is not integer-only, float ones too.
        require_gpu: fail a model the GPU delegate would not run whole.

    Returns:
        0 when every model passes, 1 when one fails, 2 when a file is missing
        or not a TFLite model (printed on stderr; nothing is audited then).
    """
    for path in paths:
        if not os.path.isfile(path):
            print(f"audit: no such model file: {path}", file=sys.stderr)
            return 2
    failed = 0
    for path in paths:
        try:
            result = audit_model(path)
        except ValueError as e:  # Not a flatbuffer LiteRT can read.
            print(f"audit: cannot read {path} as a TFLite model: {e}", file=sys.stderr)
            return 2
        print(json.dumps(result, indent=2))
        int8_text, int8_ok = _verdict(result, require_int8)
        gpu = result["gpu_delegate"]
        gpu_text = "runs whole" if gpu["compatible"] else (
            "falls back to the CPU on " + ", ".join(
                f"{name} x{n}" for name, n in gpu["incompatible_ops"].items()))  # fmt: skip
        print(f"int8 audit {path}: {int8_text}", file=sys.stderr)
        print(f"GPU delegate {path}: {gpu_text}", file=sys.stderr)
        failed += (not int8_ok) or (require_gpu and not gpu["compatible"])
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    """`python tflite/audit.py MODEL [MODEL ...] [--require_int8] [--require_gpu]`."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", nargs="+", help=".tflite models")
    parser.add_argument("--require_int8", action="store_true",
                        help="fail any model that is not integer-only")  # fmt: skip
    parser.add_argument("--require_gpu", action="store_true",
                        help="fail any model the GPU delegate would not run whole")  # fmt: skip
    args = parser.parse_args(argv)
    return print_audits(args.models, args.require_int8, args.require_gpu)
