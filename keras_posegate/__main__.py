"""`python -m keras_posegate SUBCOMMAND ...` is the same as `posegate SUBCOMMAND ...`."""

from keras_posegate.cli import main

main()
