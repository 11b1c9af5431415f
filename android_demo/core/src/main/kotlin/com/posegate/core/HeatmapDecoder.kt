package com.posegate.core

import kotlin.math.ln
import kotlin.math.max

/**
 * One person's keypoints: `x[j]`, `y[j]`, `score[j]` for joint `j`. The
 * coordinate frame depends on where the pose came from (heatmap pixels, model
 * input pixels, or view pixels); pixel centres are at integer coordinates.
 */
class Pose(val x: FloatArray, val y: FloatArray, val score: FloatArray) {
    init {
        require(x.size == y.size && y.size == score.size) { "x, y and score must have the same length" }
    }

    val numJoints: Int get() = x.size

    fun copy(): Pose = Pose(x.copyOf(), y.copyOf(), score.copyOf())

    /** Applies [f] to every (x, y), keeping scores. */
    inline fun mapPoints(f: (Float, Float, FloatArray) -> Unit): Pose {
        val out = Pose(FloatArray(numJoints), FloatArray(numJoints), score.copyOf())
        val tmp = FloatArray(2)
        for (j in 0 until numJoints) {
            f(x[j], y[j], tmp)
            out.x[j] = tmp[0]
            out.y[j] = tmp[1]
        }
        return out
    }

    override fun toString(): String =
        (0 until numJoints).joinToString(prefix = "Pose[", postfix = "]") { "(${x[it]}, ${y[it]}; ${score[it]})" }
}

/**
 * Decodes NHWC heatmaps `(height, width, numJoints)` exactly as the Python
 * `HeatmapCodec.decode`: per joint, the argmax (first maximum in row-major
 * order on ties), refined by [method]; the score is the maximum.
 *
 * - [QUARTER] (`argmax_quarter_offset`): a quarter pixel toward the higher
 *   neighbour on each axis where the maximum is not on that axis' border.
 * - [DARK]: DARK's Taylor step on the log of the map smoothed by the kernel
 *   (1/4, 1/2, 1/4) per axis (edges replicated), clipped to one pixel, where the
 *   argmax is at least 2 pixels from every border and the log-map curves
 *   downward there; elsewhere the quarter rule. In double precision, in the
 *   Python codec's order of operations.
 *
 * Coordinates are heatmap pixels; [toInput] maps them to model input pixels with
 * `(h + 0.5) * stride - 0.5`.
 */
class HeatmapDecoder(
    val height: Int,
    val width: Int,
    val numJoints: Int,
    val stride: Int = 4,
    val method: String = DARK
) {

    init {
        require(height > 0 && width > 0 && numJoints > 0 && stride > 0) {
            "height, width, numJoints and stride must be positive"
        }
        require(method in METHODS) { "unknown decoding method '$method' (known: $METHODS)" }
    }

    constructor(output: OutputSpec, method: String = DARK) :
        this(output.height, output.width, output.numJoints, output.stride, method)

    val size: Int get() = height * width * numJoints

    /** Keypoints in heatmap pixels from float heatmaps (NHWC, one image). */
    fun decode(heatmaps: FloatArray): Pose {
        require(heatmaps.size >= size) { "expected $size heatmap values (${height}x${width}x$numJoints), got ${heatmaps.size}" }
        val j = numJoints
        val w = width
        val h = height
        val xs = FloatArray(j)
        val ys = FloatArray(j)
        val scores = FloatArray(j)
        for (k in 0 until j) {
            var best = 0
            var bestVal = heatmaps[k]
            // NaN never compares greater, so a NaN map decodes to (0, 0) unless a
            // real maximum exists; numpy would return the NaN's index. Exported
            // models do not produce NaN, and a NaN score fails any threshold.
            var idx = 0
            while (idx < h * w) {
                val v = heatmaps[idx * j + k]
                if (v > bestVal) {
                    bestVal = v
                    best = idx
                }
                idx++
            }
            val x = best % w
            val y = best / w
            var fx = x.toFloat()
            var fy = y.toFloat()
            if (x > 0 && x < w - 1) {
                val dx = heatmaps[(y * w + x + 1) * j + k] - heatmaps[(y * w + x - 1) * j + k]
                fx += 0.25f * sign(dx)
            }
            if (y > 0 && y < h - 1) {
                val dy = heatmaps[((y + 1) * w + x) * j + k] - heatmaps[((y - 1) * w + x) * j + k]
                fy += 0.25f * sign(dy)
            }
            xs[k] = fx
            ys[k] = fy
            if (method == DARK) refineDark(heatmaps, k, x, y, xs, ys)
            scores[k] = bestVal
        }
        return Pose(xs, ys, scores)
    }

    /** Map value at (clamped) row [yy], column [xx] of joint [k], as a double. */
    private fun at(maps: FloatArray, k: Int, yy: Int, xx: Int): Double {
        val r = yy.coerceIn(0, height - 1)
        val c = xx.coerceIn(0, width - 1)
        return maps[(r * width + c) * numJoints + k].toDouble()
    }

    /** ln of the smoothed map at (yy, xx): vertical pass, then horizontal. */
    private fun logSmooth(maps: FloatArray, k: Int, yy: Int, xx: Int): Double {
        fun column(c: Int): Double =
            K0 * at(maps, k, yy - 1, c) + K1 * at(maps, k, yy, c) + K2 * at(maps, k, yy + 1, c)
        val smooth = K0 * column(xx - 1) + K1 * column(xx) + K2 * column(xx + 1)
        return ln(max(smooth, EPS))
    }

    /** DARK's step at argmax (x, y) of joint [k]; leaves xs / ys when it does not apply. */
    private fun refineDark(maps: FloatArray, k: Int, x: Int, y: Int, xs: FloatArray, ys: FloatArray) {
        if (x < 2 || x > width - 3 || y < 2 || y > height - 3) return
        fun l(dy: Int, dx: Int): Double = logSmooth(maps, k, y + dy, x + dx)
        val gx = 0.5 * (l(0, 1) - l(0, -1))
        val gy = 0.5 * (l(1, 0) - l(-1, 0))
        val hxx = 0.25 * (l(0, 2) - 2 * l(0, 0) + l(0, -2))
        val hyy = 0.25 * (l(2, 0) - 2 * l(0, 0) + l(-2, 0))
        val hxy = 0.25 * (l(1, 1) - l(1, -1) - l(-1, 1) + l(-1, -1))
        val det = hxx * hyy - hxy * hxy
        if (!(hxx < 0 && det > 0)) return
        val ox = (-(hyy * gx - hxy * gy) / det).coerceIn(-1.0, 1.0)
        val oy = (-(hxx * gy - hxy * gx) / det).coerceIn(-1.0, 1.0)
        xs[k] = (x + ox).toFloat()
        ys[k] = (y + oy).toFloat()
    }

    /** Heatmap pixels to model input pixels: `(h + 0.5) * stride - 0.5`. */
    fun toInput(pose: Pose): Pose = pose.mapPoints { x, y, out ->
        out[0] = heatmapToInput(x, stride)
        out[1] = heatmapToInput(y, stride)
    }

    /** Decodes and maps to model input pixels in one go. */
    fun decodeToInput(heatmaps: FloatArray): Pose = toInput(decode(heatmaps))

    companion object {
        /** The decoding methods, named as the exported metadata names them. */
        const val DARK = "dark"
        const val QUARTER = "argmax_quarter_offset"
        val METHODS = listOf(DARK, QUARTER)

        private const val K0 = 0.25
        private const val K1 = 0.5
        private const val K2 = 0.25
        private const val EPS = 1e-10

        fun heatmapToInput(h: Float, stride: Int): Float = (h + 0.5f) * stride - 0.5f
        fun inputToHeatmap(u: Float, stride: Int): Float = (u + 0.5f) / stride - 0.5f

        private fun sign(v: Float): Float = if (v > 0f) 1f else if (v < 0f) -1f else 0f
    }
}
