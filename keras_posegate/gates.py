"""The learned soft gates of a model: summary and the Fig. 3 plot."""

from __future__ import annotations

from keras_posegate.models.posegate_model import model_gates
from keras_posegate.models.saving import load_keras_model


def gates_report(model_or_path, out_path: str) -> tuple[str, list[dict]]:
    """Plot the gate histograms to `out_path`; returns `(path, summary rows)`.

    Args:
        model_or_path: a PoseGate model, or the path of a `.keras` file.
        out_path: the PNG to write (atomically).

    Returns:
        `(path written, gate_summary rows)`, one row per gated block.

    Raises:
        ValueError: the model has no gates (e.g. trained with `gate=identity`).
    """
    from keras_posegate.viz import gate_summary, plot_gates

    model = model_or_path
    if isinstance(model_or_path, str):
        model = load_keras_model(model_or_path)
    gates = model_gates(model)
    if not gates:
        raise ValueError(
            f"{getattr(model, 'name', model)}: the model has no soft gates."
        )
    path = plot_gates(
        gates, out_path, title="Learned gate alpha per block, bottom to top"
    )
    return path, gate_summary(gates)
