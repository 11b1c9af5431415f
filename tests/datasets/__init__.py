"""Tests of keras_posegate.datasets."""
