"""The model, its optimizer and loss, and the precision policy of a run.

Both training paths (`model.fit` in `trainer.py` and the multi-worker loop in
`multi_worker.py`) build the model here, so they train the same thing.
"""

from __future__ import annotations

import contextlib

import keras

from keras_posegate import backends
from keras_posegate.training.config import TrainConfig


def set_precision(mixed: bool) -> None:
    """Set Keras's global precision policy for a mixed-precision run.

    float16 compute on a GPU, bfloat16 on a CPU; nothing changes when `mixed`
    is False.

    Args:
        mixed: whether the run uses mixed precision.
    """
    if mixed:
        keras.mixed_precision.set_global_policy(
            "mixed_float16" if backends.has_gpu() else "mixed_bfloat16"
        )


def build_model(config: TrainConfig):
    """The preset's model (with dataset and ablation overrides), or `init_from`.

    Args:
        config: the run.

    Raises:
        ValueError: the `init_from` model predicts another number of joints
            than the dataset has.
    """
    from keras_posegate.models import PoseGateModel

    if config.init_from:
        from keras_posegate.models.saving import load_keras_model

        model = load_keras_model(config.init_from)
        if model.num_joints != config.model_overrides()["num_joints"]:
            raise ValueError(
                f"{config.init_from}: predicts {model.num_joints} joints, dataset "
                f"{config.dataset} needs {config.model_overrides()['num_joints']}."
            )
        return model
    return PoseGateModel.from_preset(config.preset, **config.model_overrides())


def compile_model(model, config: TrainConfig) -> None:
    """Compile `model` with RMSprop at the initial rate and the masked MSE per stack.

    Args:
        model: the model to compile.
        config: the run (its learning rate, `foreground_weight`, `jit_compile`).
    """
    from keras_posegate.losses import MaskedHeatmapMSE

    loss = MaskedHeatmapMSE(foreground_weight=config.foreground_weight)
    model.compile(
        optimizer=keras.optimizers.RMSprop(config.learning_rate),
        loss=[loss for _ in model.outputs],
        jit_compile=backends.jit_compile_for(config.jit_compile),
    )


def make_model(config: TrainConfig, strategy):
    """Build and compile the run's model in the strategy's scope.

    The model's variables and the optimizer's are made in the scope (a backup
    restores into them); on other backends than TensorFlow there is no scope.

    Args:
        config: the run.
        strategy: a `tf.distribute.Strategy` (not used on other backends).

    Returns:
        The compiled model, its optimizer built.
    """
    # tf.distribute scopes are TensorFlow's; other backends have one device here.
    scope = strategy.scope() if backends.current() == "tensorflow" else None
    with scope or contextlib.nullcontext():
        model = build_model(config)
        compile_model(model, config)
        model.optimizer.build(model.trainable_variables)
    return model
