"""Process set-up that must happen before TensorFlow or Keras is imported.

`configure_environment(argv)` reads the global choices straight from the
command line (absl parses flags only after the subcommand module, and with it
Keras, is imported, which is too late for them):

- `--backend NAME` sets `KERAS_BACKEND` (default "tensorflow"; a Keras process
  has one backend for its whole life). The subcommands that take it define it
  as a normal absl flag too, so their `--help` lists it.
- `--verbose` keeps TensorFlow's C++ start-up log (`I0000 ... cudart_stub`,
  `E0000 ... failed call to cuInit`, ...), which without it is silenced: the
  C++ log level is raised to errors-only-fatal and the lines TensorFlow writes
  while it loads, before its log level applies, are filtered out. Anything
  else written to stderr meanwhile is passed through.
- `--inter_op_threads N` and `--intra_op_threads N` size TensorFlow's thread
  pools (`keras_posegate.threads`; 0 is TensorFlow's choice, the default,
  except that training steps of small models on CPUs of 1-2 cores get one
  thread per op unless `--intra_op_threads` says otherwise).

They reach child processes through the environment (`KERAS_BACKEND`,
`POSEGATE_VERBOSE=1`, `TF_CPP_MIN_LOG_LEVEL`, `TF_NUM_INTEROP_THREADS`,
`TF_NUM_INTRAOP_THREADS`), so a `posegate` run in a child process (the demo's
quantize step) behaves the same.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys

from keras_posegate.logs import VERBOSE_ENV, stderr_without
from keras_posegate.threads import configure_threads

BACKENDS = ("tensorflow", "jax", "torch")
THREAD_FLAGS = ("inter_op_threads", "intra_op_threads")
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


def configure_environment(argv: list[str], command: str = "posegate") -> None:
    """Set `KERAS_BACKEND`, the thread pools and the logging environment.

    Then loads TensorFlow quietly (unless `--verbose`). Call it before anything
    imports TensorFlow, Keras or a subcommand module. A `--backend` whose
    package is not installed, or a thread count that is not an integer >= 0,
    prints one line, `COMMAND: error: ...`, and exits with status 2.

    Args:
        argv: the subcommand's arguments (after `posegate NAME`).
        command: the command as shown in error lines, e.g. `posegate train`.
    """
    backend = scan_flag(argv, "backend")
    # Several backends (`benchmark train --backend jax,torch`) run in child
    # processes; this process stays on TensorFlow.
    if backend in BACKENDS:
        _check_installed(backend, command)
    os.environ["KERAS_BACKEND"] = backend if backend in BACKENDS else "tensorflow"
    configure_threads(*(_thread_count(argv, n, command) for n in THREAD_FLAGS))
    verbose = scan_bool(argv, "verbose")
    if verbose is not None:
        os.environ[VERBOSE_ENV] = "1" if verbose else "0"
    if is_verbose():
        os.environ["TF_CPP_MIN_LOG_LEVEL"] = "0"  # everything
        return
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
    os.environ.setdefault("GRPC_VERBOSITY", "ERROR")
    import_tensorflow_quietly()


def _refuse(command: str, message: str) -> None:
    print(f"{command}: error: {message}", file=sys.stderr)
    sys.exit(2)


def _check_installed(backend: str, command: str = "posegate") -> None:
    import importlib.util

    if importlib.util.find_spec(backend) is None:
        _refuse(command, f"--backend {backend}: the {backend} package is not "
                f"installed here (pip install {backend}).")  # fmt: skip


def _thread_count(argv: list[str], name: str, command: str) -> int | None:
    value = scan_flag(argv, name)
    if value is not None and not (value.isascii() and value.isdigit()):
        _refuse(command, f"--{name} must be an integer >= 0 (0: TensorFlow's "
                f"choice). Received: {value!r}")  # fmt: skip
    return None if value is None else int(value)


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
    """Register the global `--verbose` and thread flags with absl.

    Subcommands then accept them and `--help` lists them; a flag another module
    already defined is left as it is. (`configure_environment` has applied
    the thread counts already.)
    """
    from absl import flags

    helps = {
        "inter_op_threads": "TensorFlow threads that run independent ops side "
        "by side; 0: TensorFlow's choice (one per core), the default.",
        "intra_op_threads": "TensorFlow threads that share one op's work; 0: "
        "TensorFlow's choice (one per core), the default, except for training "
        "steps of small models on CPUs of 1-2 cores (train, demo, quantize, "
        "benchmark train): 1.",
    }
    for name in THREAD_FLAGS:
        if name not in flags.FLAGS:
            flags.DEFINE_integer(name, None, helps[name], lower_bound=0)

    if "verbose" not in flags.FLAGS:
        flags.DEFINE_bool(
            "verbose",
            False,
            "Show everything: TensorFlow's C++ start-up log and full tracebacks.",
        )
