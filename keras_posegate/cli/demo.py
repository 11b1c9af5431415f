"""The end-to-end demo on built-in synthetic data (what `make demo` runs)."""

from __future__ import annotations

from absl import flags

_PRESET = flags.DEFINE_string("preset", "posegate_tiny", "Model preset.")


def main(argv):
    del argv
    from keras_posegate.models.summary import format_table, preset_summary

    print(format_table([preset_summary(_PRESET.value)]))
