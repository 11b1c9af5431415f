package com.posegate.core

import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Test

class FrameRateMeterTest {

    @Test
    fun measuresASteadyFrameRate() {
        val m = FrameRateMeter()
        assertEquals(0.0, m.tick(0L), 0.0)
        var t = 0L
        repeat(50) {
            t += 33_333_333L
            m.tick(t)
        }
        assertEquals(30.0, m.fps, 0.01)
    }

    @Test
    fun followsAChangeAndResets() {
        val m = FrameRateMeter(alpha = 0.5)
        var t = 0L
        repeat(5) { t += 100_000_000L; m.tick(t) }
        assertEquals(10.0, m.fps, 1e-9)
        repeat(20) { t += 50_000_000L; m.tick(t) }
        assertEquals(20.0, m.fps, 0.01)
        m.tick(t) // a repeated timestamp is ignored
        assertEquals(20.0, m.fps, 0.01)
        m.reset()
        assertEquals(0.0, m.fps, 0.0)
    }

    @Test
    fun movingAverageStartsAtTheFirstSample() {
        val a = MovingAverage(0.5)
        assertTrue(a.value.isNaN())
        assertEquals(10.0, a.add(10.0), 0.0)
        assertEquals(15.0, a.add(20.0), 0.0)
        a.reset()
        assertEquals(4.0, a.add(4.0), 0.0)
    }
}
