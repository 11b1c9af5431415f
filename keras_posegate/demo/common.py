"""What every demo step shares: the sizes, the output layout, the step banner."""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Callable

STEPS = (
    "data",
    "prepare",
    "train",
    "evaluate",
    "export",
    "quantize",
    "tflite",
    "predict",
    "gates",
)


@dataclasses.dataclass
class DemoConfig:
    """Sizes of every step (defaults: under 10 minutes on 2 CPU cores)."""

    out_dir: str = "demo_out"
    preset: str = "posegate_tiny"
    num_images: int = 3000
    image_size: int = 256
    # Passes over the training people, run as `checks` stretches of equal
    # length, each ended by a validation and the checkpoints (`model.fit`
    # epochs of a capped number of steps): validation and checkpoints take
    # about 4 s, a pass over 1,802 people about 17 s, so checking after every
    # pass would add a quarter to the training time. 20 passes: 95.1% PCKh
    # in 459 s (docs/recipe_runs.md, fourth round), margin on both counts.
    epochs: int = 20
    checks: int = 5
    batch_size: int = 16
    learning_rate: float = 1e-2
    # Heatmap loss pixel weights 1 + w * target (`losses.MaskedHeatmapMSE`):
    # at 40, 24,000 training images reach 94.1% against the plain MSE's (0)
    # 81.3 (docs/recipe_runs.md, fourth round).
    foreground_weight: float = 40.0
    # "step": constant, then x0.1 at `lr_drop_epochs` (out of 200, scaled to
    # the checks: 160 is the last fifth); "cosine": linear warm-up over
    # `warmup_epochs` passes, then a per-step cosine to 0 (README, Results).
    lr_schedule: str = "step"
    warmup_epochs: float = 1.0
    lr_drop_epochs: tuple[int, ...] = (160,)
    lr_drop_factor: float = 0.1
    qat_epochs: int = 1
    # From calibrated ranges the QAT model starts at the float model's PCKh
    # (84.7 against 84.8), so a short fine-tuning does.
    qat_steps_per_epoch: int = 30
    qat_learning_rate: float = 2e-4
    num_overlays: int = 4
    seed: int = 0


def demo_paths(out_dir: str) -> dict[str, str]:
    """Where each step writes, under `out_dir`.

    Args:
        out_dir: the demo's output folder.

    Returns:
        Name -> path: "data", "tfrecords", "model_dir", "exports", "overlays",
        "gates" (the plot), "summary" (`summary.json`), "predictions".
    """
    join = lambda *p: os.path.join(out_dir, *p)  # noqa: E731
    return {
        "data": join("data"), "tfrecords": join("tfrecords"), "model_dir": join("model"),
        "exports": join("exports"), "overlays": join("overlays"), "gates": join("gates.png"),
        "summary": join("summary.json"), "predictions": join("predictions", "valid"),
    }  # fmt: skip


class StepLog:
    """Prints a numbered banner and the time of every step.

    `with steps("train", "Training ..."):` prints `[3/9] Training ...`, runs
    the block and prints its time, which it keeps in `times` by step name.

    Args:
        log: where the lines go (`print`, or a list's `append` in tests).
    """

    def __init__(self, log: Callable[[str], None]):
        self.log, self.index, self.times = log, 0, {}

    def __call__(self, name: str, text: str) -> _Timer:
        """Starts step `name`: prints its banner.

        Args:
            name: the step's key in `times` (one of `STEPS`).
            text: what the banner says.

        Returns:
            The context manager that times the step.
        """
        self.index += 1
        self.log(f"\n[{self.index}/{len(STEPS)}] {text}")
        return _Timer(self, name)


class _Timer:
    def __init__(self, steps: StepLog, name: str):
        self.steps, self.name = steps, name

    def __enter__(self):
        self.start = time.perf_counter()

    def __exit__(self, *exc):
        seconds = time.perf_counter() - self.start
        self.steps.times[self.name] = round(seconds, 1)
        self.steps.log(f"    done in {seconds:.1f} s")
