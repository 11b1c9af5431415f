"""`keras_posegate.logs.quiet_tensorflow`: conversion chatter held back, errors kept."""

from __future__ import annotations

import logging
import os
import warnings

from keras_posegate.logs import VERBOSE_ENV, quiet_tensorflow


class _Records(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def test_info_and_warnings_are_held_back_and_errors_kept(monkeypatch):
    monkeypatch.delenv(VERBOSE_ENV, raising=False)
    found = _Records()
    for name in ("tensorflow", "absl"):
        logging.getLogger(name).addHandler(found)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with quiet_tensorflow():
                # tf.saved_model.save resets the absl logger's level midway.
                logging.getLogger("absl").setLevel(logging.NOTSET)
                logging.getLogger("absl").info("absl info")
                logging.getLogger("tensorflow").warning("tf warning")
                logging.getLogger("tensorflow").error("tf error")
                warnings.warn(
                    "Statistics for quantized inputs", UserWarning, stacklevel=1
                )
                warnings.warn("something else", UserWarning, stacklevel=1)
            logging.getLogger("tensorflow").warning("after the block")
    finally:
        for name in ("tensorflow", "absl"):
            logging.getLogger(name).removeHandler(found)
    assert found.messages == ["tf error", "after the block"]
    assert [str(w.message) for w in caught] == ["something else"]


def test_the_cpp_line_is_filtered_from_stderr_and_the_rest_kept(monkeypatch, capfd):
    monkeypatch.delenv(VERBOSE_ENV, raising=False)
    with quiet_tensorflow():
        os.write(2, b"fully_quantize: 0, inference_type: 6\nconverter error: kept\n")
    err = capfd.readouterr().err
    assert "converter error: kept" in err
    assert "fully_quantize" not in err


def test_verbose_shows_everything(monkeypatch, capfd):
    monkeypatch.setenv(VERBOSE_ENV, "1")
    with quiet_tensorflow():
        assert logging.getLogger("tensorflow").isEnabledFor(logging.INFO) or (
            logging.getLogger("tensorflow").level == logging.NOTSET
        )
        os.write(2, b"fully_quantize: 0\n")
    assert "fully_quantize: 0" in capfd.readouterr().err
