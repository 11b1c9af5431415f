"""Latency (ai_edge_litert, XNNPACK) and size of .tflite models.

Runs over the installed library (`make venv`, then `.venv/bin/python tflite/latency.py
--help`); the code is `keras_posegate.litert.latency`.
"""

import sys

from keras_posegate.litert.latency import main

sys.exit(main())
