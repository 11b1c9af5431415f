package com.posegate.core

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
 * order on ties), plus a quarter pixel toward the higher neighbour on each axis
 * where the maximum is not on that axis' border; the score is the maximum.
 * Coordinates are heatmap pixels; [toInput] maps them to model input pixels with
 * `(h + 0.5) * stride - 0.5`.
 */
class HeatmapDecoder(val height: Int, val width: Int, val numJoints: Int, val stride: Int = 4) {

    init {
        require(height > 0 && width > 0 && numJoints > 0 && stride > 0) {
            "height, width, numJoints and stride must be positive"
        }
    }

    constructor(output: OutputSpec) : this(output.height, output.width, output.numJoints, output.stride)

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
            scores[k] = bestVal
        }
        return Pose(xs, ys, scores)
    }

    /** Heatmap pixels to model input pixels: `(h + 0.5) * stride - 0.5`. */
    fun toInput(pose: Pose): Pose = pose.mapPoints { x, y, out ->
        out[0] = heatmapToInput(x, stride)
        out[1] = heatmapToInput(y, stride)
    }

    /** Decodes and maps to model input pixels in one go. */
    fun decodeToInput(heatmaps: FloatArray): Pose = toInput(decode(heatmaps))

    companion object {
        fun heatmapToInput(h: Float, stride: Int): Float = (h + 0.5f) * stride - 0.5f
        fun inputToHeatmap(u: Float, stride: Int): Float = (u + 0.5f) / stride - 0.5f

        private fun sign(v: Float): Float = if (v > 0f) 1f else if (v < 0f) -1f else 0f
    }
}
