"""The `posegate` command: one entry point, one module per subcommand.

`posegate NAME --flags` imports `keras_posegate.cli.NAME` (dashes become
underscores), which defines its absl flags and a `main(argv)`; each of those is a
thin layer over a library function that the tests call directly.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import sys
from pathlib import Path


def subcommands() -> list[str]:
    """Names of the available subcommands, as typed on the command line."""
    names = [
        m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_")
    ]
    return sorted(n.replace("_", "-") for n in names)


def _usage() -> str:
    lines = ["usage: posegate SUBCOMMAND [--flags]   (posegate SUBCOMMAND --help)", ""]
    for name in subcommands():
        # Read the docstring without importing: each module defines global flags.
        source = Path(__path__[0], name.replace("-", "_") + ".py").read_text()
        doc = (ast.get_docstring(ast.parse(source)) or "").splitlines()
        lines.append(f"  {name:<14}{doc[0] if doc else ''}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """Run `posegate SUBCOMMAND [--flags]`: set up the process, then the handler."""
    from keras_posegate.cli import _env
    from keras_posegate.cli._errors import pop_verbose, run_command

    argv, verbose = pop_verbose(list(sys.argv if argv is None else argv))
    if len(argv) < 2 or argv[1] in ("-h", "--help", "help"):
        print(_usage())
        sys.exit(0 if len(argv) >= 2 else 2)
    name = argv[1]
    if name not in subcommands():
        print(f"posegate: unknown subcommand {name!r}\n\n{_usage()}", file=sys.stderr)
        sys.exit(2)
    # Before TensorFlow or Keras loads.
    _env.configure_environment(argv[2:], f"posegate {name}")
    _env.define_global_flags()
    module = importlib.import_module(f"{__name__}.{name.replace('-', '_')}")
    if any(a in ("-h", "--help", "--helpshort") for a in argv[2:]):
        from absl import flags

        print(f"usage: posegate {name} [--flags]\n\n{(module.__doc__ or '').strip()}\n")
        print(flags.FLAGS.module_help(module))
        print(flags.FLAGS.module_help(_env))
        sys.exit(0)
    run_command(name, module.main, argv[2:], verbose)
