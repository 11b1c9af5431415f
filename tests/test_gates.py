import numpy as np
import pytest

from keras_posegate.gates import gates_report, model_gates
from keras_posegate.models import PoseGateModel
from tests.helpers import TINY

SMALL = {**TINY, "num_stacks": 1}


def test_gates_report_plots_and_summarises_learned_alphas(tmp_path):
    model = PoseGateModel(**SMALL)
    gates = [layer for layer in model.layers if type(layer).__name__ == "SoftGate"]
    first = gates[0]
    alpha = np.linspace(-0.4, 0.4, first.alpha.shape[0]).astype("float32")
    first.set_weights([alpha])
    path, summary = gates_report(model, str(tmp_path / "gates.png"))
    assert path.endswith("gates.png") and (tmp_path / "gates.png").stat().st_size > 1000
    assert [row["name"] for row in summary] == [name for name, _ in model_gates(model)]
    expected = np.mean(np.abs(alpha) < 0.1)
    assert summary[0]["share_small"] == pytest.approx(expected)
    assert summary[1]["share_small"] == 1.0  # untrained gates are all 0


def test_a_model_without_gates_is_refused(tmp_path):
    with pytest.raises(ValueError, match="no soft gates"):
        gates_report(PoseGateModel(**SMALL, gate="identity"), str(tmp_path / "g.png"))
