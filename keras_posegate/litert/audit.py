"""Int8 audit of a converted TFLite model.

A model passes when every op computes in integers: no op reads or writes a
float32 tensor except the QUANTIZE that takes the float input at the model's
edge and the DEQUANTIZE that gives a float output at the edge, and no
DEQUANTIZE sits anywhere else (a float island wrapped in DEQUANTIZE/QUANTIZE is
the failure this catches).

    posegate audit exports/posegate_qat.tflite      # exit status 1 on failure
    python tflite/audit.py exports/posegate_qat.tflite
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys

import numpy as np

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
        return dataclasses.asdict(self)


def _interpreter(model: str | bytes):
    from ai_edge_litert.interpreter import Interpreter

    if isinstance(model, bytes):
        return Interpreter(model_content=model)
    return Interpreter(model_path=str(model))


def audit_int8(model: str | bytes) -> AuditReport:
    """Audit a `.tflite` file (path) or flatbuffer (bytes); see module docstring."""
    interp = _interpreter(model)
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


def print_audits(paths: list[str]) -> int:
    """Print the audit of each model as JSON; 0 when all pass, 1 when one fails."""
    failed = 0
    for path in paths:
        report = audit_int8(path)
        print(json.dumps({"model": path, **report.to_dict()}, indent=2))
        print(f"int8 audit {path}:", "PASS" if report.ok else "FAIL", file=sys.stderr)
        failed += not report.ok
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    """`python tflite/audit.py MODEL [MODEL ...]`."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", nargs="+", help=".tflite models")
    return print_audits(parser.parse_args(argv).models)
