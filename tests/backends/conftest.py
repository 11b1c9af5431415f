"""Which Keras backends the backend tests run on: TensorFlow and JAX always
(`make venv` installs jax), PyTorch where `torch` is importable (CI does not
install it: a CPU wheel is large). The run's summary says which ran."""

from __future__ import annotations

import importlib.util

OTHER_BACKENDS = ["jax"] + (["torch"] if importlib.util.find_spec("torch") else [])


def pytest_terminal_summary(terminalreporter):
    missing = "" if "torch" in OTHER_BACKENDS else " (torch: not installed)"
    terminalreporter.write_line(
        "Keras backends tested against TensorFlow: "
        f"{', '.join(OTHER_BACKENDS)}{missing}"
    )
