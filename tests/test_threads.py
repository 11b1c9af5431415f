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


def test_auto_is_one_thread_per_op_on_one_or_two_cores_only():
    assert threads.auto_threads(1) == (0, 1)
    assert threads.auto_threads(2) == (0, 1)
    assert threads.auto_threads(3) == (0, 0)
    assert threads.auto_threads(64) == (0, 0)


@pytest.mark.parametrize("cores, intra", [(2, "1"), (8, None)])
def test_unset_counts_take_the_auto_choice(clean_env, cores, intra):
    clean_env.setattr(threads, "available_cores", lambda: cores)
    assert threads.configure_threads() == threads.auto_threads(cores)
    assert os.environ.get(INTRA) == intra
    assert INTER not in os.environ  # 0: TensorFlow's choice, nothing set


def test_explicit_counts_win_and_zero_unsets(clean_env):
    clean_env.setenv(INTRA, "1")
    assert threads.configure_threads(inter_op=3, intra_op=0) == (3, 0)
    assert os.environ[INTER] == "3"
    assert INTRA not in os.environ
    assert threads.current_threads() == (3, 0)


def test_a_count_already_in_the_environment_is_kept(clean_env):
    # The user's own variable, or the one a parent `posegate` run passed on.
    clean_env.setattr(threads, "available_cores", lambda: 2)
    clean_env.setenv(INTRA, "4")
    assert threads.configure_threads() == (0, 4)
    assert os.environ[INTRA] == "4"


@pytest.mark.parametrize("kwargs", [{"inter_op": -1}, {"intra_op": -2}])
def test_negative_counts_are_refused(clean_env, kwargs):
    with pytest.raises(ValueError, match="must be >= 0"):
        threads.configure_threads(**kwargs)


def _tensorflow_threads(inter: int, intra: int) -> dict[str, int]:
    """Thread counts of a fresh process that configured, then ran a conv."""
    code = f"""
import os
from keras_posegate.threads import configure_threads
configure_threads({inter}, {intra})
import tensorflow as tf
tf.nn.conv2d(tf.ones((2, 32, 32, 8)), tf.ones((3, 3, 8, 8)), 1, "SAME")
main = open("/proc/self/comm").read().strip()
names = [open(f"/proc/self/task/{{t}}/comm").read().strip()
         for t in os.listdir("/proc/self/task")]
print({{"tf_Compute": names.count("tf_Compute"), "unnamed": names.count(main)}})
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True,
                         text=True, check=True)  # fmt: skip
    return eval(out.stdout.strip().splitlines()[-1])  # a dict literal


@pytest.mark.skipif(not os.path.isdir("/proc/self/task"), reason="Linux /proc only")
def test_tensorflow_starts_with_the_configured_pools():
    # TensorFlow names its inter-op threads tf_Compute; the intra-op pool's
    # threads keep the process's name (as the main thread and a few others do),
    # so their count differs by the difference of the settings.
    three_one, three_four = _tensorflow_threads(3, 1), _tensorflow_threads(3, 4)
    assert three_one["tf_Compute"] == 3
    assert three_four["unnamed"] - three_one["unnamed"] == 3


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
