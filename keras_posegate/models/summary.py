"""Model summaries beside the paper's figures (what `posegate summary` prints)."""

from __future__ import annotations

import keras

from keras_posegate.models.builder import build_graph
from keras_posegate.models.complexity import count_macs, count_params
from keras_posegate.models.presets import PRESETS, get_preset_config, preset_names

MAC_NOTE = (
    "GFLOPs = multiply-accumulates of Conv2D/Dense layers at 256x256 input "
    "(the paper's convention), x 1e9"
)


def preset_summary(preset: str) -> dict:
    """Parameters and GFLOPs of a preset at 256x256, beside the paper's figures.

    Args:
        preset: one of `preset_names()` (the tiny 128-pixel preset is counted
            at its own size).

    Returns:
        A row dict: preset, description, stacks, width, input_size, params,
        gflops, the paper's params/gflops/pckh/table (None where it has none)
        and the relative differences `params_vs_paper`, `gflops_vs_paper`.
    """
    config = get_preset_config(preset)
    # The paper counts at 256x256; the tiny preset is counted at its own size.
    size = 256 if config.input_size != 128 else config.input_size
    inputs, outputs = build_graph(keras, config.replace(input_size=size))
    model = keras.Model(inputs, outputs)
    paper = PRESETS[preset]["paper"] or {}
    params, gflops = count_params(model), count_macs(model) / 1e9
    row = {
        "preset": preset,
        "description": PRESETS[preset]["description"],
        "stacks": config.num_stacks,
        "width": config.width,
        "input_size": size,
        "params": params,
        "gflops": round(gflops, 3),
        "paper_params": paper.get("params"),
        "paper_gflops": paper.get("gflops"),
        "paper_pckh": paper.get("pckh"),
        "paper_table": paper.get("table"),
    }
    row["params_vs_paper"] = _ratio(params, row["paper_params"])
    row["gflops_vs_paper"] = _ratio(gflops, row["paper_gflops"])
    keras.backend.clear_session()
    return row


def all_summaries() -> list[dict]:
    """`preset_summary` of every built-in preset, in `preset_names()` order."""
    return [preset_summary(name) for name in preset_names()]


def _ratio(ours, paper):
    return None if not paper else round(ours / paper - 1.0, 4)


def format_table(rows: list[dict]) -> str:
    """Fixed-width text table: ours against the paper.

    Args:
        rows: rows of `preset_summary`.

    Returns:
        The table, one line per row plus a note on what GFLOPs count.
    """

    def fmt(value, scale=1.0, digits=2):
        return "-" if value is None else f"{value / scale:.{digits}f}"

    def pct(value):
        return "" if value is None else f"({value:+.0%})"

    lines = [
        f"{'preset':<16}{'stacks':>7}{'width':>6}{'input':>6}"
        f"{'params (M)':>16}{'paper':>7}{'GFLOPs':>16}{'paper':>7}",
    ]
    for r in rows:
        lines.append(
            f"{r['preset']:<16}{r['stacks']:>7}{r['width']:>6}{r['input_size']:>6}"
            f"{fmt(r['params'], 1e6):>8} {pct(r['params_vs_paper']):>7}"
            f"{fmt(r['paper_params'], 1e6, 1):>7}"
            f"{fmt(r['gflops']):>8} {pct(r['gflops_vs_paper']):>7}"
            f"{fmt(r['paper_gflops']):>7}"
        )
    lines.append(MAC_NOTE)
    return "\n".join(lines)
