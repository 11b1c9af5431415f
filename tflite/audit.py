"""Int8 audit of converted .tflite models (exit 1 when one computes in float).

Runs over the installed library (`make venv`, then `.venv/bin/python tflite/audit.py
--help`); the code is `keras_posegate.litert.audit`.
"""

import sys

from keras_posegate.litert.audit import main

sys.exit(main())
