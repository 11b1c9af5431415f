package com.posegate.core

/**
 * Frames per second and a smoothed duration (e.g. inference time), as shown in
 * the app's status line. Exponential moving averages, so the numbers are steady
 * but follow changes within about a second at camera rates.
 */
class FrameRateMeter(val alpha: Double = 0.1) {
    init {
        require(alpha > 0 && alpha <= 1) { "alpha must be in (0, 1], got $alpha" }
    }

    private var lastNanos = -1L
    private var meanInterval = 0.0

    /** Smoothed frames per second, 0 until two frames were seen. */
    var fps: Double = 0.0
        private set

    /** Records a frame at [nanos] (a monotonic clock); returns the current FPS. */
    fun tick(nanos: Long): Double {
        if (lastNanos >= 0 && nanos > lastNanos) {
            val dt = (nanos - lastNanos) / 1e9
            meanInterval = if (meanInterval == 0.0) dt else meanInterval + alpha * (dt - meanInterval)
            fps = 1.0 / meanInterval
        }
        lastNanos = nanos
        return fps
    }

    fun reset() {
        lastNanos = -1L
        meanInterval = 0.0
        fps = 0.0
    }
}

/** An exponential moving average of a duration or any other number. */
class MovingAverage(val alpha: Double = 0.1) {
    var value: Double = Double.NaN
        private set

    fun add(sample: Double): Double {
        value = if (value.isNaN()) sample else value + alpha * (sample - value)
        return value
    }

    fun reset() {
        value = Double.NaN
    }
}
