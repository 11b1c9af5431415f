"""Quantization-aware training (tf_keras + tfmot), run in its own process.

Nothing is imported here eagerly: `qat` pulls in tensorflow-model-optimization,
which switches the process to Keras 2. Use `run_quantize_subprocess` from a
Keras 3 process.
"""

from keras_posegate.quantization.runner import run_quantize_subprocess

__all__ = ["run_quantize_subprocess"]
