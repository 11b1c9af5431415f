"""The paper's learning-rate schedule, scaled to any number of epochs."""

from __future__ import annotations

import math

import keras

REFERENCE_EPOCHS = 200


def drop_epochs(
    config_drops: tuple[int, ...], epochs: int, reference: int = REFERENCE_EPOCHS
) -> list[int]:
    """0-based epochs at which the rate drops: the `reference`-epoch recipe's
    drops scaled to `epochs`, one entry per drop (duplicates kept: on a short
    run several drops can fall on the same epoch).

    Each drop lands in `[1, epochs - 1]` (epoch 0 for a one-epoch run), so all
    of them happen and the last epoch always trains at the final rate.
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
    """
    boundaries = drop_epochs(tuple(drops), epochs)
    if not boundaries:
        return initial
    passed = sum(1 for b in boundaries if epoch >= b)
    if passed == len(boundaries):
        return final
    return initial * (final / initial) ** (passed / len(boundaries))


def epoch_learning_rate(config, epoch: int) -> float:
    """The learning rate of a 0-based `epoch` under a `TrainConfig`'s schedule."""
    return learning_rate(
        epoch, config.epochs, config.learning_rate,
        config.final_learning_rate, config.lr_drop_epochs,
    )  # fmt: skip


def warmup_cosine(step: int, total: int, peak: float, warmup: int) -> float:
    """Learning rate at a 0-based `step` of `total`: linear from `peak / warmup`
    to `peak` over `warmup` steps, then half a cosine down to 0 at `total`."""
    if step < warmup:
        return peak * (step + 1) / warmup
    done = (step - warmup) / max(1, total - warmup)
    return peak * 0.5 * (1.0 + math.cos(math.pi * min(1.0, done)))


class WarmupCosine(keras.callbacks.Callback):
    """Sets the learning rate before every step by `warmup_cosine`, reading the
    step from the optimizer's iteration count (so a resumed run continues on
    the curve). Runs after, and overrides, a per-epoch scheduler.

    Args:
        total_steps: steps of the whole run.
        peak: the highest learning rate.
        warmup_steps: steps of the linear warm-up.
    """

    def __init__(self, total_steps: int, peak: float, warmup_steps: int):
        super().__init__()
        self.total, self.peak, self.warmup = total_steps, peak, warmup_steps

    def on_train_batch_begin(self, batch: int, logs=None) -> None:
        optimizer = self.model.optimizer
        step = int(keras.ops.convert_to_numpy(optimizer.iterations))
        optimizer.learning_rate.assign(
            warmup_cosine(step, self.total, self.peak, self.warmup)
        )
