"""Distributed training: `mirrored` over two logical CPUs (model.fit) and
`multi_worker` with two local worker processes (the custom loop)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

from keras_posegate.training.backup import backup_epoch
from keras_posegate.training.history import read_history
from tests.training.conftest import tiny_config
from tests.training.helpers import TIMEOUT_S, child_env, free_port, run_python

# Two logical CPU devices must exist before TF initialises its devices.
MIRRORED_RUN = textwrap.dedent(
    """
    import sys
    import tensorflow as tf
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(
        cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    from keras_posegate.training import TrainConfig, train
    from keras_posegate.training.distribute import make_strategy
    print("REPLICAS", make_strategy("mirrored").num_replicas_in_sync)
    history = train(TrainConfig.load(sys.argv[1]), verbose=0)
    print("EPOCHS", len(history.history["loss"]))
    """
)

# One worker of a local cluster (TF_CONFIG from the parent); prints a digest
# of its final weights.
WORKER_RUN = textwrap.dedent(
    """
    import hashlib, sys
    import numpy as np
    from keras_posegate.training import TrainConfig, train
    history = train(TrainConfig.load(sys.argv[1]), verbose=0)
    print("EPOCHS", len(history.history["loss"]), history.history["loss"][-1])
    for name, ws in (("WEIGHTS", history.model.trainable_weights),
                     ("STATS", history.model.non_trainable_weights)):
        digest = hashlib.sha256()
        for w in ws:
            digest.update(np.asarray(w).tobytes())
        print(name, digest.hexdigest())
    """
)


def test_mirrored_over_two_logical_cpus_finishes_an_epoch(mpii_dir, tmp_path):
    model_dir = str(tmp_path / "run")
    os.makedirs(model_dir)
    tiny_config(mpii_dir, model_dir, epochs=1, strategy="mirrored").save(model_dir)
    result = run_python(["-c", MIRRORED_RUN, model_dir])
    assert result.returncode == 0, result.stderr[-3000:]
    assert "REPLICAS 2" in result.stdout and "EPOCHS 1" in result.stdout
    assert backup_epoch(model_dir) == 1
    assert os.path.isfile(os.path.join(model_dir, "last.keras"))


def _start_workers(model_dir: str, num: int = 2) -> list[subprocess.Popen]:
    hosts = [f"127.0.0.1:{free_port()}" for _ in range(num)]
    procs = []
    for index in range(num):
        tf_config = {"cluster": {"worker": hosts},
                     "task": {"type": "worker", "index": index}}  # fmt: skip
        procs.append(
            subprocess.Popen(
                [sys.executable, "-c", WORKER_RUN, model_dir],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=child_env(TF_CONFIG=json.dumps(tf_config)),
            )  # fmt: skip
        )
    return procs


def _finish(procs: list[subprocess.Popen]) -> list[tuple[int, str, str]]:
    results = []
    try:
        for proc in procs:
            out, err = proc.communicate(timeout=TIMEOUT_S)
            results.append((proc.returncode, out, err))
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
    return results


def test_multi_worker_two_local_workers_end_with_identical_weights(mpii_dir, tmp_path):
    model_dir = str(tmp_path / "run")
    os.makedirs(model_dir)
    tiny_config(mpii_dir, model_dir, epochs=1, strategy="multi_worker").save(model_dir)
    results = _finish(_start_workers(model_dir))
    for code, out, err in results:
        assert code == 0, err[-3000:]
        assert "EPOCHS 1" in out
    losses = [out.split("EPOCHS 1")[1].split()[0] for _, out, _ in results]
    assert losses[0] == losses[1]  # the all-reduced loss
    digests = [out.split("WEIGHTS")[1].split()[0] for _, out, _ in results]
    assert digests[0] == digests[1]
    assert backup_epoch(model_dir) == 1
    assert [int(r["epoch"]) for r in read_history(model_dir)] == [0]
    assert "val_pck" in read_history(model_dir)[0]
