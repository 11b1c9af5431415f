"""Pictures: skeleton overlays and histograms of the learned soft-gate values.

Overlays are drawn with OpenCV; the alpha histograms (the paper's Fig. 3) with
matplotlib's Agg backend. Every file is written atomically (temporary file,
then `os.replace`).
"""

from __future__ import annotations

import io
import math
import os
from collections.abc import Sequence

import cv2
import numpy as np

from keras_posegate.datasets.info import DatasetInfo
from keras_posegate.fileio import atomic_write_bytes

SMALL_GATE = 0.1  # |alpha| below this counts as "closed" (paper Fig. 3: [-0.1, 0.1]).


def save_png(path: str | os.PathLike, image: np.ndarray) -> str:
    """Encode a uint8 `(H, W)` or `(H, W, 3)` BGR image as PNG, write atomically.

    Args:
        path: the PNG file.
        image: uint8 `(H, W)` or `(H, W, C)` array, BGR channel order.

    Returns:
        The path written.
    """
    image = np.asarray(image)
    if image.dtype != np.uint8 or image.ndim not in (2, 3):
        raise ValueError(
            "image must be uint8 (H, W) or (H, W, C). "
            f"Received: dtype={image.dtype}, shape={image.shape}"
        )
    ok, buf = cv2.imencode(".png", image)
    if not ok:
        raise ValueError(f"could not encode image of shape {image.shape} as PNG")
    return atomic_write_bytes(path, buf.tobytes())


# -- skeleton ------------------------------------------------------------------
def _joint_colors(info: DatasetInfo) -> list[tuple[int, int, int]]:
    """Each joint takes the colour of the first limb that touches it."""
    colors = [(255, 255, 255)] * info.num_joints
    for (a, b), c in reversed(list(zip(info.skeleton, info.limb_colors, strict=True))):
        colors[a] = colors[b] = c
    return colors


def _blend_line(out: np.ndarray, p, q, color, thickness: int, alpha: float) -> None:
    """Alpha-blend one anti-aliased line into `out` in place (only its box)."""
    h, w = out.shape[:2]
    pad = thickness + 2
    x0 = max(0, int(math.floor(min(p[0], q[0]))) - pad)
    y0 = max(0, int(math.floor(min(p[1], q[1]))) - pad)
    x1 = min(w, int(math.ceil(max(p[0], q[0]))) + pad + 1)
    y1 = min(h, int(math.ceil(max(p[1], q[1]))) + pad + 1)
    if x0 >= x1 or y0 >= y1:
        return
    mask = np.zeros((y1 - y0, x1 - x0), np.uint8)
    # shift=4: coordinates carry 4 fractional bits (sub-pixel placement).
    pa = (round((p[0] - x0) * 16), round((p[1] - y0) * 16))
    pb = (round((q[0] - x0) * 16), round((q[1] - y0) * 16))
    cv2.line(mask, pa, pb, 255, thickness, cv2.LINE_AA, 4)
    a = (mask.astype(np.float32) * (alpha / 255.0))[..., None]
    roi = out[y0:y1, x0:x1].astype(np.float32)
    out[y0:y1, x0:x1] = (roi * (1 - a) + np.float32(color) * a + 0.5).astype(np.uint8)


def draw_skeleton(
    image_bgr: np.ndarray,
    joints,
    scores,
    info: DatasetInfo,
    threshold: float = 0.3,
) -> np.ndarray:
    """Draw limbs and joints of one person on a copy of the image.

    A limb is drawn when both its joints score `>= threshold` and are finite; its
    thickness and opacity grow with the lower of the two scores (clipped to
    [0, 1]). Line width and joint radius scale with the image size.

    Args:
        image_bgr: `(H, W, 3)` uint8 BGR image (or `(H, W)` grey).
        joints: `(J, 2)` (x, y) in image pixels.
        scores: `(J,)` confidences.
        info: the keypoint layout (skeleton, limb colours).
        threshold: joints scoring below it are not drawn.

    Returns:
        `(H, W, 3)` uint8 BGR image with the overlay.
    """
    image = np.asarray(image_bgr)
    if image.dtype != np.uint8 or image.ndim not in (2, 3):
        raise ValueError(
            f"image_bgr must be uint8 (H, W, 3). Received: dtype={image.dtype}, "
            f"shape={image.shape}"
        )
    out = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR) if image.ndim == 2 else image.copy()
    joints = np.asarray(joints, np.float64)
    scores = np.asarray(scores, np.float64)
    if joints.shape != (info.num_joints, 2) or scores.shape != (info.num_joints,):
        raise ValueError(
            f"joints must be ({info.num_joints}, 2) and scores ({info.num_joints},). "
            f"Received: joints.shape={joints.shape}, scores.shape={scores.shape}"
        )
    shown = np.isfinite(joints).all(-1) & np.isfinite(scores) & (scores >= threshold)
    conf = np.clip(np.nan_to_num(scores), 0.0, 1.0)
    unit = max(1.0, min(out.shape[:2]) / 120.0)
    for (a, b), color in zip(info.skeleton, info.limb_colors, strict=True):
        if shown[a] and shown[b]:
            c = min(conf[a], conf[b])
            thick = max(1, round(unit * (0.6 + 0.8 * c)))
            _blend_line(out, joints[a], joints[b], color, thick, 0.35 + 0.6 * c)
    radius = max(2, round(unit * 1.5))
    for j, color in enumerate(_joint_colors(info)):
        if shown[j]:
            center = (round(joints[j, 0] * 16), round(joints[j, 1] * 16))
            cv2.circle(out, center, radius * 16, color, -1, cv2.LINE_AA, 4)
            cv2.circle(out, center, radius * 16, (255, 255, 255), 1, cv2.LINE_AA, 4)
    return out


# -- gates (paper Fig. 3) ------------------------------------------------------
def _check_gates(gates) -> list[tuple[str, np.ndarray]]:
    if not gates:
        raise ValueError(
            "gates must hold at least one (name, alpha) pair. Received: []"
        )
    out = []
    for name, alpha in gates:
        values = np.asarray(alpha, np.float64).ravel()
        if values.size == 0 or not np.isfinite(values).all():
            raise ValueError(
                f"gate values must be finite and non-empty. Received: {name!r} with "
                f"{values.size} values"
            )
        out.append((str(name), values))
    return out


def gate_summary(gates: Sequence[tuple[str, np.ndarray]]) -> list[dict]:
    """Per gated block, bottom to top, a summary of its alpha values.

    Args:
        gates: `(block name, alpha)` pairs, alpha a 1-D array (see
            `model_gates`).

    Returns:
        One dict per block: name, channels, mean |alpha|, share (0-1) of
        |alpha| < 0.1, min and max.
    """
    return [
        {
            "name": name,
            "channels": int(v.size),
            "mean_abs": float(np.mean(np.abs(v))),
            "share_small": float(np.mean(np.abs(v) < SMALL_GATE)),
            "min": float(v.min()),
            "max": float(v.max()),
        }
        for name, v in _check_gates(gates)
    ]


def gates_figure(
    gates: Sequence[tuple[str, np.ndarray]], title: str = "", ncols: int = 6
):
    """Matplotlib figure: one histogram per gated block.

    Bottom of the network first, read left to right then top to bottom; shared
    x range, the [-0.1, 0.1] band shaded.

    Args:
        gates: `(block name, alpha)` pairs, alpha a 1-D array (see
            `model_gates`).
        title: figure title; none when empty.
        ncols: histograms per row (fewer when there are fewer blocks).

    Returns:
        The matplotlib `Figure` (Agg canvas).
    """
    from matplotlib.figure import Figure

    gates = _check_gates(gates)
    n = len(gates)
    ncols = max(1, min(ncols, n))
    nrows = math.ceil(n / ncols)
    lim = max(SMALL_GATE * 2, max(float(np.abs(v).max()) for _, v in gates)) * 1.05
    bins = np.linspace(-lim, lim, 81)
    fig = Figure(figsize=(2.3 * ncols, 1.9 * nrows + 0.6), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False)
    for k, ax in enumerate(axes.ravel()):
        if k >= n:
            ax.set_visible(False)
            continue
        _gate_panel(ax, k, *gates[k], bins)
        # x labels only on the lowest panel of each column.
        ax.tick_params(labelsize=6, labelbottom=k + ncols >= n)
    fig.suptitle(
        title or "Learned skip gates \u03b1 per block, bottom to top", fontsize=9
    )
    fig.supxlabel(
        f"\u03b1 (one value per channel); grey band: |\u03b1| < {SMALL_GATE:g}",
        fontsize=8,
    )
    return fig


def _gate_panel(ax, k: int, name: str, v: np.ndarray, bins: np.ndarray) -> None:
    from matplotlib.ticker import MaxNLocator

    ax.axvspan(-SMALL_GATE, SMALL_GATE, color="0.9", zorder=0)
    ax.hist(v, bins=bins, color="tab:blue", edgecolor="white", linewidth=0.2)
    ax.axvline(0, color="0.4", linewidth=0.6)
    ax.set_xlim(bins[0], bins[-1])
    ax.xaxis.set_major_locator(MaxNLocator(nbins=4, symmetric=True))
    ax.set_yticks([])
    ax.set_title(f"{k + 1}. {_short(name)}", fontsize=7)
    share = np.mean(np.abs(v) < SMALL_GATE)
    ax.text(0.98, 0.95, f"{share:.0%} |\u03b1|<{SMALL_GATE:g}\nC={v.size}", fontsize=6,
            ha="right", va="top", transform=ax.transAxes)  # fmt: skip


def _short(name: str, limit: int = 28) -> str:
    return name if len(name) <= limit else "..." + name[-(limit - 3) :]


def plot_gates(
    gates: Sequence[tuple[str, np.ndarray]],
    out_path: str | os.PathLike,
    title: str = "",
    ncols: int = 6,
) -> str:
    """Save the gate histograms (paper Fig. 3) as a PNG, atomically.

    Args:
        gates: `(name, alpha)` per gated block, ordered bottom to top of the
            network; `alpha` is the `(C,)` per-channel gate (any shape, flattened).
        out_path: PNG path.
        title: figure title.
        ncols: panels per row.

    Returns:
        The path written.
    """
    fig = gates_figure(gates, title, ncols)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=130)
    return atomic_write_bytes(out_path, buf.getvalue())
