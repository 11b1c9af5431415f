"""Subprocess helpers for the training tests (bounded, quiet, loopback only)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TIMEOUT_S = 240


def child_env(**extra: str) -> dict:
    """The environment for a child Python: this repo importable, TF quiet."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [REPO, env.get("PYTHONPATH")]))
    env.update({"KERAS_BACKEND": "tensorflow", "TF_CPP_MIN_LOG_LEVEL": "2", **extra})
    return env


def run_python(
    args: list[str], timeout: float = TIMEOUT_S, **env: str
) -> subprocess.CompletedProcess:
    """`python ARGS` in a child process, bounded by `timeout` seconds."""
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True,
        timeout=timeout, env=child_env(**env), cwd=REPO,
    )  # fmt: skip


def posegate(
    *args: str, timeout: float = TIMEOUT_S, **env: str
) -> subprocess.CompletedProcess:
    """The `posegate` CLI in a child process (`env`: extra variables)."""
    return run_python(["-m", "keras_posegate", *args], timeout=timeout, **env)


def free_port() -> int:
    """A free loopback TCP port (bind to port 0, read it back, release it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
