"""LiteRT (TFLite) tools over converted models.

The int8 audit, latency and size, accuracy against the Keras model, and the
Android decoder's golden files.

The runnable scripts in the repository's `tflite/` folder and the `posegate
audit` / `posegate latency` subcommands are thin layers over these modules.
"""

from __future__ import annotations


def interpreter(model: str | bytes):
    """An `ai_edge_litert` interpreter for a `.tflite` path or flatbuffer bytes.

    Args:
        model: a `.tflite` file path, or the model's flatbuffer bytes.

    Returns:
        An `ai_edge_litert.interpreter.Interpreter`, tensors not yet allocated.
    """
    from ai_edge_litert.interpreter import Interpreter

    if isinstance(model, bytes):
        return Interpreter(model_content=model)
    return Interpreter(model_path=str(model))
