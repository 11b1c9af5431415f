"""`benchmark_train` on a tiny model: positive figures under the documented
keys, and the in-loop clock against a hand-timed loop of the same run."""

import time

import keras
import pytest

from keras_posegate.losses import MaskedHeatmapMSE
from keras_posegate.models import PoseGateModel
from keras_posegate.threads import current_threads
from keras_posegate.training.benchmark import (
    PAPER_MPII_IMAGES,
    StepTimer,
    benchmark_train,
    random_batch,
    repeated_batches,
    timed_fit,
)
from tests.training.conftest import TINY_MODEL


@pytest.mark.parametrize("mixed", [False, True])
def test_benchmark_train_reports_throughput_and_memory(mixed):
    # XLA off only: compiling with XLA takes tens of seconds on 2 CPU cores.
    result = benchmark_train(
        "posegate_tiny", batch_size=2, steps=2, warmup=1, jit_compile=(False,),
        model_config_overrides=TINY_MODEL, mixed_precision=mixed, repeats=3,
    )  # fmt: skip
    assert result["input_size"] == 64 and result["device"] in ("CPU", "GPU")
    assert result["precision"].startswith("mixed_") == mixed
    assert result["repeats"] == 3 and result["backend"] == keras.backend.backend()
    assert keras.mixed_precision.global_policy().name == "float32"  # restored
    if result["backend"] == "tensorflow":  # the pools it ran with
        threads = (result["inter_op_threads"], result["intra_op_threads"])
        assert threads == current_threads()
    hours = PAPER_MPII_IMAGES / result["xla_off_images_per_s"] / 3600
    assert result["xla_off_hours_paper_mpii"] == pytest.approx(hours, rel=1e-2)
    assert not [k for k in result if k.startswith("xla_on")]
    for tag in ("xla_off",):
        for key in ("images_per_s", "steps_per_s", "peak_rss_mb", "fit_seconds"):
            assert result[f"{tag}_{key}"] > 0, f"{tag}_{key}"
        low, mid = result[f"{tag}_images_per_s_min"], result[f"{tag}_images_per_s"]
        assert low <= mid <= result[f"{tag}_images_per_s_max"]
        ratio = result[f"{tag}_images_per_s"] / result[f"{tag}_steps_per_s"]
        assert ratio == pytest.approx(2, rel=1e-2)
        step_s = result[f"{tag}_step_ms"] / 1000
        assert step_s == pytest.approx(1 / result[f"{tag}_steps_per_s"], rel=1e-2)


def _tiny_compiled():
    model = PoseGateModel.from_preset("posegate_tiny", **TINY_MODEL)
    model.compile(optimizer=keras.optimizers.RMSprop(1e-4),
                  loss=[MaskedHeatmapMSE() for _ in model.outputs])  # fmt: skip
    return model


def test_in_loop_time_agrees_with_a_hand_timed_loop_of_the_same_run():
    model = _tiny_compiled()
    data = repeated_batches(random_batch(model, 2))
    marks = []

    def hand(batch, logs):  # the test's own clock, read after each step's results
        float(keras.ops.convert_to_numpy(logs["loss"]))
        marks.append(time.perf_counter())

    timer = StepTimer(warmup=2)
    start = time.perf_counter()
    model.fit(data, steps_per_epoch=8, epochs=1, verbose=0, shuffle=False,
              callbacks=[timer, keras.callbacks.LambdaCallback(on_train_batch_end=hand)])  # fmt: skip
    fit_seconds = time.perf_counter() - start
    assert timer.steps == 6 and len(marks) == 8
    by_hand = marks[-1] - marks[1]  # end of the 2nd (last warm-up) step to the end
    assert 0.9 < timer.seconds / by_hand < 1.1
    # The in-loop figure leaves out set-up, the warm-up steps and fit's return.
    assert timer.seconds < fit_seconds


def test_timed_fit_times_only_the_steps_after_warmup():
    model = _tiny_compiled()
    timer = timed_fit(model, repeated_batches(random_batch(model, 2)), 3, warmup=1)
    assert timer.steps == 3 and 0 < timer.seconds < timer.fit_seconds


def test_step_timer_without_timed_steps_says_so():
    timer = StepTimer(warmup=3)
    timer.on_train_begin()
    with pytest.raises(ValueError, match="warmup=3"):
        _ = timer.seconds


def test_benchmark_train_rejects_zero_steps_by_name():
    with pytest.raises(ValueError, match="steps"):
        benchmark_train("posegate_tiny", steps=0)
    with pytest.raises(ValueError, match="repeats"):
        benchmark_train("posegate_tiny", repeats=0)
