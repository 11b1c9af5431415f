"""The demo's Keras side: synthetic data, TFRecords, training, evaluation."""

from __future__ import annotations

import math
import os
from collections.abc import Callable

from keras_posegate.demo.common import DemoConfig, StepLog


def data_steps(
    cfg: DemoConfig, paths: dict, step: StepLog, log: Callable[[str], None]
) -> None:
    """Writes the synthetic MPII dataset and converts it to TFRecords.

    Args:
        cfg: the demo's sizes.
        paths: `demo_paths(cfg.out_dir)`.
        step: the step banner.
        log: where the lines go.
    """
    from keras_posegate.data.prepare import prepare
    from keras_posegate.datasets.synthetic import write_sample_dataset

    with step("data", f"Writing {cfg.num_images} synthetic people in the MPII formats"):
        write_sample_dataset(paths["data"], "mpii", cfg.num_images, seed=cfg.seed,
                             image_size=(cfg.image_size, cfg.image_size))  # fmt: skip
        log(f"    {paths['data']}: images/, mpii_human_pose_v1_u12_1.mat, annot/*.json")
    with step("prepare", "Converting to sharded TFRecords (posegate prepare)"):
        for split in ("train", "valid"):
            report, _ = prepare("mpii", paths["data"], os.path.join(paths["tfrecords"], split),
                                split=split, num_shards=2, progress=False)  # fmt: skip
            log(
                f"    {split}: {report.written} written, skipped {dict(report.skipped)}"
            )


def train_steps(
    cfg: DemoConfig, paths: dict, step: StepLog, log: Callable[[str], None]
) -> dict:
    """Trains with `model.fit` and evaluates the best checkpoint (flip test).

    Args:
        cfg: the demo's sizes.
        paths: `demo_paths(cfg.out_dir)`.
        step: the step banner.
        log: where the lines go.

    Returns:
        "model": the best `.keras` file, "pckh_float_keras": its PCKh@0.5 mean.
    """
    from keras_posegate.evaluation.evaluate import evaluate
    from keras_posegate.training import TrainConfig, train

    cosine = cfg.lr_schedule == "cosine"
    examples, steps = check_steps(cfg, paths)
    text = (f"Training {cfg.preset}: {cfg.epochs} passes over {examples} people in "
            f"{cfg.checks} checks of {steps} steps (model.fit)")  # fmt: skip
    with step("train", text):
        train(TrainConfig(
            preset=cfg.preset, data_dir=paths["tfrecords"], model_dir=paths["model_dir"],
            epochs=cfg.checks, steps_per_epoch=steps, batch_size=cfg.batch_size,
            learning_rate=cfg.learning_rate, foreground_weight=cfg.foreground_weight,
            final_learning_rate=cfg.learning_rate * cfg.lr_drop_factor,
            lr_drop_epochs=() if cosine else cfg.lr_drop_epochs, seed=cfg.seed,
            cache_images=True,  # 1,802 + 600 images of 256x256: 0.5 GB
            # TensorFlow's warp, as serving: OpenCV's (`warp="opencv"`) saves
            # nothing measurable on 128x128 crops (benchmarks/pipeline_step.py).
        ), verbose=2, callbacks=cosine_schedule(cfg, paths) if cosine else None)  # fmt: skip
    best = os.path.join(paths["model_dir"], "best.keras")
    with step("evaluate", "Evaluating on the held-out set (flip test, official PCKh)"):
        result = evaluate(best, os.path.join(paths["tfrecords"], "valid"), "mpii",
                          predictions_out=paths["predictions"],
                          split_label="synthetic validation set")  # fmt: skip
        log(result["table"])
    return {"model": best, "pckh_float_keras": result["metrics"]["pckh@0.5"].mean}


def check_steps(cfg: DemoConfig, paths: dict) -> tuple[int, int]:
    """The training people, and the steps of one check (`cfg.checks` per run).

    Args:
        cfg: the demo's sizes (passes, checks, batch size).
        paths: `demo_paths(cfg.out_dir)`; the training manifest gives the
            number of people.

    Returns:
        `(people, steps per check)`: the checks together run `cfg.epochs`
        passes over the people, rounded up to whole steps.
    """
    from keras_posegate.data.shards import read_manifest

    manifest = read_manifest(os.path.join(paths["tfrecords"], "train"))
    examples = sum(shard["count"] for shard in manifest["shards"])
    return examples, max(
        1, math.ceil(cfg.epochs * examples / (cfg.batch_size * cfg.checks))
    )


def cosine_schedule(cfg: DemoConfig, paths: dict) -> list:
    """The warm-up + cosine learning-rate callback over the whole run.

    Args:
        cfg: the demo's sizes (passes, checks, batch size, rate, warm-up).
        paths: `demo_paths(cfg.out_dir)`; the training manifest gives the
            steps per pass.

    Returns:
        A one-element list: the `WarmupCosine` callback.
    """
    from keras_posegate.training.schedule import WarmupCosine

    examples, steps = check_steps(cfg, paths)
    warmup = max(1, round(cfg.warmup_epochs * examples / cfg.batch_size))
    return [WarmupCosine(cfg.checks * steps, cfg.learning_rate, warmup)]
