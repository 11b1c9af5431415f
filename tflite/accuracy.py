"""Accuracy of converted .tflite models against the Keras model.

Runs over the installed library (`make venv`, then `.venv/bin/python tflite/accuracy.py
--help`); the code is `keras_posegate.litert.accuracy`.
"""

import sys

from keras_posegate.litert.accuracy import main

sys.exit(main())
