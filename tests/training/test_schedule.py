"""The learning-rate schedule: drops scale with the epochs, ends at the final rate."""

import pytest

from keras_posegate.training.schedule import drop_epochs, learning_rate

DROPS = (75, 100, 150)


def rates(epochs, initial=2.5e-4, final=1e-5):
    return [learning_rate(e, epochs, initial, final, DROPS) for e in range(epochs)]


def test_paper_schedule_drops_at_75_100_150():
    r = rates(200)
    assert drop_epochs(DROPS, 200) == [75, 100, 150]
    assert r[74] == pytest.approx(2.5e-4)
    assert r[75] == pytest.approx(2.5e-4 * 0.04 ** (1 / 3))
    assert r[100] == pytest.approx(2.5e-4 * 0.04 ** (2 / 3))
    assert r[149] == r[100] and r[150] == pytest.approx(1e-5)


def test_drops_scale_with_epochs():
    assert drop_epochs(DROPS, 20) == [8, 10, 15]
    r = rates(20)
    assert r[7] == pytest.approx(2.5e-4) and r[8] < r[7]
    assert r[15] == pytest.approx(1e-5)


@pytest.mark.parametrize("epochs", [1, 2, 3, 5, 7, 200])
def test_last_rate_is_final_and_rates_never_rise(epochs):
    r = rates(epochs)
    assert r[-1] == pytest.approx(1e-5)
    assert all(b <= a for a, b in zip(r, r[1:], strict=False))
    if epochs > 1:
        assert r[0] == pytest.approx(2.5e-4)


def test_no_drops_keeps_the_initial_rate():
    assert learning_rate(9, 10, 1e-3, 1e-5, ()) == 1e-3
