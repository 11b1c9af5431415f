"""Which configuration a `posegate train` runs.

It is a new run, a resumed one, or a failed start begun again:

* A run that completed at least one epoch (a usable backup) is resumed with
  its saved `train_config.json`. Flags given on the command line that differ
  from it are refused (`RunRefused`, naming them) unless `override`: then they
  replace the saved values (`--epochs 300` to extend a run, a lower
  `--learning_rate` after a NaN). Flags that define the model (preset,
  dataset, ablations, `--init_from`) never change on resume.
* A run that never completed an epoch (a bad `--data_dir`, a NaN in the first
  epoch, a kill) has nothing to resume: it starts over, its saved
  configuration updated with the flags given (so corrected flags win).
* Otherwise a new run, from the flags.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Collection

from keras_posegate.training.backup import backup_epoch
from keras_posegate.training.config import CONFIG_FILE, TrainConfig
from keras_posegate.training.errors import RunRefused

MODEL_FIELDS = ("preset", "dataset", "gate", "gate_value", "fusion", "init_from")
FLAG_NAMES = {"lr_drop_epochs": "lr_drops"}


def flag(field: str) -> str:
    """Name the command-line flag of a `TrainConfig` field, e.g. `--lr_drops`."""
    return f"--{FLAG_NAMES.get(field, field)}"


def _normal(value):
    return tuple(value) if isinstance(value, list) else value


def plan_run(
    model_dir: str,
    fields: dict,
    given: Collection[str],
    override: bool = False,
) -> tuple[TrainConfig, str]:
    """Choose the configuration to train `model_dir` with, following the module notes.

    Args:
        model_dir: the run's directory.
        fields: `TrainConfig` fields from the command line, defaults included.
        given: the names of the fields set explicitly on the command line.
        override: let the given fields replace a resumed run's saved ones.

    Returns:
        `(config, note)`: the configuration, and a line saying why it was
        chosen (empty for a new run).

    Raises:
        RunRefused: a resume with differing flags and no `override`, a flag
            that defines the model changed on resume, or a new run without
            `data_dir`.
    """
    given = [k for k in given if k != "model_dir"]
    saved = _saved(model_dir)
    done = backup_epoch(model_dir) if saved else 0
    if saved is not None and done >= 1:
        changes = {
            k: fields[k]
            for k in given
            if _normal(fields[k]) != _normal(getattr(saved, k))
        }
        if not changes:
            return saved, (
                f"Resuming the run in {model_dir} at epoch {done + 1} of "
                f"{saved.epochs} with its saved configuration."
            )
        listed = ", ".join(
            f"{flag(k)} {v!r} (saved: {getattr(saved, k)!r})"
            for k, v in changes.items()
        )
        fixed = [k for k in changes if k in MODEL_FIELDS]
        if fixed:
            raise RunRefused(
                f"{model_dir} holds a run at epoch {done}; {listed}: "
                f"{', '.join(flag(k) for k in fixed)} define(s) the model and cannot "
                "change on resume; train into another --model_dir."
            )
        if not override:
            raise RunRefused(
                f"{model_dir} holds a run at epoch {done}; {listed} differ from its "
                f"{CONFIG_FILE}: add --override to resume with the new values, or "
                "train into another --model_dir."
            )
        if "learning_rate" in changes:
            changes["final_learning_rate"] = None  # derived from the new rate
        config = dataclasses.replace(saved, **changes)
        return (
            config,
            f"Resuming the run in {model_dir} at epoch {done + 1} with {listed}.",
        )
    if saved is not None:
        changes = {k: fields[k] for k in given}
        if "learning_rate" in changes:
            changes["final_learning_rate"] = None  # derived from the new rate
        config = dataclasses.replace(saved, **changes)
        what = ", ".join(flag(k) for k in given) or "nothing"
        return config, (
            f"{model_dir}: the run there never completed an epoch; starting it over "
            f"with its saved configuration, {what} changed."
        )
    if not fields.get("data_dir"):
        raise RunRefused("--data_dir is required for a new run.")
    return TrainConfig(**{**fields, "model_dir": model_dir}), ""


def _saved(model_dir: str) -> TrainConfig | None:
    """Read the saved configuration, its `model_dir` set to the given one.

    None when there is none or it is unreadable (a start that failed while
    writing it).
    """
    if not os.path.isfile(os.path.join(model_dir, CONFIG_FILE)):
        return None
    try:
        config = TrainConfig.load(model_dir)
    except ValueError:
        return None
    return dataclasses.replace(config, model_dir=model_dir)
