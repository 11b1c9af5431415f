import keras
import numpy as np
import pytest

from keras_posegate.models import PoseGateConfig, PoseGateModel, get_preset_config
from keras_posegate.models.complexity import count_macs, count_params
from tests.helpers import TINY as SMALL
from tests.helpers import (
    assert_fit_step,
    run_model_test,
)


def _data(config, n=2, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.uniform(size=(n, config["input_size"], config["input_size"], 3)).astype(
        "float32"
    )
    size = config["input_size"] // 4
    y = [rng.uniform(size=(n, size, size, 16)).astype("float32")] * config["num_stacks"]
    return x, y


def test_output_shapes_one_heatmap_per_stack():
    model = PoseGateModel(**{**SMALL, "num_stacks": 3, "num_joints": 14})
    x, _ = _data({**SMALL, "num_stacks": 3})
    outputs = model(x)
    assert len(outputs) == 3
    assert all(tuple(o.shape) == (2, 16, 16, 14) for o in outputs)
    assert list(model.output_names) == [f"heatmaps_{i}" for i in range(3)]


@pytest.mark.parametrize("overrides", [{}, {"num_stacks": 1, "num_joints": 14}])
def test_config_round_trip_save_load_jit_fit_and_tf_keras_twin(overrides, tmp_path):
    model = PoseGateModel(**{**SMALL, **overrides})
    loaded = run_model_test(model, tmp_path, overrides.get("num_joints", 16))
    assert isinstance(loaded, PoseGateModel) and loaded.width == 16


@pytest.mark.parametrize(
    "overrides",
    [
        {"gate": "channel"}, {"gate": "scalar"}, {"gate": "fixed", "gate_value": 0.5},
        {"gate": "fixed", "gate_value": 0.1}, {"gate": "identity"},
        {"fusion": "sum"}, {"fusion": "concat"}, {"fusion": "concat_grouped"},
        {"skip_transform": "conv1x1"},
    ],
)  # fmt: skip
def test_every_table_ii_and_iv_variant_builds_and_trains(overrides):
    model = PoseGateModel(**{**SMALL, **overrides})
    x, y = _data(SMALL)
    assert_fit_step(model, x, y, jit_compile=False)
    gates = model.gates()
    if overrides.get("gate") == "identity":
        assert gates == []
    else:
        assert len(gates) > 0


def test_gates_start_at_zero_per_channel():
    gates = PoseGateModel(**SMALL).gates()
    assert gates[0][0] == "stem_block0"
    assert all(np.all(alpha == 0) for _, alpha in gates)
    assert {alpha.shape for _, alpha in gates} == {(8,), (16,)}


def test_grouped_fusion_halves_the_first_decoder_conv():
    plain = PoseGateModel(**SMALL).get_layer("hg0_dec0_a_conv").kernel.shape
    grouped = PoseGateModel(**{**SMALL, "fusion": "concat_grouped"})
    assert grouped.get_layer("hg0_dec0_a_conv").kernel.shape[2] == plain[2] // 2


@pytest.mark.parametrize(
    "preset,params,gflops,params_tol,gflops_tol",
    [
        ("posegate_1x64", 0.5e6, 0.8, 0.10, 0.25),  # Table III
        ("posegate_2x72", 1.0e6, 1.39, 0.10, 0.25),  # Table III
        ("posegate_4x144", 8.5e6, 9.9, 0.05, 0.10),  # Table V
        ("posegate_4x256", 26e6, 33.5, 0.05, 0.10),  # Table V
    ],
)
def test_paper_presets_match_the_paper(preset, params, gflops, params_tol, gflops_tol):
    config = get_preset_config(preset)
    model = keras.Model(*__import__("keras_posegate").models.build_graph(keras, config))
    assert abs(count_params(model) / params - 1) <= params_tol
    assert abs(count_macs(model) / 1e9 / gflops - 1) <= gflops_tol


@pytest.mark.parametrize(
    "kwargs,match",
    [
        ({"num_stacks": 0}, "num_stacks=0"),
        ({"width": 30}, "width=30"),
        ({"fusion": "max"}, "fusion='max'"),
        ({"gate": "sigmoid"}, "gate='sigmoid'"),
        ({"input_size": 100}, "input_size=100"),
        ({"stem_blocks": 0}, "stem_blocks=0"),
    ],
)
def test_bad_arguments_raise_value_error_naming_them(kwargs, match):
    with pytest.raises(ValueError, match=match):
        PoseGateConfig(**kwargs)


def test_constructor_arguments_are_the_config_fields_with_its_defaults():
    # `from_preset` and `from_config` pass a `PoseGateConfig` to the keyword
    # constructor; this keeps the two lists one list (names, order, defaults).
    import dataclasses
    import inspect

    params = inspect.signature(PoseGateModel.__init__).parameters
    arguments = [(p.name, p.default) for p in params.values()][1:-1]  # self, kwargs
    fields = [(f.name, f.default) for f in dataclasses.fields(PoseGateConfig)]
    assert arguments == fields
    model = PoseGateModel.from_preset("posegate_tiny", num_joints=14)
    assert model.config_record == get_preset_config("posegate_tiny", num_joints=14)
