"""Convert MPII / LSP annotations and images into sharded TFRecords."""

from __future__ import annotations

import json

from absl import flags

from keras_posegate.cli import _validate
from keras_posegate.datasets.common import SPLITS
from keras_posegate.datasets.info import DATASETS

FLAGS = flags.FLAGS
flags.DEFINE_enum("dataset", None, list(DATASETS), "Dataset format to read.")
flags.DEFINE_string("source", None, "Dataset directory (annotations + images/).")
flags.DEFINE_string("out", None, "Output directory for the TFRecords.")
flags.DEFINE_enum("split", "train", list(SPLITS), "Split to convert.")
flags.DEFINE_integer("num_shards", 16, "Number of TFRecord shards.", lower_bound=1)
flags.DEFINE_string("images_dir", None, "Images directory (default SOURCE/images).")
flags.mark_flags_as_required(["dataset", "source", "out"])


_validate.existing_data_dir("source")


def main(argv: list[str]) -> None:
    """Convert `--split` of the dataset in `--source` into TFRecords in `--out`.

    Prints what the annotation reader skipped, the conversion report and the
    number of examples written.

    Args:
        argv: unused (the program name, as absl passes it).
    """
    del argv
    from keras_posegate.data.prepare import prepare

    report, reader_skipped = prepare(
        FLAGS.dataset,
        FLAGS.source,
        FLAGS.out,
        split=FLAGS.split,
        num_shards=FLAGS.num_shards,
        images_dir=FLAGS.images_dir,
    )
    print(f"reader skipped: {json.dumps(reader_skipped, default=str)}")
    print(report.summary())
    print(f"wrote {report.written} examples to {FLAGS.out}")
