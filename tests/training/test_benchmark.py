"""`benchmark_train` on a tiny model: positive figures under the documented keys."""

import keras
import pytest

from keras_posegate.training.benchmark import PAPER_MPII_IMAGES, benchmark_train
from tests.training.conftest import TINY_MODEL


@pytest.mark.parametrize("mixed", [False, True])
def test_benchmark_train_reports_throughput_and_memory(mixed):
    # XLA off only: compiling with XLA takes tens of seconds on 2 CPU cores.
    result = benchmark_train(
        "posegate_tiny", batch_size=2, steps=2, warmup=1, jit_compile=(False,),
        model_config_overrides=TINY_MODEL, mixed_precision=mixed,
    )  # fmt: skip
    assert result["input_size"] == 64 and result["device"] in ("CPU", "GPU")
    assert result["precision"].startswith("mixed_") == mixed
    assert keras.mixed_precision.global_policy().name == "float32"  # restored
    hours = PAPER_MPII_IMAGES / result["xla_off_images_per_s"] / 3600
    assert result["xla_off_hours_paper_mpii"] == pytest.approx(hours, rel=1e-2)
    assert not [k for k in result if k.startswith("xla_on")]
    for tag in ("xla_off",):
        for key in ("images_per_s", "steps_per_s", "peak_rss_mb"):
            assert result[f"{tag}_{key}"] > 0, f"{tag}_{key}"
        ratio = result[f"{tag}_images_per_s"] / result[f"{tag}_steps_per_s"]
        assert ratio == pytest.approx(2, rel=1e-2)


def test_benchmark_train_rejects_zero_steps_by_name():
    with pytest.raises(ValueError, match="steps"):
        benchmark_train("posegate_tiny", steps=0)
