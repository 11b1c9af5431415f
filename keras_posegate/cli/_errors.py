"""One line, not a traceback, for every user error (the CLI-wide handler).

`run_command` parses a subcommand's flags and runs its `main`; an error the
user can fix (a bad flag, a missing or unreadable input file, a
`keras_posegate.errors.PosegateError`, a `ValueError` or `OSError` raised while
reading the inputs) prints `posegate CMD: error: MESSAGE` on stderr and exits
`EXIT_USAGE` (2). `--verbose` anywhere on the command line, or
`POSEGATE_VERBOSE=1`, also prints the traceback (and keeps TensorFlow's logs).
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable

from keras_posegate.logs import VERBOSE_ENV

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
_TRUE = ("1", "true", "yes", "on")


def pop_verbose(argv: list[str]) -> tuple[list[str], bool]:
    """Remove the verbose flag from `argv` and tell whether verbose output is on.

    When on, `POSEGATE_VERBOSE=1` is set for the rest of the process.

    Args:
        argv: the whole command line.

    Returns:
        `(kept, verbose)`: `argv` without `--verbose`, `--verbose=BOOL` and
        `--noverbose`; and the last such flag's value, else whether
        `POSEGATE_VERBOSE` is set to a true value.
    """
    verbose = os.environ.get(VERBOSE_ENV, "").strip().lower() in _TRUE
    kept = []
    for arg in argv:
        if arg in ("--verbose", "-verbose"):
            verbose = True
        elif arg.startswith(("--verbose=", "-verbose=")):
            verbose = arg.split("=", 1)[1].strip().lower() in _TRUE
        elif arg in ("--noverbose", "-noverbose"):
            verbose = False
        else:
            kept.append(arg)
    if verbose:
        os.environ[VERBOSE_ENV] = "1"
    return kept, verbose


def _user_errors() -> tuple[type[BaseException], ...]:
    from absl import app, flags

    kinds: list[type[BaseException]] = [ValueError, OSError, flags.Error, app.Error]
    if "tensorflow" in sys.modules:  # file errors raised by TF's own readers
        import tensorflow as tf

        kinds += [
            tf.errors.NotFoundError,
            tf.errors.PermissionDeniedError,
            tf.errors.DataLossError,
        ]
    return tuple(kinds)


def one_line(error: BaseException) -> str:
    """Return the message of `error` on one line.

    A TensorFlow error gives its first line (the rest is graph-node context);
    any other error its text with the whitespace collapsed, or its type name
    when the text is empty.

    Args:
        error: the exception to describe.
    """
    message = getattr(error, "message", None)
    if isinstance(message, str) and message.strip():
        return message.strip().splitlines()[0]
    return " ".join(str(error).split()) or type(error).__name__


def fail(command: str, error: BaseException, verbose: bool) -> None:
    """Print `posegate COMMAND: error: MESSAGE` on stderr and exit `EXIT_USAGE`.

    Args:
        command: the command as shown, e.g. `posegate train`.
        error: the exception; its message is printed on one line.
        verbose: print the traceback first.

    Raises:
        SystemExit: always, with status `EXIT_USAGE` (2).
    """
    if verbose:
        traceback.print_exception(error, file=sys.stderr)
    print(f"{command}: error: {one_line(error)}", file=sys.stderr)
    sys.exit(EXIT_USAGE)


def run_command(
    name: str, main: Callable[[list[str]], object], args: list[str], verbose: bool
) -> None:
    """Run `absl.app.run(main)` for `posegate NAME ARGS...` with one-line errors.

    A flag error, a user error (see the module notes) or Ctrl-C prints one line
    on stderr and exits with `EXIT_USAGE` (2) or `EXIT_INTERRUPTED` (130); any
    other exception propagates with its traceback.

    Args:
        name: the subcommand, as typed.
        main: the subcommand's `main(argv)`.
        args: the arguments after the subcommand.
        verbose: also print tracebacks of user errors.
    """
    from absl import app, flags

    command = f"posegate {name}"

    def parse(argv: list[str]) -> list[str]:
        try:
            return flags.FLAGS(argv)
        except flags.Error as e:
            if verbose:
                traceback.print_exception(e, file=sys.stderr)
            print(f"{command}: error: {one_line(e)} (see {command} --help)",
                  file=sys.stderr)  # fmt: skip
            sys.exit(EXIT_USAGE)

    def guarded(argv: list[str]):
        try:
            return main(argv)
        except KeyboardInterrupt:
            if verbose:
                traceback.print_exc()
            print(f"{command}: interrupted", file=sys.stderr)
            sys.exit(EXIT_INTERRUPTED)
        except Exception as e:
            if not isinstance(e, _user_errors()):
                raise
            fail(command, e, verbose)

    app.run(guarded, argv=[command, *args], flags_parser=parse)
