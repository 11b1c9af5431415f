package com.posegate.core

/**
 * A 2-D affine map `u = a*x + b*y + c`, `v = d*x + e*y + f`, in double precision.
 */
class Affine(
    val a: Double, val b: Double, val c: Double,
    val d: Double, val e: Double, val f: Double
) {
    fun mapX(x: Double, y: Double): Double = a * x + b * y + c
    fun mapY(x: Double, y: Double): Double = d * x + e * y + f

    /** Maps (x, y) into `out[0]`, `out[1]` and returns `out`. */
    fun map(x: Float, y: Float, out: FloatArray = FloatArray(2)): FloatArray {
        out[0] = mapX(x.toDouble(), y.toDouble()).toFloat()
        out[1] = mapY(x.toDouble(), y.toDouble()).toFloat()
        return out
    }

    fun inverse(): Affine {
        val det = a * e - b * d
        require(det != 0.0) { "affine map is not invertible" }
        val ia = e / det
        val ib = -b / det
        val id = -d / det
        val ie = a / det
        return Affine(ia, ib, -(ia * c + ib * f), id, ie, -(id * c + ie * f))
    }

    /** `this` after [other]: `p -> this(other(p))`. */
    fun compose(other: Affine): Affine = Affine(
        a * other.a + b * other.d, a * other.b + b * other.e, a * other.c + b * other.f + c,
        d * other.a + e * other.d, d * other.b + e * other.e, d * other.c + e * other.f + f
    )

    /** [next] after `this`: `p -> next(this(p))`. */
    fun then(next: Affine): Affine = next.compose(this)

    /** Maps every keypoint of [pose], keeping the scores. */
    fun mapPose(pose: Pose): Pose = pose.mapPoints { x, y, out -> map(x, y, out) }

    override fun toString(): String = "Affine([$a, $b, $c], [$d, $e, $f])"

    companion object {
        val IDENTITY = Affine(1.0, 0.0, 0.0, 0.0, 1.0, 0.0)
    }
}

/** How a source image is fitted into a target rectangle of another aspect ratio. */
enum class FitMode {
    /** Scale to cover the target and cut off the overflow, centred (CameraX's FILL_CENTER). */
    CROP,

    /** Scale to fit inside the target and pad the rest, centred (FIT_CENTER). */
    LETTERBOX
}

/**
 * The geometry between a camera frame and a target image (the model input, or
 * the preview on screen): first rotate the source clockwise by
 * [rotationDegrees] (0, 90, 180 or 270, CameraX's `ImageInfo.rotationDegrees`)
 * so it is upright, then optionally mirror it left-right (front camera preview),
 * then scale it uniformly and centre it in the target ([FitMode.CROP] or
 * [FitMode.LETTERBOX]).
 *
 * Coordinates are pixels with pixel centres at integers (the project's
 * convention): a `W`-wide image spans `[-0.5, W - 0.5]`, so a 90 degree
 * clockwise turn maps `(x, y)` to `(H - 1 - y, x)`.
 * [forward] maps source to target, [inverse] target to source.
 */
class FrameTransform(
    val sourceWidth: Int,
    val sourceHeight: Int,
    rotationDegrees: Int,
    val mirror: Boolean,
    val targetWidth: Int,
    val targetHeight: Int,
    val fit: FitMode
) {
    val rotationDegrees: Int = normalizeRotation(rotationDegrees)

    init {
        require(sourceWidth > 0 && sourceHeight > 0) { "source size must be positive, got ${sourceWidth}x$sourceHeight" }
        require(targetWidth > 0 && targetHeight > 0) { "target size must be positive, got ${targetWidth}x$targetHeight" }
    }

    private val quarterTurn: Boolean get() = rotationDegrees == 90 || rotationDegrees == 270

    /** Size of the source after rotation (before scaling). */
    val uprightWidth: Int get() = if (quarterTurn) sourceHeight else sourceWidth
    val uprightHeight: Int get() = if (quarterTurn) sourceWidth else sourceHeight

    /** Target pixels per upright source pixel. */
    val scale: Double = run {
        val sx = targetWidth.toDouble() / uprightWidth
        val sy = targetHeight.toDouble() / uprightHeight
        if (fit == FitMode.CROP) maxOf(sx, sy) else minOf(sx, sy)
    }

    /** Offset of the scaled image's left/top edge in the target (negative when cropping). */
    val offsetX: Double get() = (targetWidth - uprightWidth * scale) / 2.0
    val offsetY: Double get() = (targetHeight - uprightHeight * scale) / 2.0

    /** Source pixel to upright (rotated, then possibly mirrored) pixel. */
    val orientation: Affine = run {
        val w = sourceWidth - 1.0
        val h = sourceHeight - 1.0
        val rot = when (this.rotationDegrees) {
            0 -> Affine.IDENTITY
            90 -> Affine(0.0, -1.0, h, 1.0, 0.0, 0.0) // (h - y, x)
            180 -> Affine(-1.0, 0.0, w, 0.0, -1.0, h) // (w - x, h - y)
            else -> Affine(0.0, 1.0, 0.0, -1.0, 0.0, w) // 270: (y, w - x)
        }
        if (mirror) rot.then(Affine(-1.0, 0.0, uprightWidth - 1.0, 0.0, 1.0, 0.0)) else rot
    }

    /** Upright pixel to target pixel: `(x + 0.5) * scale - 0.5 + offset`. */
    val placement: Affine
        get() = Affine(scale, 0.0, 0.5 * scale - 0.5 + offsetX, 0.0, scale, 0.5 * scale - 0.5 + offsetY)

    /** Source pixel to target pixel. */
    val forward: Affine = orientation.then(placement)

    /** Target pixel to source pixel. */
    val inverse: Affine = forward.inverse()

    fun toTarget(x: Float, y: Float): FloatArray = forward.map(x, y)
    fun toSource(u: Float, v: Float): FloatArray = inverse.map(u, v)

    /** Whether a source point lands inside the target (after the crop). */
    fun isInsideTarget(x: Float, y: Float): Boolean {
        val u = forward.mapX(x.toDouble(), y.toDouble())
        val v = forward.mapY(x.toDouble(), y.toDouble())
        return u >= -0.5 && u <= targetWidth - 0.5 && v >= -0.5 && v <= targetHeight - 0.5
    }

    override fun equals(other: Any?): Boolean =
        other is FrameTransform && other.sourceWidth == sourceWidth && other.sourceHeight == sourceHeight &&
            other.rotationDegrees == rotationDegrees && other.mirror == mirror &&
            other.targetWidth == targetWidth && other.targetHeight == targetHeight && other.fit == fit

    override fun hashCode(): Int {
        var h = sourceWidth
        h = h * 31 + sourceHeight
        h = h * 31 + rotationDegrees
        h = h * 31 + (if (mirror) 1 else 0)
        h = h * 31 + targetWidth
        h = h * 31 + targetHeight
        return h * 31 + fit.ordinal
    }

    override fun toString(): String =
        "FrameTransform(${sourceWidth}x$sourceHeight rot=$rotationDegrees mirror=$mirror -> ${targetWidth}x$targetHeight $fit)"

    companion object {
        /** 0, 90, 180 or 270 for any multiple of 90 (negative ones included). */
        fun normalizeRotation(degrees: Int): Int {
            require(degrees % 90 == 0) { "rotation must be a multiple of 90 degrees, got $degrees" }
            return ((degrees % 360) + 360) % 360
        }

        /**
         * The map from model input pixels to view pixels: undo [toModel] back to
         * the source frame, then apply [toView]. Both must share the source.
         */
        fun modelToView(toModel: FrameTransform, toView: FrameTransform): Affine {
            require(toModel.sourceWidth == toView.sourceWidth && toModel.sourceHeight == toView.sourceHeight) {
                "both transforms must start from the same source frame"
            }
            return toModel.inverse.then(toView.forward)
        }
    }
}
