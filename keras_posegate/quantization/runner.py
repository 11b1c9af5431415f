"""Run `posegate quantize` in a child process, from a Keras 3 process.

tensorflow-model-optimization switches its process to Keras 2 when imported, so
a Keras 3 caller (a demo, a notebook, a test) must not import it: it calls this
instead. No TensorFlow import here.
"""

from __future__ import annotations

import os
import subprocess
import sys


def run_quantize_subprocess(
    model_path: str,
    output: str,
    data_dir: str | None = None,
    epochs: int = 3,
    learning_rate: float = 1e-5,
    steps_per_epoch: int | None = None,
    synthetic_batches: int = 0,
    extra_flags: list[str] | None = None,
    timeout: float | None = None,
) -> subprocess.CompletedProcess:
    """Quantize a saved Keras 3 model in a fresh Python process.

    Args:
        model_path: the trained Keras 3 `.keras` model.
        output: QAT checkpoint prefix (`OUTPUT.weights.h5` + `OUTPUT.qat.json`).
        data_dir: TFRecord directory for fine-tuning (`posegate prepare`).
        epochs: fine-tuning epochs.
        learning_rate: fine-tuning RMSprop learning rate.
        steps_per_epoch: batches per epoch; None reads all of `data_dir`.
        synthetic_batches: fine-tune on this many synthetic batches instead of
            `data_dir` (smoke tests and demos).
        extra_flags: more `posegate quantize` flags.
        timeout: seconds before the child is killed.

    Returns:
        The completed process (stdout holds the JSON report).

    Raises:
        subprocess.CalledProcessError: with the child's output, if it fails.
    """
    cmd = [
        sys.executable, "-m", "keras_posegate", "quantize",
        f"--model={model_path}", f"--output={output}", f"--epochs={epochs}",
        f"--learning_rate={learning_rate}",
    ]  # fmt: skip
    if data_dir:
        cmd.append(f"--data_dir={data_dir}")
    if steps_per_epoch:
        cmd.append(f"--steps_per_epoch={steps_per_epoch}")
    if synthetic_batches:
        cmd.append(f"--synthetic_batches={synthetic_batches}")
    cmd += list(extra_flags or [])
    env = {**os.environ, "KERAS_BACKEND": "tensorflow"}
    env.pop("TF_USE_LEGACY_KERAS", None)
    result = subprocess.run(
        cmd, capture_output=True, text=True, env=env, timeout=timeout
    )
    if result.returncode:
        raise subprocess.CalledProcessError(
            result.returncode, cmd, result.stdout, result.stderr
        )
    return result
