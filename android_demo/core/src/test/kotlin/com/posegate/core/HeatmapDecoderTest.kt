package com.posegate.core

import org.junit.Assert.assertEquals
import org.junit.Test

class HeatmapDecoderTest {

    /** NHWC map with all joints zero except the values given for joint [k]. */
    private fun maps(h: Int, w: Int, j: Int, k: Int, vararg values: Triple<Int, Int, Float>): FloatArray {
        val m = FloatArray(h * w * j)
        for ((x, y, v) in values) m[(y * w + x) * j + k] = v
        return m
    }

    @Test
    fun argmaxWithQuarterPixelShiftTowardTheHigherNeighbour() {
        val d = HeatmapDecoder(8, 8, 2, method = HeatmapDecoder.QUARTER)
        val m = maps(8, 8, 2, 1, Triple(3, 4, 1f), Triple(4, 4, 0.6f), Triple(2, 4, 0.2f), Triple(3, 3, 0.5f), Triple(3, 5, 0.1f))
        val p = d.decode(m)
        assertEquals(3.25f, p.x[1], 0f)
        assertEquals(3.75f, p.y[1], 0f)
        assertEquals(1f, p.score[1], 0f)
        // joint 0 is all zeros: argmax 0, no shift
        assertEquals(0f, p.x[0], 0f)
        assertEquals(0f, p.y[0], 0f)
        assertEquals(0f, p.score[0], 0f)
    }

    @Test
    fun noShiftOnTheBorderOrBetweenEqualNeighbours() {
        val d = HeatmapDecoder(5, 6, 1, method = HeatmapDecoder.QUARTER)
        // right border: x stays, y shifts down
        var p = d.decode(maps(5, 6, 1, 0, Triple(5, 2, 1f), Triple(4, 2, 0.9f), Triple(5, 3, 0.5f)))
        assertEquals(5f, p.x[0], 0f)
        assertEquals(2.25f, p.y[0], 0f)
        // bottom-left corner: no shift at all
        p = d.decode(maps(5, 6, 1, 0, Triple(0, 4, 1f), Triple(1, 4, 0.9f), Triple(0, 3, 0.9f)))
        assertEquals(0f, p.x[0], 0f)
        assertEquals(4f, p.y[0], 0f)
        // equal neighbours
        p = d.decode(maps(5, 6, 1, 0, Triple(2, 2, 1f), Triple(1, 2, 0.5f), Triple(3, 2, 0.5f)))
        assertEquals(2f, p.x[0], 0f)
        assertEquals(2f, p.y[0], 0f)
    }

    @Test
    fun tiesGoToTheFirstMaximumInRowMajorOrder() {
        val d = HeatmapDecoder(4, 4, 1)
        val p = d.decode(maps(4, 4, 1, 0, Triple(3, 1, 0.7f), Triple(1, 2, 0.7f)))
        assertEquals(3f, p.x[0], 0f)
        assertEquals(1f, p.y[0], 0f)
    }

    @Test
    fun negativeMapsDecodeTheLeastNegativeValue() {
        val d = HeatmapDecoder(3, 3, 1)
        val m = FloatArray(9) { -5f }
        m[4] = -1f
        m[5] = -2f
        val p = d.decode(m)
        assertEquals(1.25f, p.x[0], 0f)
        assertEquals(1f, p.y[0], 0f)
        assertEquals(-1f, p.score[0], 0f)
    }

    @Test
    fun mapsHeatmapPixelsToInputPixels() {
        assertEquals(1.5f, HeatmapDecoder.heatmapToInput(0f, 4), 0f)
        assertEquals(253.5f, HeatmapDecoder.heatmapToInput(63f, 4), 0f)
        assertEquals(10f, HeatmapDecoder.inputToHeatmap(HeatmapDecoder.heatmapToInput(10f, 4), 4), 1e-6f)
        val d = HeatmapDecoder(8, 8, 1, stride = 4, method = HeatmapDecoder.QUARTER)
        val p = d.decodeToInput(maps(8, 8, 1, 0, Triple(2, 5, 1f), Triple(3, 5, 0.5f)))
        assertEquals((2.25f + 0.5f) * 4 - 0.5f, p.x[0], 0f)
        assertEquals(5.5f * 4 - 0.5f, p.y[0], 0f)
    }

    @Test
    fun darkFindsASubPixelGaussianPeak() {
        val h = 16
        val w = 16
        val m = FloatArray(h * w)
        val cx = 7.3
        val cy = 8.62
        for (y in 0 until h) for (x in 0 until w) {
            m[y * w + x] = kotlin.math.exp(-((x - cx) * (x - cx) + (y - cy) * (y - cy)) / 8.0).toFloat()
        }
        val dark = HeatmapDecoder(h, w, 1).decode(m)
        assertEquals(cx.toFloat(), dark.x[0], 0.05f)
        assertEquals(cy.toFloat(), dark.y[0], 0.05f)
        val quarter = HeatmapDecoder(h, w, 1, method = HeatmapDecoder.QUARTER).decode(m)
        assertEquals(7.25f, quarter.x[0], 0f)
        assertEquals(8.75f, quarter.y[0], 0f)
        // two pixels from the border: the quarter rule
        val edge = FloatArray(h * w)
        edge[1 * w + 5] = 1f
        edge[1 * w + 6] = 0.5f
        val p = HeatmapDecoder(h, w, 1).decode(edge)
        assertEquals(5.25f, p.x[0], 0f)
        assertEquals(1f, p.y[0], 0f)
    }

    @Test(expected = IllegalArgumentException::class)
    fun rejectsAnUnknownMethod() {
        HeatmapDecoder(4, 4, 1, method = "soft_argmax")
    }

    @Test(expected = IllegalArgumentException::class)
    fun rejectsShortInput() {
        HeatmapDecoder(4, 4, 2).decode(FloatArray(31))
    }
}
