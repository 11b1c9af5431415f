"""Benchmarks: `posegate benchmark data|train` (input pipeline, training step).

`posegate benchmark train --preset NAME [--json]` times training steps on
random in-memory data at the preset's input size, with and without XLA
(`--jit_compile both|on|off`), inside `fit` (from the end of a warm-up step to
the end of the last step), `--repeats` times, and reports the median images/s
with the lowest and highest, steps/s and peak memory.

`--backend jax` times the step on that Keras 3 backend; several,
`--backend tensorflow,jax,torch`, run each in its own process and print one
table side by side (JAX always compiles with XLA; PyTorch runs eagerly).
"""

from __future__ import annotations

import json

from absl import app, flags

from keras_posegate.data.augment import WARPS

FLAGS = flags.FLAGS
flags.DEFINE_enum(
    "what", None, ["data", "train"], "What to benchmark (or give it positionally)."
)
flags.DEFINE_string("source", None, "TFRecord directory (default: synthetic JPEGs).")
flags.DEFINE_bool("json", False, "Print the result as one JSON object.")
flags.DEFINE_integer("batch_size", 24, "Batch size.")
flags.DEFINE_integer("input_size", 256, "Network input side in pixels.")
flags.DEFINE_integer("num_stacks", 4, "Number of stacks (targets per example).")
flags.DEFINE_integer("num_batches", 40, "Timed batches.")
flags.DEFINE_integer("num_images", 64, "Synthetic images to generate without --source.")
flags.DEFINE_bool("crop_decode", True, "Decode only the crop window of JPEGs.")
flags.DEFINE_bool(
    "cache_images", False, "data: decode every image once, keep them in memory."
)
flags.DEFINE_enum(
    "warp", "tensorflow", list(WARPS),
    "data: how crops are warped (opencv: 2-3x faster, within 5 grey levels).",
)  # fmt: skip
flags.DEFINE_string("preset", "posegate_tiny", "train: model preset.")
flags.DEFINE_integer("train_steps", 10, "train: timed training steps.")
flags.DEFINE_integer("warmup_steps", 3, "train: untimed steps (trace, compile).")
flags.DEFINE_integer(
    "repeats",
    5,
    "Timed runs (data: of --num_batches; train: fit calls per setting); median, min, max.",
)
flags.DEFINE_bool(
    "mixed_precision", False, "train: float16 (GPU) / bfloat16 (CPU) compute."
)
flags.DEFINE_enum(
    "jit_compile", "both", ["both", "on", "off"], "train: XLA settings to time."
)
flags.DEFINE_list(
    "backend",
    ["tensorflow"],
    "train: Keras backends (tensorflow, jax, torch); several run side by side, "
    "each in its own process.",
)
flags.register_validator(
    "backend",
    lambda names: (
        bool(names) and all(n in ("tensorflow", "jax", "torch") for n in names)
    ),
    "--backend takes tensorflow, jax and/or torch, comma-separated.",
)


def _data() -> dict:
    from keras_posegate.data.benchmark import benchmark_data

    return benchmark_data(
        FLAGS.source,
        input_size=FLAGS.input_size,
        batch_size=FLAGS.batch_size,
        num_stacks=FLAGS.num_stacks,
        num_batches=FLAGS.num_batches,
        num_images=FLAGS.num_images,
        crop_decode=FLAGS.crop_decode,
        repeats=FLAGS.repeats,
        cache_images=FLAGS.cache_images,
        warp=FLAGS.warp,
    )


def _train() -> dict | list[dict]:
    import keras

    from keras_posegate.training import benchmark

    settings = {"both": (False, True), "on": (True,), "off": (False,)}
    kwargs = dict(
        batch_size=FLAGS.batch_size, steps=FLAGS.train_steps,
        warmup=FLAGS.warmup_steps, jit_compile=settings[FLAGS.jit_compile],
        mixed_precision=FLAGS.mixed_precision, repeats=FLAGS.repeats,
    )  # fmt: skip
    if FLAGS.backend == [keras.backend.backend()]:
        return benchmark.benchmark_train(FLAGS.preset, **kwargs)
    from keras_posegate.training.backend_table import benchmark_backends

    return benchmark_backends(FLAGS.backend, preset=FLAGS.preset, **kwargs)


# Mode name -> library call returning a flat result dict.
MODES = {"data": _data, "train": _train}


def main(argv: list[str]) -> None:
    """Run the benchmark named by the first argument (or `--what`) and print it.

    Prints one JSON object with `--json`; else a side-by-side table for several
    backends, or one `name: value` line per figure.

    Args:
        argv: `[program]` or `[program, "data" | "train"]`.

    Raises:
        app.UsageError: the mode is neither `data` nor `train`.
    """
    what = argv[1] if len(argv) > 1 else FLAGS.what
    if what not in MODES:
        raise app.UsageError(
            f"posegate benchmark {'|'.join(MODES)} [--flags]; got {what!r}"
        )
    result = MODES[what]()
    if FLAGS.json:
        print(json.dumps(result))
    elif isinstance(result, list):
        from keras_posegate.training.backend_table import side_by_side

        print(side_by_side(result))
    else:
        for key, value in result.items():
            print(f"{key:>24}: {value}")
