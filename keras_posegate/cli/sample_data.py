"""Write a synthetic MPII or LSP sample dataset in the official file formats."""

from __future__ import annotations

import json

from absl import flags

from keras_posegate.datasets.info import DATASETS
from keras_posegate.datasets.synthetic import write_sample_dataset

FLAGS = flags.FLAGS
flags.DEFINE_enum("format", "mpii", list(DATASETS), "Annotation format to write.")
flags.DEFINE_string("out", None, "Output folder.", required=True)
flags.DEFINE_integer("num", 100, "Number of images (one person each).", lower_bound=1)
flags.DEFINE_integer("seed", 0, "Random seed; the same seed writes the same files.")
flags.DEFINE_integer("image_width", 256, "Canvas width in pixels.")
flags.DEFINE_integer("image_height", 256, "Canvas height in pixels.")
flags.DEFINE_enum(
    "lsp_layout", "original", ["original", "extended"], "LSP joints.mat layout."
)
flags.DEFINE_boolean("quirks", True, "MPII: add the quirky entries of the real file.")


def main(argv: list[str]) -> None:
    """Write the synthetic dataset the flags describe and print a summary.

    Prints the image count and folder, each annotation file written, then the
    whole summary as JSON.

    Args:
        argv: unused (the program name, as absl passes it).
    """
    del argv
    summary = write_sample_dataset(
        FLAGS.out,
        FLAGS.format,
        FLAGS.num,
        seed=FLAGS.seed,
        image_size=(FLAGS.image_width, FLAGS.image_height),
        quirks=FLAGS.quirks,
        lsp_layout=FLAGS.lsp_layout,
    )
    print(
        f"Wrote {summary['num_images']} images ({summary['num_people']} people) "
        f"to {summary['out_dir']}/images in {summary['seconds']} s"
    )
    for name in summary["files"]:
        print(f"  {summary['out_dir']}/{name}")
    print(json.dumps(summary, indent=2))
