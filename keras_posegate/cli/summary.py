"""Parameters and GFLOPs of a preset beside the paper's figures."""

from __future__ import annotations

import json

from absl import flags

from keras_posegate.models.presets import preset_names

_PRESET = flags.DEFINE_enum("preset", None, preset_names(), "Preset to summarise.")
_ALL = flags.DEFINE_bool("all", False, "Summarise every preset.")
_JSON = flags.DEFINE_bool("json", False, "Print JSON instead of a table.")


def main(argv):
    """Print parameters and GFLOPs of `--preset` (or `--all`) beside the paper's.

    A table, or JSON with `--json`.

    Args:
        argv: unused (the program name, as absl passes it).

    Raises:
        flags.ValidationError: neither `--preset` nor `--all` was given.
    """
    del argv
    from keras_posegate.models.summary import (
        all_summaries,
        format_table,
        preset_summary,
    )

    if not _ALL.value and _PRESET.value is None:
        raise flags.ValidationError("give --preset NAME or --all")
    rows = all_summaries() if _ALL.value else [preset_summary(_PRESET.value)]
    if _JSON.value:
        print(json.dumps(rows if _ALL.value else rows[0], indent=2))
    else:
        print(format_table(rows))
