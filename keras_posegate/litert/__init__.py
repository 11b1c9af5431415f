"""LiteRT (TFLite) tools over converted models: the int8 audit, latency and size,
accuracy against the Keras model, and the Android decoder's golden files.

The runnable scripts in the repository's `tflite/` folder and the `posegate
audit` / `posegate latency` subcommands are thin layers over these modules.
"""
