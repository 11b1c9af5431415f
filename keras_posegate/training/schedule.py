"""The paper's learning-rate schedule, scaled to any number of epochs."""

from __future__ import annotations


def drop_epochs(
    config_drops: tuple[int, ...], epochs: int, reference: int = 200
) -> list[int]:
    """Drop epochs of a `reference`-epoch recipe scaled to `epochs`."""
    return sorted(
        {max(1, round(e * epochs / reference)) for e in config_drops if e < reference}
    )


def learning_rate(
    epoch: int, epochs: int, initial: float, final: float, drops
) -> float:
    """Learning rate at a 0-based `epoch`.

    The paper says the rate goes "from 2.5e-4 to 1e-5, dropping at epochs 75, 100
    and 150"; we divide it by the same factor at each drop, so that after the
    last one it is exactly `final` (2.5e-4, 8.55e-5, 2.92e-5, 1e-5).
    """
    boundaries = drop_epochs(tuple(drops), epochs)
    if not boundaries:
        return initial
    factor = (final / initial) ** (1.0 / len(boundaries))
    passed = sum(1 for b in boundaries if epoch >= b)
    return initial * factor**passed
