"""Histograms of the learned gate alphas, bottom to top (the paper's Fig. 3)."""

from __future__ import annotations

from absl import flags

_MODEL = flags.DEFINE_string("model", None, "A .keras model file.", required=True)
_OUT = flags.DEFINE_string("out", "gates.png", "PNG to write.")


def main(argv):
    """Plot the gate histograms of `--model` to `--out`; print a per-block table.

    The table gives each gated block's channels, mean |alpha| and the share of
    channels with |alpha| < 0.1.

    Args:
        argv: unused (the program name, as absl passes it).
    """
    del argv
    from keras_posegate.gates import gates_report

    path, summary = gates_report(_MODEL.value, _OUT.value)
    print(f"{'block':<24}{'channels':>9}{'mean |alpha|':>14}{'|alpha|<0.1':>13}")
    for row in summary:
        print(
            f"{row['name']:<24}{row['channels']:>9}{row['mean_abs']:>14.3f}"
            f"{row['share_small']:>12.0%}"
        )
    print(f"plot: {path}")
