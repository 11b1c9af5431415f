"""Articulated stick figures in MPII's 16-joint layout, drawn with OpenCV.

A figure is sampled as a kinematic chain (pelvis -> torso -> neck -> head,
hips and shoulders across the torso, two-segment limbs) with human-like angle
ranges, then drawn as thick capsules: right limbs red, left limbs blue (upper
segments darker than lower ones, so elbows and knees show), a torso polygon and
an elliptic head. The figure may face the camera or turn away.

The figures are mirror-consistent, as real people are: a mirrored figure with
its left and right labels swapped is as likely as the original, so horizontal
flip augmentation never teaches contradictory labels. Left and right are read
the way they are in photographs: from which way the figure faces (a face and a
shirt placket on the front, dark hair and a plain back when turned away) and
from where each limb joins the torso. The two limb colours (red and blue,
upper segments darker than lower ones so elbows and knees show) go to the two
sides at random and say nothing about which side is which. Everything is
deterministic given the `numpy.random.Generator`.
"""

from __future__ import annotations

import cv2
import numpy as np

# Segment lengths as fractions of the standing height.
_TORSO, _NECK, _HEAD = 0.30, 0.06, 0.13
_UPPER_ARM, _FOREARM, _THIGH, _SHIN = 0.17, 0.15, 0.24, 0.23
_HIP_HALF, _SHOULDER_HALF = 0.07, 0.11
# (first, second, third joint, is_arm, is_left) of each limb.
_LIMBS = (
    (12, 11, 10, True, False),
    (13, 14, 15, True, True),
    (2, 1, 0, False, False),
    (3, 4, 5, False, True),
)


def _dir(angle: float) -> np.ndarray:
    """Unit vector for `angle` radians, 0 = up, clockwise on screen."""
    return np.array([np.sin(angle), -np.cos(angle)])


def sample_pose(
    rng: np.random.Generator, height: float, pelvis: np.ndarray, rotation: float
) -> np.ndarray:
    """Samples the 16 MPII joints of one figure.

    Args:
        rng: random generator.
        height: standing height in pixels.
        pelvis: (x, y) of the pelvis.
        rotation: whole-body rotation in radians (0 = upright).

    Returns:
        (16, 2) float64 joint positions.
    """
    j = np.zeros((16, 2))
    torso = rotation + rng.uniform(-0.2, 0.2)
    facing = 1.0 if rng.random() < 0.7 else -1.0  # -1: turned away.
    width = rng.uniform(0.45, 1.0) * height  # < 1: turned sideways.
    side = _dir(torso + np.pi / 2)  # Screen-right when upright.
    j[6] = pelvis
    j[7] = pelvis + _TORSO * height * _dir(torso)
    j[8] = j[7] + _NECK * height * _dir(torso + rng.uniform(-0.3, 0.3))
    j[9] = j[8] + _HEAD * height * _dir(torso + rng.uniform(-0.4, 0.4))
    for right, left, root, half in ((2, 3, 6, _HIP_HALF), (12, 13, 7, _SHOULDER_HALF)):
        j[right] = j[root] - facing * half * width * side
        j[left] = j[root] + facing * half * width * side
    for a, b, c, is_arm, is_left in _LIMBS:
        screen_side = facing * (1.0 if is_left else -1.0)
        if is_arm:
            spread, bend = rng.uniform(-0.5, 2.9), rng.uniform(0.0, 2.6)
            lengths = (_UPPER_ARM, _FOREARM)
        else:
            spread = rng.uniform(-0.25, 1.0) if rng.random() < 0.85 else 1.6
            bend, lengths = rng.uniform(0.0, 2.0), (_THIGH, _SHIN)
        upper = torso + np.pi - screen_side * spread
        lower = upper + rng.choice((-1.0, 1.0)) * bend
        shorten = rng.uniform(0.65, 1.0, size=2)
        j[b] = j[a] + lengths[0] * shorten[0] * height * _dir(upper)
        j[c] = j[b] + lengths[1] * shorten[1] * height * _dir(lower)
    return j


def limb_colours(rng: np.random.Generator) -> dict[str, tuple[int, int, int]]:
    """BGR colours: one limb colour per side (which side is random), jittered.

    Args:
        rng: the random generator to draw the sides and the jitter from.

    Returns:
        Part name (limbs by side and segment, torso, skin, hair, placket) ->
        `(b, g, r)` ints in [0, 255].
    """

    def jitter(bgr):
        return tuple(int(np.clip(c + rng.integers(-25, 26), 0, 255)) for c in bgr)

    red = ((30, 30, 170), (90, 90, 250))
    blue = ((170, 60, 20), (250, 160, 80))
    right, left = (red, blue) if rng.random() < 0.5 else (blue, red)
    return {
        "right_upper": jitter(right[0]),
        "right_lower": jitter(right[1]),
        "left_upper": jitter(left[0]),
        "left_lower": jitter(left[1]),
        "torso": jitter((60, 170, 60) if rng.random() < 0.5 else (40, 190, 200)),
        "skin": jitter((140, 180, 225)),
        "hair": jitter((30, 40, 60)),
        "placket": jitter((235, 235, 235)),
    }


def facing_camera(joints: np.ndarray) -> bool:
    """Whether a figure from `sample_pose` faces the camera.

    Facing the camera, a person's right shoulder is on the image's left, seen
    along the torso from pelvis to thorax.

    Args:
        joints: `(16, 2)` (x, y) image pixels in MPII order.

    Returns:
        True when the figure faces the camera.
    """
    up = joints[7] - joints[6]
    across = joints[13] - joints[12]  # right -> left shoulder
    return bool(up[0] * across[1] - up[1] * across[0] > 0)


def draw_figure(
    image: np.ndarray, joints: np.ndarray, height: float, rng: np.random.Generator
) -> None:
    """Draws one figure in place.

    Args:
        image: (H, W, 3) uint8 BGR canvas.
        joints: (16, 2) positions from `sample_pose`.
        height: the figure's standing height in pixels (sets the thickness).
        rng: random generator (colours and drawing order).
    """
    colours = limb_colours(rng)
    front = facing_camera(joints)
    pts = np.round(joints).astype(np.int32)
    back_is_left = rng.random() < 0.5
    order = sorted(_LIMBS, key=lambda limb: limb[4] != back_is_left)
    for limb in order[:2]:
        _draw_limb(image, pts, limb, colours, height)
    torso = pts[[12, 13, 3, 2]]
    cv2.fillConvexPoly(image, torso, colours["torso"], cv2.LINE_AA)
    neck_width = max(2, int(0.05 * height))
    cv2.line(image, tuple(pts[7]), tuple(pts[8]), colours["torso"], neck_width)
    if front:  # A shirt placket from the neck to the belt.
        placket = max(1, int(0.025 * height))
        cv2.line(image, tuple(pts[7]), tuple(pts[6]), colours["placket"], placket)
    _draw_head(image, joints[8], joints[9], colours, front)
    for limb in order[2:]:
        _draw_limb(image, pts, limb, colours, height)


def _draw_limb(image, pts, limb, colours, height):
    a, b, c, is_arm, is_left = limb
    side = "left" if is_left else "right"
    width = max(2, int((0.045 if is_arm else 0.06) * height))
    for (p, q), part in (((a, b), "upper"), ((b, c), "lower")):
        colour = colours[f"{side}_{part}"]
        cv2.line(image, tuple(pts[p]), tuple(pts[q]), colour, width, cv2.LINE_AA)


def _draw_head(image, neck, top, colours, front):
    """A skin-coloured face with eyes and a mouth, or the back of a dark head."""
    axis = top - neck
    length = float(np.hypot(*axis))
    centre = (neck + top) / 2
    angle = float(np.degrees(np.arctan2(axis[1], axis[0])))
    axes = (max(1, int(length * 0.55)), max(1, int(length * 0.42)))
    colour = colours["skin"] if front else colours["hair"]
    cv2.ellipse(image, _int(centre), axes, angle, 0, 360, colour, -1, cv2.LINE_AA)
    if not front:
        return
    along = axis / max(length, 1e-6)
    across = np.array([-along[1], along[0]])
    dot = max(1, int(round(length * 0.08)))
    for k in (-1, 1):
        eye = centre + 0.12 * length * along + k * 0.18 * length * across
        cv2.circle(image, _int(eye), dot, colours["hair"], -1, cv2.LINE_AA)
    mouth = centre - 0.2 * length * along
    cv2.circle(image, _int(mouth), dot, (40, 40, 150), -1, cv2.LINE_AA)


def _int(point) -> tuple[int, int]:
    return tuple(int(round(v)) for v in point)


def background(rng: np.random.Generator, width: int, height: int) -> np.ndarray:
    """A textured, cluttered, noisy random background.

    Args:
        rng: random generator.
        width: canvas width.
        height: canvas height.

    Returns:
        (height, width, 3) uint8 BGR image.
    """
    cells = rng.integers(0, 256, size=(rng.integers(3, 9), rng.integers(3, 9), 3))
    image = cv2.resize(cells.astype(np.uint8), (width, height), cv2.INTER_CUBIC)
    size = min(width, height)
    for _ in range(int(rng.integers(4, 12))):
        grey = int(rng.integers(30, 220))
        colour = tuple(
            int(np.clip(grey + rng.integers(-40, 41), 0, 255)) for _ in "bgr"
        )
        x, y = int(rng.integers(0, width)), int(rng.integers(0, height))
        r = int(rng.integers(size // 30 + 1, size // 6 + 2))
        if rng.random() < 0.5:
            cv2.rectangle(image, (x - r, y - r // 2), (x + r, y + r), colour, -1)
        else:
            cv2.circle(image, (x, y), r, colour, -1, cv2.LINE_AA)
    noise = rng.integers(-14, 15, size=image.shape, dtype=np.int16)
    return np.clip(image.astype(np.int16) + noise, 0, 255).astype(np.uint8)


def occlude(
    image: np.ndarray, joints: np.ndarray, height: float, rng: np.random.Generator
) -> np.ndarray:
    """Draws a textured box over a random limb joint.

    Args:
        image: canvas, changed in place.
        joints: (J, 2) joint positions.
        height: figure height in pixels (sets the box size).
        rng: random generator.

    Returns:
        (J,) bool, True for the joints the box covers.
    """
    target = joints[rng.choice([0, 1, 4, 5, 10, 11, 14, 15])]
    half = rng.uniform(0.06, 0.11, size=2) * height
    centre = target + rng.uniform(-0.4, 0.4, size=2) * half
    lo = centre - half
    patch = background(rng, max(1, int(2 * half[0])), max(1, int(2 * half[1])))
    x0, y0 = np.floor(lo).astype(int)
    h, w = image.shape[:2]
    xa, ya = max(x0, 0), max(y0, 0)
    xb, yb = min(x0 + patch.shape[1], w), min(y0 + patch.shape[0], h)
    if xb > xa and yb > ya:
        image[ya:yb, xa:xb] = patch[ya - y0 : yb - y0, xa - x0 : xb - x0]
    covered_lo = np.array([x0, y0])
    covered_hi = covered_lo + np.array(patch.shape[1::-1])
    return np.all((joints >= covered_lo) & (joints < covered_hi), axis=1)
