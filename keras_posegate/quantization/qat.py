"""Quantization-aware training of a trained Keras 3 `PoseGateModel`.

Run this in its own process (`posegate quantize`, or `run_quantize_subprocess`
from a Keras 3 process): importing tensorflow-model-optimization sets
`TF_USE_LEGACY_KERAS=1`, switching `tf.keras` to Keras 2 for the process. The
Keras 3 model is only read here (weights, before tfmot is imported); everything
else is tf_keras.

Steps: `float_twin` rebuilds the graph with tf_keras from the same builder and
config, every BatchNormalization as a `ChannelAffine` (tfmot folds BN only after
a conv; the paper's pre-activation BN follows an Add or a Concatenate), copies
the weights by name (BN folded into scale and bias) and checks the outputs
agree. `quantize` swaps in the quantizable twins of `configs.py` and applies
tfmot QAT. `fine_tune` trains with `fit`. `save_qat` / `load_qat` round-trip
the weights through HDF5 beside a JSON of the architecture.
"""

from __future__ import annotations

import json
import os

import numpy as np
import tensorflow as tf
import tf_keras

from keras_posegate.fileio import atomic_path, atomic_write_json
from keras_posegate.models.builder import build_graph
from keras_posegate.models.config import PoseGateConfig
from keras_posegate.models.transfer import copy_weights

WEIGHTS_SUFFIX = ".weights.h5"
CONFIG_SUFFIX = ".qat.json"


def float_twin(model, atol: float = 1e-3, sample=None) -> tf_keras.Model:
    """The tf_keras rebuild of a Keras 3 `PoseGateModel`, weights copied.

    Args:
        model: the trained Keras 3 model (with `.config_record`).
        atol: largest allowed difference between the two models' heatmaps on
            `sample`, absolute, times the heatmaps' largest magnitude where that
            is above 1 (float32 rounding grows with the values: an early,
            barely trained model can output hundreds).
        sample: float32 images `(B, S, S, 3)`; default two random images.

    Returns:
        The float tf_keras model (ChannelAffine in place of BatchNormalization).

    Raises:
        ValueError: on a layer name or weight shape mismatch (from
            `copy_weights`), or when the outputs disagree.
    """
    config = model.config_record
    inputs, outputs = build_graph(tf_keras, config, norm="affine")
    twin = tf_keras.Model(inputs, outputs, name="posegate_affine")
    copy_weights(model, twin)
    if sample is None:
        rng = np.random.default_rng(0)
        shape = (2, config.input_size, config.input_size, 3)
        sample = rng.uniform(size=shape).astype("float32")
    expected = [np.asarray(y) for y in model(sample, training=False)]
    got = [np.asarray(y) for y in twin(sample, training=False)]
    worst = max(float(np.abs(a - b).max()) for a, b in zip(expected, got, strict=True))
    magnitude = max(1.0, *(float(np.abs(a).max()) for a in expected))
    if not worst <= atol * magnitude:
        raise ValueError(
            "The tf_keras rebuild does not reproduce the Keras 3 model: "
            f"max |difference| = {worst:.3g} > {atol} x {magnitude:.3g} (the "
            "heatmaps' largest magnitude)"
        )
    return twin


def _with_twins(twin: tf_keras.Model) -> tf_keras.Model:
    """Clone `twin` with the quantizable layer twins swapped in, weights kept."""
    from keras_posegate.quantization.configs import quantizable_twin

    def clone(layer):
        new, _ = quantizable_twin(layer)
        return layer.__class__.from_config(layer.get_config()) if new is layer else new

    rebuilt = tf_keras.models.clone_model(twin, clone_function=clone)
    for layer in twin.layers:
        if layer.weights:
            rebuilt.get_layer(layer.name).set_weights(layer.get_weights())
    return rebuilt


def quantize(twin: tf_keras.Model) -> tf_keras.Model:
    """Apply tfmot QAT (annotate + apply in a `quantize_scope`) to a float twin.

    Every custom layer is annotated with its QuantizeConfig (`configs.py`); the
    standard layers with tfmot's default 8-bit registry.

    Args:
        twin: the float tf_keras model from `float_twin`.

    Returns:
        The QAT tf_keras model (fake-quantized, same outputs and layer names).
    """
    import tensorflow_model_optimization as tfmot

    from keras_posegate.quantization import configs

    qk = tfmot.quantization.keras
    qconfigs = {
        "QuantChannelAffine": configs.ChannelAffineQuantizeConfig,
        "QuantSoftGate": configs.SoftGateQuantizeConfig,
        "ChainedAdd": configs.ChainedAddQuantizeConfig,
    }

    def annotate(layer):
        qconfig = qconfigs.get(type(layer).__name__)
        return qk.quantize_annotate_layer(layer, qconfig() if qconfig else None)

    annotated = tf_keras.models.clone_model(_with_twins(twin), clone_function=annotate)
    with qk.quantize_scope(configs.CUSTOM_OBJECTS):
        return qk.quantize_apply(annotated)


def per_joint_mse(y_true, y_pred):
    """Heatmap MSE per joint, `(B, J)`, from `(B, H, W, J)` heatmaps.

    A `(B, J)` sample weight from the pipeline then masks missing joints (the
    contract of the Keras 3 training loss).

    Args:
        y_true: target heatmaps, `(B, H, W, J)`.
        y_pred: predicted heatmaps, `(B, H, W, J)`.

    Returns:
        `(B, J)` mean squared error per joint.
    """
    return tf.reduce_mean(tf.square(y_pred - y_true), axis=[1, 2])


def fine_tune(
    qat_model: tf_keras.Model,
    dataset: tf.data.Dataset,
    epochs: int = 3,
    learning_rate: float = 1e-5,
    steps_per_epoch: int | None = None,
    verbose: int = 0,
) -> dict:
    """Fine-tune the QAT model with `fit` on `(images, targets[, weights])` batches.

    Args:
        qat_model: from `quantize`.
        dataset: batches of float32 images in [0, 1], a tuple of `num_stacks`
            heatmap targets and optionally a tuple of `(B, J)` joint weights.
        epochs: passes (or `steps_per_epoch` batches each).
        learning_rate: RMSprop learning rate (the paper's optimiser); low, as
            the float weights are already trained.
        steps_per_epoch: batches per epoch; None runs the dataset to its end.
        verbose: `fit` verbosity (0 silent).

    Returns:
        The Keras history dict (loss per epoch).
    """
    for name, value in (("epochs", epochs), ("learning_rate", learning_rate)):
        if not value > 0:
            raise ValueError(f"{name} must be > 0. Received: {name}={value}")
    qat_model.compile(
        optimizer=tf_keras.optimizers.RMSprop(learning_rate),
        loss=[per_joint_mse] * len(qat_model.outputs),
    )
    history = qat_model.fit(
        dataset, epochs=epochs, steps_per_epoch=steps_per_epoch, verbose=verbose
    )
    return history.history


def save_qat(qat_model: tf_keras.Model, config: PoseGateConfig, path: str) -> str:
    """Save QAT weights to `PATH.weights.h5` and architecture to `PATH.qat.json`.

    Each file is written to a temporary file, then renamed.

    tf_keras `.keras` files of QAT models do not reload reliably; HDF5 weights
    plus a rebuild from the config do.

    Args:
        qat_model: the model from `quantize` (fine-tuned or not).
        config: the float model's `PoseGateConfig`, to rebuild it.
        path: path prefix; either suffix is stripped first.

    Returns:
        The weights path.
    """
    path = _strip(path)
    with atomic_path(path + WEIGHTS_SUFFIX) as tmp:
        qat_model.save_weights(tmp)
    record = {"format_version": 1, "config": config.to_dict()}
    atomic_write_json(path + CONFIG_SUFFIX, record, indent=2)
    return path + WEIGHTS_SUFFIX


def load_qat(path: str) -> tuple[tf_keras.Model, PoseGateConfig]:
    """Rebuild the QAT model saved by `save_qat` and load its weights.

    Args:
        path: the prefix given to `save_qat` (either suffix is accepted).

    Returns:
        `(QAT tf_keras model, its PoseGateConfig)`.
    """
    path = _strip(path)
    with open(path + CONFIG_SUFFIX) as f:
        config = PoseGateConfig(**json.load(f)["config"])
    inputs, outputs = build_graph(tf_keras, config, norm="affine")
    model = quantize(tf_keras.Model(inputs, outputs))
    model.load_weights(path + WEIGHTS_SUFFIX)
    return model, config


def _strip(path: str) -> str:
    path = os.fspath(path)
    for suffix in (WEIGHTS_SUFFIX, CONFIG_SUFFIX):
        path = path.removesuffix(suffix)
    return path


def quantize_trained_model(
    model,
    dataset: tf.data.Dataset,
    output: str,
    epochs: int = 3,
    learning_rate: float = 1e-5,
    steps_per_epoch: int | None = None,
    verbose: int = 0,
    tflite_dir: str | None = None,
    io_dtype: str = "int8",
    preset: str | None = None,
    dataset_name: str = "mpii",
    calibration_batches: int = 8,
) -> dict:
    """The whole `posegate quantize`: rebuild, check, QAT, fine-tune, save.

    Args:
        model: trained Keras 3 `PoseGateModel` (read before tfmot is imported).
        dataset: fine-tuning batches (see `fine_tune`).
        output: checkpoint path prefix (see `save_qat`).
        epochs: fine-tuning epochs (see `fine_tune`).
        learning_rate: fine-tuning RMSprop learning rate.
        steps_per_epoch: batches per epoch; None runs the dataset to its end.
        verbose: `fit` verbosity (0 silent).
        tflite_dir: also convert the fine-tuned model to TFLite here
            (`posegate_qat.tflite` and its metadata JSON), as `posegate export
            --quantization qat` does from the checkpoint, without rebuilding it.
        io_dtype: the TFLite input and output type (`export.tflite.IO_DTYPES`).
        preset: the preset name for the TFLite metadata.
        dataset_name: the joint layout for the TFLite metadata.
        calibration_batches: batches of `dataset` that set the activation
            ranges before fine-tuning (`calibrate.calibrate_ranges`); 0 keeps
            tfmot's initial [-6, 6].

    Returns:
        `{"weights": path, "config": path, "loss": [per epoch]}`, and
        `"tflite"`, `"tflite_metadata"` (paths) with `tflite_dir`.
    """
    twin = float_twin(model)
    qat_model = quantize(twin)
    if calibration_batches:
        from keras_posegate.quantization.calibrate import calibrate_ranges

        batches = dataset.take(calibration_batches).map(lambda images, *_: images)
        calibrate_ranges(qat_model, twin, batches)
    history = fine_tune(
        qat_model, dataset, epochs, learning_rate, steps_per_epoch, verbose
    )
    weights = save_qat(qat_model, model.config_record, output)
    report = {
        "weights": weights,
        "config": _strip(output) + CONFIG_SUFFIX,
        "loss": [float(v) for v in history["loss"]],
    }
    if tflite_dir:
        from keras_posegate.export.tflite import convert_qat, write_tflite

        content = convert_qat(qat_model, io_dtype)
        report["tflite"], report["tflite_metadata"] = write_tflite(
            content, tflite_dir, "qat", preset, dataset_name
        )
    return report
