"""The learning-rate schedule: drops scale with the epochs, ends at the final rate."""

import pytest

from keras_posegate.training.schedule import drop_epochs, learning_rate, warmup_cosine

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


def test_warmup_cosine_rises_to_the_peak_then_falls_to_zero():
    rates = [warmup_cosine(s, 100, 1e-2, 10) for s in range(101)]
    assert rates[0] == pytest.approx(1e-3) and rates[9] == pytest.approx(1e-2)
    assert all(a < b for a, b in zip(rates[:10], rates[1:10], strict=False))
    assert all(a >= b for a, b in zip(rates[10:], rates[11:], strict=False))
    assert rates[55] == pytest.approx(5e-3) and rates[100] == pytest.approx(0)


def test_warmup_cosine_callback_follows_the_optimizer_steps():
    import keras
    import numpy as np

    from keras_posegate.training.schedule import WarmupCosine

    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.RMSprop(1.0), loss="mse")
    seen = []
    log = keras.callbacks.LambdaCallback(
        on_train_batch_end=lambda b, logs: seen.append(
            float(keras.ops.convert_to_numpy(model.optimizer.learning_rate))
        )
    )
    x, y = np.zeros((8, 2), "float32"), np.zeros((8, 1), "float32")
    sched = WarmupCosine(total_steps=8, peak=0.1, warmup_steps=2)
    model.fit(x, y, batch_size=2, epochs=1, verbose=0, callbacks=[sched, log])
    model.fit(x, y, batch_size=2, epochs=1, verbose=0, callbacks=[sched, log])
    expected = [warmup_cosine(s, 8, 0.1, 2) for s in range(8)]
    np.testing.assert_allclose(seen, expected, rtol=1e-5)  # the 2nd fit goes on
