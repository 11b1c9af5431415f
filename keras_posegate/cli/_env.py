"""Process set-up that must happen before TensorFlow or Keras is imported.

`configure_environment(argv)` reads the two global choices straight from the
command line (absl parses flags only after the subcommand module, and with it
Keras, is imported, which is too late for both):

- `--backend NAME` sets `KERAS_BACKEND` (default "tensorflow"; a Keras process
  has one backend for its whole life). The subcommands that take it define it
  as a normal absl flag too, so their `--help` lists it.
- `--verbose` keeps TensorFlow's C++ start-up log (`I0000 ... cudart_stub`,
  `E0000 ... failed call to cuInit`, ...), which without it is silenced: the
  C++ log level is raised to errors-only-fatal and the lines TensorFlow writes
  while it loads, before its log level applies, are filtered out. Anything
  else written to stderr meanwhile is passed through.

Both reach child processes through the environment (`KERAS_BACKEND`,
`POSEGATE_VERBOSE=1`, `TF_CPP_MIN_LOG_LEVEL`), so a `posegate` run in a child
process (the demo's quantize step) behaves the same.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys

from keras_posegate.logs import VERBOSE_ENV, stderr_without

BACKENDS = ("tensorflow", "jax", "torch")
# absl / TensorFlow C++ log lines, and absl's note about logging before init.
_CPP_LOG = re.compile(
    r"^(?:[IWEF]\d{4} \d\d:\d\d:\d+\.\d+ +\d+ [\w./\-]+:\d+\] "
    r"|WARNING: All log messages before absl::InitializeLog\(\) is called)"
)


def scan_flag(argv: list[str], name: str) -> str | None:
    """Find the value of `--name VALUE` / `--name=VALUE` in `argv`.

    Only that flag is read (the rest is left to absl); `-name` works too.

    Args:
        argv: command-line arguments to scan.
        name: the flag name, without dashes.

    Returns:
        The value of the last occurrence (the last one wins), or None when the
        flag is absent.
    """
    value = None
    for i, arg in enumerate(argv):
        for prefix in (f"--{name}", f"-{name}"):
            if arg.startswith(prefix + "="):
                value = arg[len(prefix) + 1 :]
            elif arg == prefix and i + 1 < len(argv):
                value = argv[i + 1]
    return value


def scan_bool(argv: list[str], name: str) -> bool | None:
    """Read the boolean flag `--name` from `argv` without parsing the rest.

    Args:
        argv: command-line arguments to scan.
        name: the flag name, without dashes.

    Returns:
        True for `--name` or `--name=1|true|t|yes`, False for `--noname` or
        `--name=` with any other value, None when the flag is absent. The last
        occurrence wins.
    """
    found = None
    for arg in argv:
        for dashes in ("--", "-"):
            if arg == f"{dashes}{name}":
                found = True
            elif arg == f"{dashes}no{name}":
                found = False
            elif arg.startswith(f"{dashes}{name}="):
                found = arg.split("=", 1)[1].lower() in ("1", "true", "t", "yes")
    return found


def is_verbose() -> bool:
    """Tell whether verbose output is on for this process.

    True when this process, or the `posegate` run that started it, was given
    `--verbose` (passed on as `POSEGATE_VERBOSE=1`).
    """
    return os.environ.get(VERBOSE_ENV) == "1"


def configure_environment(argv: list[str]) -> None:
    """Set `KERAS_BACKEND` and the logging environment from `argv`.

    Then loads TensorFlow quietly (unless `--verbose`). Call it before anything
    imports TensorFlow, Keras or a subcommand module. A `--backend` whose
    package is not installed prints one line and exits with status 2.

    Args:
        argv: the subcommand's arguments (after `posegate NAME`).
    """
    backend = scan_flag(argv, "backend")
    # Several backends (`benchmark train --backend jax,torch`) run in child
    # processes; this process stays on TensorFlow.
    if backend in BACKENDS:
        _check_installed(backend)
    os.environ["KERAS_BACKEND"] = backend if backend in BACKENDS else "tensorflow"
    verbose = scan_bool(argv, "verbose")
    if verbose is not None:
        os.environ[VERBOSE_ENV] = "1" if verbose else "0"
    if is_verbose():
        os.environ["TF_CPP_MIN_LOG_LEVEL"] = "0"  # everything
        return
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
    os.environ.setdefault("GRPC_VERBOSITY", "ERROR")
    import_tensorflow_quietly()


def _check_installed(backend: str) -> None:
    import importlib.util

    if importlib.util.find_spec(backend) is None:
        print(
            f"posegate: --backend {backend}: the {backend} package is not "
            f"installed here (pip install {backend}).",
            file=sys.stderr,
        )
        sys.exit(2)


def import_tensorflow_quietly() -> None:
    """Import TensorFlow with its C++ start-up log lines filtered out of stderr.

    Those lines are written before `TF_CPP_MIN_LOG_LEVEL` takes effect; any
    other stderr output is passed through. An `ImportError` is left for the
    subcommand to report. A no-op when TensorFlow is already imported.
    """
    if "tensorflow" in sys.modules:
        return
    with stderr_without(_CPP_LOG), contextlib.suppress(ImportError):
        import tensorflow  # noqa: F401


def define_global_flags() -> None:
    """Register the global `--verbose` flag with absl.

    Subcommands then accept it and `--help` lists it; a no-op if another module
    already defined it.
    """
    from absl import flags

    if "verbose" not in flags.FLAGS:
        flags.DEFINE_bool(
            "verbose",
            False,
            "Show everything: TensorFlow's C++ start-up log and full tracebacks.",
        )
