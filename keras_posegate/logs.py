"""TensorFlow's conversion chatter, kept off the terminal unless `--verbose`.

The TFLite converter and `tf.saved_model.save` log deprecation notes and
progress through Python logging ("Please consider providing the trackable_obj
argument", "Using new converter", "Assets written to"), warn ("Statistics for
quantized inputs were expected") and print one C++ line to stderr
("fully_quantize: 0, inference_type: 6, ..."). None of it is actionable for a
user of this project. `quiet_tensorflow()` holds them back for the duration of
a conversion or an export; errors still show, and `posegate --verbose` (the
`POSEGATE_VERBOSE=1` environment) shows everything.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import sys
import tempfile
import warnings
from collections.abc import Iterator

VERBOSE_ENV = "POSEGATE_VERBOSE"
# C++ lines the converter prints to stderr itself (not through TF's logging).
_CPP_LINES = re.compile(r"^fully_quantize: ")
_LOGGERS = ("tensorflow", "absl")


@contextlib.contextmanager
def quiet_tensorflow() -> Iterator[None]:
    """Hold back TensorFlow's INFO and WARNING chatter inside the block.

    Python loggers `tensorflow` and `absl` pass ERROR and above only, the converter's
    statistics `UserWarning` is ignored and the C++ `fully_quantize:` line is
    filtered out of stderr (file descriptor 2); every other stderr line is
    passed on after the block. A no-op when `POSEGATE_VERBOSE=1`.
    """
    if os.environ.get(VERBOSE_ENV) == "1":
        yield
        return
    # A filter, not a level: `tf.saved_model.save` resets the absl logger's
    # level (through absl's verbosity flag) in the middle of the block.
    loggers = [logging.getLogger(name) for name in _LOGGERS]
    for logger in loggers:
        logger.addFilter(_errors_only)
    try:
        with warnings.catch_warnings(), stderr_without(_CPP_LINES):
            warnings.filterwarnings("ignore", message="Statistics for quantized")
            yield
    finally:
        for logger in loggers:
            logger.removeFilter(_errors_only)


def _errors_only(record: logging.LogRecord) -> bool:
    return record.levelno >= logging.ERROR


@contextlib.contextmanager
def stderr_without(pattern: re.Pattern) -> Iterator[None]:
    """Capture file descriptor 2; pass on the lines that `pattern` does not match.

    TensorFlow's C++ code writes to the descriptor, not to `sys.stderr`; the
    lines kept are written out when the block ends.

    Args:
        pattern: compiled regex; a line it matches (from its start) is dropped.
    """
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as captured:
        os.dup2(captured.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            captured.seek(0)
            lines = captured.read().splitlines(True)
            kept = [
                line
                for line in lines
                if not pattern.match(line.decode("utf-8", "replace"))
            ]
            if kept:
                os.write(2, b"".join(kept))
