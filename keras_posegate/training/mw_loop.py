"""The distributed training step of `multi_worker.py`."""

from __future__ import annotations

import tensorflow as tf

from keras_posegate.data.sources import resolve_sources
from keras_posegate.losses import heatmap_mse
from keras_posegate.training.config import TrainConfig


def count_steps(config: TrainConfig) -> int:
    """Count the steps in one pass over the training set (full batches only).

    Args:
        config: the run (its dataset, `data_dir` and batch size).

    Raises:
        ValueError: the training set is smaller than one batch.
    """
    from keras_posegate.data.decoder import TFRecordSource
    from keras_posegate.datasets.records import PersonRecord

    source, _ = resolve_sources(config.dataset, config.data_dir)
    if isinstance(source, list) and isinstance(source[0], PersonRecord):
        num = len(source)
    else:
        num = len(TFRecordSource(source))
    if num < config.batch_size:
        raise ValueError(
            f"batch_size={config.batch_size} is larger than the {num} training "
            f"examples in data_dir={config.data_dir!r}."
        )
    return num // config.batch_size


def replica_loss(
    model, images, heatmaps, weights, global_batch: int, foreground_weight: float = 0.0
):
    """Compute this replica's share of the global-batch loss.

    Per stack the masked heatmap MSE (mean over the replica's B x J), times
    B_replica / B_global, so that the SUM over replicas is `MaskedHeatmapMSE`'s
    value on the global batch; stacks are summed (equal weights, paper Eq. 2).
    The model's own losses are split evenly between the replicas.

    Args:
        model: the model being trained.
        images: this replica's images, `(B_replica, H, W, 3)`.
        heatmaps: per stack the target heatmaps, `(B_replica, H/4, W/4, J)`.
        weights: per stack the joint weights, `(B_replica, J)`.
        global_batch: the global batch size B_global.
        foreground_weight: the loss's pixel weighting (`heatmap_mse`).

    Returns:
        A float32 scalar tensor.
    """
    outputs = model(images, training=True)
    local = tf.cast(tf.shape(images)[0], tf.float32)
    loss = tf.add_n(
        [
            tf.cast(heatmap_mse(t, p, w, foreground_weight), tf.float32)
            for t, p, w in zip(heatmaps, outputs, weights, strict=True)
        ]
    )
    loss = loss * local / float(global_batch)
    if model.losses:
        replicas = tf.distribute.get_strategy().num_replicas_in_sync
        loss += tf.add_n(model.losses) / replicas
    return loss


class DistributedStep:
    """One distributed training step on the next global batch.

    Args:
        model: a compiled model (its optimizer is used), built in the scope.
        strategy: the strategy.
        dataset: the repeated training pipeline `(images, heatmaps, weights)`.
        global_batch: the global batch size.
        foreground_weight: the loss's pixel weighting (`heatmap_mse`).

    Calling it runs the step and returns the global-batch loss (a float).
    """

    def __init__(
        self, model, strategy, dataset, global_batch: int, foreground_weight=0.0
    ):
        self.model, self.strategy = model, strategy
        self.global_batch = global_batch
        self.foreground_weight = foreground_weight
        options = tf.data.Options()
        options.experimental_distribute.auto_shard_policy = (
            tf.data.experimental.AutoShardPolicy.DATA
        )
        dist = strategy.experimental_distribute_dataset(dataset.with_options(options))
        self.iterator = iter(dist)
        self.step = tf.function(self._step)

    def _step(self, iterator):
        def replica_step(images, heatmaps, weights):
            with tf.GradientTape() as tape:
                loss = replica_loss(
                    self.model, images, heatmaps, weights, self.global_batch,
                    self.foreground_weight,
                )  # fmt: skip
            variables = self.model.trainable_variables
            grads = tape.gradient(loss, variables)
            self.model.optimizer.apply_gradients(zip(grads, variables, strict=True))
            return loss

        per_replica = self.strategy.run(replica_step, args=next(iterator))
        return self.strategy.reduce(tf.distribute.ReduceOp.SUM, per_replica, axis=None)

    def __call__(self) -> float:
        """Run one step on the next global batch; return the global-batch loss."""
        return float(self.step(self.iterator))
