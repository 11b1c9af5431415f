"""The demo's pictures: skeleton overlays on held-out images, the gate plot."""

from __future__ import annotations

from collections.abc import Callable

from keras_posegate.demo.common import DemoConfig, StepLog


def picture_steps(
    cfg: DemoConfig,
    paths: dict,
    model: str,
    step: StepLog,
    log: Callable[[str], None],
) -> dict:
    """Predicts held-out images (overlays) and plots the learned gates (Fig. 3).

    Args:
        cfg: the demo's sizes (`num_overlays`).
        paths: `demo_paths(cfg.out_dir)`.
        model: the trained `.keras` file.
        step: the step banner.
        log: where the lines go.

    Returns:
        "overlays": the overlay PNGs, "gates_plot": the gate plot PNG.
    """
    from keras_posegate.data.prepare import load_records
    from keras_posegate.gates import gates_report
    from keras_posegate.predict import predict_files

    with step(
        "predict", f"Predicting {cfg.num_overlays} held-out images (posegate predict)"
    ):
        records, _ = load_records("mpii", paths["data"], "valid")
        images = sorted({r.image_path for r in records})[: cfg.num_overlays]
        results, _ = predict_files(model, images, paths["overlays"])
        overlays = [r["png"] for r in results]
        log("    " + "\n    ".join(overlays))
    with step("gates", "Plotting the learned gates (paper Fig. 3)"):
        gates_path, summary = gates_report(model, paths["gates"])
        small = sum(r["share_small"] * r["channels"] for r in summary)
        total = sum(r["channels"] for r in summary)
        log(
            f"    {gates_path}: {len(summary)} gated blocks, {small / total:.0%} of alphas |a| < 0.1"
        )
    return {"overlays": overlays, "gates_plot": gates_path}
