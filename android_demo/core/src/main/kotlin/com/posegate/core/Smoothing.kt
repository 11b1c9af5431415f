package com.posegate.core

import kotlin.math.PI
import kotlin.math.abs

/** A filter over a stream of scalar samples with timestamps (seconds). */
interface ScalarFilter {
    fun filter(value: Float, timestampSec: Double): Float
    fun reset()
}

/** Exponential moving average: `y = alpha * x + (1 - alpha) * y_prev`. */
class EmaFilter(val alpha: Float) : ScalarFilter {
    init {
        require(alpha > 0f && alpha <= 1f) { "alpha must be in (0, 1], got $alpha" }
    }

    private var state = 0f
    private var started = false

    override fun filter(value: Float, timestampSec: Double): Float {
        state = if (started) alpha * value + (1f - alpha) * state else value
        started = true
        return state
    }

    override fun reset() {
        started = false
    }
}

/**
 * The One Euro filter (Casiez, Roussel and Vogel, CHI 2012): a low-pass filter
 * whose cutoff rises with the speed of the signal, so it removes jitter at rest
 * but lags little in fast motion.
 *
 * @param minCutoff cutoff (Hz) at zero speed; lower = smoother at rest.
 * @param beta how fast the cutoff grows with speed; higher = less lag.
 * @param dCutoff cutoff (Hz) of the speed estimate.
 */
class OneEuroFilter(
    val minCutoff: Double = 1.0,
    val beta: Double = 0.05,
    val dCutoff: Double = 1.0
) : ScalarFilter {
    init {
        require(minCutoff > 0 && dCutoff > 0 && beta >= 0) { "cutoffs must be > 0 and beta >= 0" }
    }

    private var started = false
    private var prevX = 0.0
    private var prevDx = 0.0
    private var prevT = 0.0

    override fun filter(value: Float, timestampSec: Double): Float {
        val x = value.toDouble()
        if (!started) {
            started = true
            prevX = x
            prevDx = 0.0
            prevT = timestampSec
            return value
        }
        val dt = timestampSec - prevT
        if (dt <= 0.0) return prevX.toFloat() // repeated or out-of-order timestamp
        prevT = timestampSec
        val dx = (x - prevX) / dt
        val edx = prevDx + smoothing(dt, dCutoff) * (dx - prevDx)
        prevDx = edx
        val cutoff = minCutoff + beta * abs(edx)
        prevX += smoothing(dt, cutoff) * (x - prevX)
        return prevX.toFloat()
    }

    override fun reset() {
        started = false
    }

    companion object {
        /** The EMA weight of a first-order low-pass with [cutoff] Hz over [dt] seconds. */
        fun smoothing(dt: Double, cutoff: Double): Double {
            val tau = 1.0 / (2.0 * PI * cutoff)
            return 1.0 / (1.0 + tau / dt)
        }
    }
}

/**
 * Temporal smoothing of a pose: one [ScalarFilter] per joint coordinate. A joint
 * whose score drops below [resetBelow] has its filters reset, so when it comes
 * back it does not slide in from its old position. Scores are not smoothed.
 * Smooth in a frame that does not change between frames (e.g. camera source
 * pixels), and call [reset] when the geometry or model changes.
 */
class PoseSmoother(
    val numJoints: Int,
    val resetBelow: Float = 0f,
    factory: () -> ScalarFilter = { OneEuroFilter() }
) {
    private val fx = Array(numJoints) { factory() }
    private val fy = Array(numJoints) { factory() }

    fun smooth(pose: Pose, timestampSec: Double): Pose {
        require(pose.numJoints == numJoints) { "pose has ${pose.numJoints} joints, smoother $numJoints" }
        val out = pose.copy()
        for (j in 0 until numJoints) {
            if (pose.score[j] < resetBelow) {
                fx[j].reset()
                fy[j].reset()
                continue
            }
            out.x[j] = fx[j].filter(pose.x[j], timestampSec)
            out.y[j] = fy[j].filter(pose.y[j], timestampSec)
        }
        return out
    }

    fun reset() {
        for (f in fx) f.reset()
        for (f in fy) f.reset()
    }
}
