"""Golden cases for the Android demo's Kotlin heatmap decoder.

Runs over the installed library (`make venv`, then `.venv/bin/python tflite/golden.py
--help`); the code is `keras_posegate.litert.golden`.
"""

import sys

from keras_posegate.litert.golden import main

sys.exit(main())
