"""TensorFlow's thread pools (`keras_posegate.threads`) and their flags."""

import json
import os
import subprocess
import sys

import pytest

from keras_posegate import threads

INTER, INTRA = threads.INTER_OP_ENV, threads.INTRA_OP_ENV


@pytest.fixture
def clean_env(monkeypatch):
    """No thread variables set, and restored afterwards."""
    monkeypatch.delenv(INTER, raising=False)
    monkeypatch.delenv(INTRA, raising=False)
    return monkeypatch


@pytest.mark.parametrize(
    "cores, batch, size, width, intra",
    [
        (2, 8, 128, 32, 1),  # posegate_tiny at batch 8: 0.26M values
        (1, 24, 128, 32, 1),
        (2, 32, 128, 32, 0),  # 2^20 values: no longer under the bound
        (2, 8, 256, 64, 0),  # a 2x64 model at 256x256
        (2, 2, 256, 64, 1),
        (3, 8, 128, 32, 0),  # larger CPUs keep TensorFlow's choice
        (64, 1, 64, 16, 0),
    ],
)
def test_training_steps_get_one_thread_per_op_when_small_on_two_cores(
    cores, batch, size, width, intra
):
    assert threads.training_intra_op(cores, batch, size, width) == intra


def test_unset_counts_leave_the_environment_as_it_is(clean_env):
    assert threads.configure_threads() == (0, 0)
    assert INTER not in os.environ and INTRA not in os.environ
    clean_env.setenv(INTRA, "4")  # the user's, or a parent `posegate` run's
    assert threads.configure_threads() == (0, 4)


def test_explicit_counts_win_and_zero_is_kept_as_a_choice(clean_env):
    clean_env.setenv(INTRA, "1")
    assert threads.configure_threads(inter_op=3, intra_op=0) == (3, 0)
    assert (os.environ[INTER], os.environ[INTRA]) == ("3", "0")
    assert threads.current_threads() == (3, 0)


@pytest.mark.parametrize("kwargs", [{"inter_op": -1}, {"intra_op": -2}])
def test_negative_counts_are_refused(clean_env, kwargs):
    with pytest.raises(ValueError, match="must be >= 0"):
        threads.configure_threads(**kwargs)


@pytest.fixture
def not_started(clean_env):
    """Two cores, and a TensorFlow that has not started yet."""
    clean_env.setattr(threads, "available_cores", lambda: 2)
    clean_env.setattr(threads, "_set_tensorflow_intra_op", lambda count: True)
    return clean_env


@pytest.mark.parametrize("size, width, intra", [(128, 32, 1), (256, 64, 0)])
def test_training_threads_follow_the_step_size(not_started, size, width, intra):
    assert threads.configure_training_threads(8, size, width) == (0, intra)
    assert os.environ[INTRA] == str(intra)  # passed on to child processes


def test_a_given_intra_op_count_wins_over_the_training_rule(not_started):
    not_started.setenv(INTRA, "0")  # `--intra_op_threads 0`
    assert threads.configure_training_threads(8, 128, 32) == (0, 0)
    assert os.environ[INTRA] == "0"


def test_a_started_tensorflow_is_left_as_it_is(clean_env):
    import tensorflow as tf

    tf.constant(1.0) + 1.0  # starts TensorFlow, pools fixed
    clean_env.setattr(threads, "available_cores", lambda: 2)
    # A step whose rule differs from the count TensorFlow was configured with.
    small = tf.config.threading.get_intra_op_parallelism_threads() != 1
    size, width = (128, 32) if small else (256, 64)
    assert threads.training_intra_op(2, 8, size, width) == int(small)
    assert threads.configure_training_threads(8, size, width) == (0, 0)
    assert INTRA not in os.environ  # no count that TensorFlow does not run with


@pytest.mark.parametrize(
    "preset, batch, intra", [("posegate_tiny", 16, "1"), ("posegate_2x72", 8, "0")]
)
def test_train_sizes_the_pool_for_its_model_and_batch(
    not_started, preset, batch, intra
):
    from keras_posegate.training.config import TrainConfig
    from keras_posegate.training.trainer import _choose_threads

    _choose_threads(TrainConfig(preset=preset, batch_size=batch))
    assert os.environ[INTRA] == intra


def _tensorflow_threads(setup: str) -> dict[str, int]:
    """Thread counts of a fresh process that ran `setup`, then a conv."""
    code = f"""
import os
import tensorflow as tf
from keras_posegate import threads
{setup}
tf.nn.conv2d(tf.ones((2, 32, 32, 8)), tf.ones((3, 3, 8, 8)), 1, "SAME")
main = open("/proc/self/comm").read().strip()
names = [open(f"/proc/self/task/{{t}}/comm").read().strip()
         for t in os.listdir("/proc/self/task")]
print({{"tf_Compute": names.count("tf_Compute"), "unnamed": names.count(main)}})
"""
    env = {k: v for k, v in os.environ.items() if k not in (INTER, INTRA)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True,
                         text=True, check=True, env=env)  # fmt: skip
    return eval(out.stdout.strip().splitlines()[-1])  # a dict literal


@pytest.mark.skipif(not os.path.isdir("/proc/self/task"), reason="Linux /proc only")
def test_tensorflow_starts_with_the_configured_pools():
    # TensorFlow names its inter-op threads tf_Compute; the intra-op pool's
    # threads keep the process's name (as the main thread and a few others do),
    # so their count differs by the difference of the settings.
    three_one = _tensorflow_threads("threads.configure_threads(3, 1)")
    three_four = _tensorflow_threads("threads.configure_threads(3, 4)")
    assert three_one["tf_Compute"] == 3
    assert three_four["unnamed"] - three_one["unnamed"] == 3


@pytest.mark.skipif(not os.path.isdir("/proc/self/task"), reason="Linux /proc only")
def test_training_threads_reach_a_loaded_tensorflow_before_it_starts():
    # TensorFlow imported (as the CLI imports it), not started: the training
    # rule still sizes the pool, through tf.config.threading.
    set_up = "threads.configure_threads(3); threads.configure_training_threads({})"
    small = _tensorflow_threads(set_up.format("8, 128, 32"))
    large = _tensorflow_threads(set_up.format("8, 256, 64"))
    cores = threads.available_cores()
    expected = [
        threads.training_intra_op(cores, 8, s, w) for s, w in ((128, 32), (256, 64))
    ]
    pool = [1 if intra else cores for intra in expected]  # 0: one per core
    assert large["unnamed"] - small["unnamed"] == pool[1] - pool[0]


def test_benchmark_train_runs_with_and_reports_the_flags_counts():
    args = ("--json --preset posegate_tiny --batch_size 1 --train_steps 1 "
            "--warmup_steps 1 --repeats 1 --jit_compile off --inter_op_threads 3 "
            "--intra_op_threads 0")  # fmt: skip
    run = subprocess.run(
        [sys.executable, "-m", "keras_posegate", "benchmark", "train", *args.split()],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    result = json.loads(run.stdout)
    assert (result["inter_op_threads"], result["intra_op_threads"]) == (3, 0)
    assert result["xla_off_images_per_s"] > 0


def test_quantize_sizes_the_pool_from_the_saved_model(not_started, tmp_path):
    from keras_posegate.models import PoseGateModel
    from keras_posegate.models.saving import size_training_threads
    from tests.helpers import TINY

    path = str(tmp_path / "m.keras")
    PoseGateModel(**TINY).save(path)
    assert size_training_threads(str(tmp_path / "gone.keras"), 8) == (0, 0)
    assert INTRA not in os.environ  # nothing read, nothing chosen
    intra = threads.training_intra_op(2, 8, TINY["input_size"], TINY["width"])
    assert size_training_threads(path, 8) == (0, intra)
    assert os.environ[INTRA] == str(intra)
