"""The paper's learning-rate schedule, scaled to any number of epochs."""

from __future__ import annotations

import math

import keras

REFERENCE_EPOCHS = 200


def drop_epochs(
    config_drops: tuple[int, ...], epochs: int, reference: int = REFERENCE_EPOCHS
) -> list[int]:
    """Scale the `reference`-epoch recipe's drop epochs to a run of `epochs`.

    One entry per drop (duplicates kept: on a short run several drops can fall
    on the same epoch). Each drop lands in `[1, epochs - 1]` (epoch 0 for a
    one-epoch run), so all of them happen and the last epoch always trains at
    the final rate.

    Args:
        config_drops: the recipe's drop epochs, e.g. (75, 100, 150).
        epochs: epochs of this run.
        reference: epochs of the recipe the drops belong to.

    Returns:
        The 0-based epochs at which the rate drops, sorted.
    """
    last = max(0, epochs - 1)
    return sorted(
        min(last, max(1, round(e * epochs / reference))) for e in config_drops
    )


def learning_rate(
    epoch: int, epochs: int, initial: float, final: float, drops
) -> float:
    """Learning rate at a 0-based `epoch`.

    The paper says the rate goes "from 2.5e-4 to 1e-5, dropping at epochs 75, 100
    and 150"; we divide it by the same factor at each drop, so that after the
    last one it is exactly `final` (2.5e-4, 8.55e-5, 2.92e-5, 1e-5). The drops
    scale with `epochs` (`drop_epochs`); drops that fall on the same epoch of a
    short run are applied together.

    Args:
        epoch: the 0-based epoch.
        epochs: epochs of the run.
        initial: the rate before the first drop.
        final: the rate after the last drop.
        drops: drop epochs of the 200-epoch recipe (`drop_epochs` scales them).
    """
    boundaries = drop_epochs(tuple(drops), epochs)
    if not boundaries:
        return initial
    passed = sum(1 for b in boundaries if epoch >= b)
    if passed == len(boundaries):
        return final
    return initial * (final / initial) ** (passed / len(boundaries))


def epoch_learning_rate(config, epoch: int) -> float:
    """The learning rate of a 0-based `epoch` under a `TrainConfig`'s schedule.

    Args:
        config: the run (its epochs, rates and drop epochs).
        epoch: the 0-based epoch.
    """
    return learning_rate(
        epoch, config.epochs, config.learning_rate,
        config.final_learning_rate, config.lr_drop_epochs,
    )  # fmt: skip


def warmup_cosine(step: int, total: int, peak: float, warmup: int) -> float:
    """Compute the learning rate at a 0-based `step` of a warm-up + cosine schedule.

    Linear from `peak / warmup` to `peak` over `warmup` steps, then half a
    cosine down to 0 at `total` (and 0 after it).

    Args:
        step: the 0-based step.
        total: steps of the whole run.
        peak: the highest learning rate.
        warmup: steps of the linear warm-up.
    """
    if step < warmup:
        return peak * (step + 1) / warmup
    done = (step - warmup) / max(1, total - warmup)
    return peak * 0.5 * (1.0 + math.cos(math.pi * min(1.0, done)))


class WarmupCosine(keras.callbacks.Callback):
    """Sets the learning rate before every step by `warmup_cosine`.

    The step is read from the optimizer's iteration count, so a resumed run
    continues on the curve. Runs after, and overrides, a per-epoch scheduler.

    Args:
        total_steps: steps of the whole run.
        peak: the highest learning rate.
        warmup_steps: steps of the linear warm-up.
    """

    def __init__(self, total_steps: int, peak: float, warmup_steps: int):
        super().__init__()
        self.total, self.peak, self.warmup = total_steps, peak, warmup_steps

    def on_train_batch_begin(self, batch: int, logs=None) -> None:
        """Set the optimizer's learning rate for its current iteration."""
        optimizer = self.model.optimizer
        step = int(keras.ops.convert_to_numpy(optimizer.iterations))
        optimizer.learning_rate.assign(
            warmup_cosine(step, self.total, self.peak, self.warmup)
        )
