package com.posegate.core

import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Test

class SmoothingTest {

    @Test
    fun emaBlendsWithThePreviousValue() {
        val f = EmaFilter(0.25f)
        assertEquals(10f, f.filter(10f, 0.0), 0f)
        assertEquals(12.5f, f.filter(20f, 0.1), 1e-6f)
        f.reset()
        assertEquals(-3f, f.filter(-3f, 0.2), 0f)
    }

    @Test
    fun oneEuroSmoothsJitterButFollowsMotion() {
        // jitter around a constant: output varies much less than input
        val f = OneEuroFilter(minCutoff = 1.0, beta = 0.0)
        var maxDev = 0f
        for (i in 0 until 60) {
            val x = 100f + if (i % 2 == 0) 2f else -2f
            val y = f.filter(x, i / 30.0)
            if (i > 10) maxDev = maxOf(maxDev, Math.abs(y - 100f))
        }
        assertTrue("jitter not reduced: $maxDev", maxDev < 1f)
        // a ramp: with beta > 0 the lag stays small
        val g = OneEuroFilter(minCutoff = 1.0, beta = 1.0)
        var last = 0f
        for (i in 0 until 60) last = g.filter(i * 10f, i / 30.0)
        assertTrue("lags too much: $last", Math.abs(last - 590f) < 20f)
    }

    @Test
    fun oneEuroStartsAtTheFirstSampleAndIgnoresRepeatedTimestamps() {
        val f = OneEuroFilter()
        assertEquals(5f, f.filter(5f, 1.0), 0f)
        assertEquals(5f, f.filter(50f, 1.0), 0f)
        assertEquals(0.5, OneEuroFilter.smoothing(1.0 / (2 * Math.PI), 1.0), 1e-12)
    }

    @Test
    fun poseSmootherResetsLowConfidenceJoints() {
        val s = PoseSmoother(2, resetBelow = 0.3f) { EmaFilter(0.5f) }
        s.smooth(Pose(floatArrayOf(0f, 0f), floatArrayOf(0f, 0f), floatArrayOf(1f, 1f)), 0.0)
        val p = s.smooth(Pose(floatArrayOf(10f, 10f), floatArrayOf(4f, 4f), floatArrayOf(1f, 0.1f)), 0.1)
        assertEquals(5f, p.x[0], 0f)
        assertEquals(2f, p.y[0], 0f)
        assertEquals(10f, p.x[1], 0f) // low score: passed through, filter reset
        assertEquals(0.1f, p.score[1], 0f)
        val q = s.smooth(Pose(floatArrayOf(10f, 20f), floatArrayOf(4f, 8f), floatArrayOf(1f, 1f)), 0.2)
        assertEquals(7.5f, q.x[0], 0f)
        assertEquals(20f, q.x[1], 0f) // restarted at the new value, no slide from 0
    }
}
