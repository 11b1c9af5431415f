"""The end-to-end job on built-in synthetic data (what `make demo` runs).

Steps: write a synthetic MPII-format dataset, convert it to TFRecords, train a
model, evaluate it (Table V layout), quantization-aware fine-tune and export
int8, float32 and float16 TFLite, check TFLite against Keras (PCKh, latency,
size, GPU-delegate compatibility), predict on held-out images (skeleton
overlays), plot the learned gates, and write `summary.json`.

`runner.run_demo` runs them in that order; `common` holds the sizes
(`DemoConfig`), the output layout and the step banner; `model_steps` (data,
prepare, train, evaluate), `deploy_steps` (quantize, export, TFLite checks) and
`picture_steps` (predict, gates) are the steps.
"""

from keras_posegate.demo.common import STEPS, DemoConfig
from keras_posegate.demo.runner import format_summary, run_demo

__all__ = ["STEPS", "DemoConfig", "format_summary", "run_demo"]
