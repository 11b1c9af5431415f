"""Audit converted .tflite models: int8-ness, GPU-delegate compatibility, op counts.

Runs over the installed library (`make venv`, then `.venv/bin/python tflite/audit.py
--help`); the code is `keras_posegate.litert.audit`.
"""

import sys

from keras_posegate.litert.audit import main

sys.exit(main())
