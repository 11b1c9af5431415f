"""`tf.distribute` strategies by name."""

from __future__ import annotations

import tensorflow as tf


def make_strategy(name: str) -> tf.distribute.Strategy:
    """Build a `tf.distribute` strategy by name.

    Args:
        name: "default" (one device, the GPU if there is one), "mirrored" (all
            local GPUs, or the logical CPU devices) or "multi_worker" (hosts
            from TF_CONFIG).

    Returns:
        The strategy.

    Raises:
        ValueError: an unknown name.
    """
    if name == "default":
        return tf.distribute.get_strategy()
    if name == "mirrored":
        gpus = tf.config.list_logical_devices("GPU")
        devices = [d.name for d in gpus] or [
            d.name for d in tf.config.list_logical_devices("CPU")
        ]
        return tf.distribute.MirroredStrategy(devices)
    if name == "multi_worker":
        return tf.distribute.MultiWorkerMirroredStrategy()
    raise ValueError(
        f"strategy must be 'default', 'mirrored' or 'multi_worker'. Received: strategy={name!r}"
    )
