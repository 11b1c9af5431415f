"""Benchmarks: `posegate benchmark data` (input pipeline throughput)."""

from __future__ import annotations

import json

from absl import app, flags

FLAGS = flags.FLAGS
flags.DEFINE_enum(
    "what", None, ["data"], "What to benchmark (or give it positionally)."
)
flags.DEFINE_string("source", None, "TFRecord directory (default: synthetic JPEGs).")
flags.DEFINE_bool("json", False, "Print the result as one JSON object.")
flags.DEFINE_integer("batch_size", 24, "Batch size.")
flags.DEFINE_integer("input_size", 256, "Network input side in pixels.")
flags.DEFINE_integer("num_stacks", 4, "Number of stacks (targets per example).")
flags.DEFINE_integer("num_batches", 40, "Timed batches.")
flags.DEFINE_integer("num_images", 64, "Synthetic images to generate without --source.")
flags.DEFINE_bool("crop_decode", True, "Decode only the crop window of JPEGs.")


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
    )


# Mode name -> library call returning a flat result dict. Add "train" here.
MODES = {"data": _data}


def main(argv: list[str]) -> None:
    what = argv[1] if len(argv) > 1 else FLAGS.what
    if what not in MODES:
        raise app.UsageError(
            f"posegate benchmark {'|'.join(MODES)} [--flags]; got {what!r}"
        )
    result = MODES[what]()
    if FLAGS.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:>24}: {value}")
