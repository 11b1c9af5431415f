package com.posegate.core

import org.junit.Assert.assertEquals
import org.junit.Assert.assertSame
import org.junit.Test
import java.nio.ByteBuffer
import java.nio.ByteOrder

class InputPreprocessorTest {

    /** An RGBA frame whose pixel (x, y) is (R, G, B) = (x, y, 200), rows padded. */
    private fun frame(
        w: Int, h: Int, rotation: Int = 0, padding: Int = 12,
        cropLeft: Int = 0, cropTop: Int = 0, cropW: Int = w, cropH: Int = h
    ): RgbaFrame {
        val rowStride = w * 4 + padding
        val buf = ByteBuffer.allocateDirect(rowStride * h)
        for (y in 0 until h) for (x in 0 until w) {
            val o = y * rowStride + x * 4
            buf.put(o, x.toByte()).put(o + 1, y.toByte()).put(o + 2, 200.toByte()).put(o + 3, 255.toByte())
        }
        return RgbaFrame(buf, w, h, rowStride, 4, rotation, cropLeft, cropTop, cropW, cropH)
    }

    private fun spec(
        w: Int, h: Int, dtype: TensorType = TensorType.FLOAT32, color: ColorOrder = ColorOrder.RGB,
        mean: Float = 0f, std: Float = 1f, quant: QuantParams? = null
    ) = InputSpec("image", h, w, 3, color, dtype, FloatArray(3) { mean }, FloatArray(3) { std }, quant)

    private fun floats(buf: ByteBuffer, n: Int) = FloatArray(n) { buf.getFloat(it * 4) }

    private fun newBuffer(s: InputSpec) = ByteBuffer.allocateDirect(s.byteSize).order(ByteOrder.nativeOrder())

    @Test
    fun copiesPixelsWithoutScaling() {
        val s = spec(6, 4)
        val out = newBuffer(s)
        InputPreprocessor(s).prepare(frame(6, 4), out)
        val v = floats(out, 6 * 4 * 3)
        for (y in 0 until 4) for (x in 0 until 6) {
            val i = (y * 6 + x) * 3
            assertEquals(x.toFloat(), v[i], 0f)
            assertEquals(y.toFloat(), v[i + 1], 0f)
            assertEquals(200f, v[i + 2], 0f)
        }
    }

    @Test
    fun rotatesAndSamplesTheCropRectangle() {
        // 10x6 frame, crop (2, 1, 6x4); rotation 90: upright 4x6, model 4x6
        val f = frame(10, 6, rotation = 90, cropLeft = 2, cropTop = 1, cropW = 6, cropH = 4)
        val s = spec(4, 6)
        val out = newBuffer(s)
        val t = InputPreprocessor(s).prepare(f, out)
        assertEquals(6, t.sourceWidth)
        val v = floats(out, 4 * 6 * 3)
        for (mv in 0 until 6) for (mu in 0 until 4) {
            // 90 degrees clockwise: (u, v) = (H - 1 - y, x) with H = 4
            val sx = mv
            val sy = 3 - mu
            val i = (mv * 4 + mu) * 3
            assertEquals("R at ($mu, $mv)", (sx + 2).toFloat(), v[i], 0f)
            assertEquals("G at ($mu, $mv)", (sy + 1).toFloat(), v[i + 1], 0f)
        }
    }

    @Test
    fun mirrorsWhenAsked() {
        val s = spec(6, 4)
        val out = newBuffer(s)
        InputPreprocessor(s).prepare(frame(6, 4), out, FitMode.CROP, mirror = true)
        val v = floats(out, 6 * 4 * 3)
        assertEquals(5f, v[0], 0f) // model (0, 0) is source (5, 0)
        assertEquals(0f, v[5 * 3], 0f)
    }

    @Test
    fun centreCropsAndDownscales() {
        // 16x8 -> 4x4: scale 0.5, columns 4..11 kept; model pixel u samples source 2u + 4.5 -> 5 (floor(x + 0.5))
        val s = spec(4, 4)
        val out = newBuffer(s)
        InputPreprocessor(s).prepare(frame(16, 8), out, FitMode.CROP)
        val v = floats(out, 4 * 4 * 3)
        for (u in 0 until 4) {
            assertEquals((2 * u + 5).toFloat(), v[u * 3], 0f)
            assertEquals(1f, v[u * 3 + 1], 0f) // row 0 samples source y = 0.5 -> 1
        }
    }

    @Test
    fun letterboxPadsWithBlack() {
        // 8x4 -> 8x8 letterbox: rows 0-1 and 6-7 are padding
        val s = spec(8, 8, mean = 10f, std = 2f)
        val out = newBuffer(s)
        InputPreprocessor(s).prepare(frame(8, 4), out, FitMode.LETTERBOX)
        val v = floats(out, 8 * 8 * 3)
        val pad = (0f - 10f) / 2f
        for (row in listOf(0, 1, 6, 7)) for (c in 0 until 3) assertEquals(pad, v[(row * 8 + 3) * 3 + c], 0f)
        // row 2 is source row 0, B = 200 -> (200 - 10) / 2
        assertEquals(95f, v[(2 * 8 + 3) * 3 + 2], 0f)
        assertEquals((3f - 10f) / 2f, v[(2 * 8 + 3) * 3], 0f)
    }

    @Test
    fun quantizesInt8Inputs() {
        val q = QuantParams(1f / 255f, -128)
        val s = spec(6, 4, TensorType.INT8, mean = 0f, std = 255f, quant = q)
        val out = ByteBuffer.allocateDirect(s.byteSize)
        val pre = InputPreprocessor(s)
        pre.prepare(frame(6, 4), out)
        // pixel p -> round(p / 255 / (1/255)) - 128 = p - 128
        assertEquals(3 - 128, out.get((2 * 6 + 3) * 3).toInt())
        assertEquals(2 - 128, out.get((2 * 6 + 3) * 3 + 1).toInt())
        assertEquals(200 - 128, out.get((2 * 6 + 3) * 3 + 2).toInt())
        for (p in 0..255) assertEquals(p - 128, pre.quantized(0, p))
    }

    @Test
    fun swapsChannelsForBgrModels() {
        val s = spec(6, 4, color = ColorOrder.BGR)
        val out = newBuffer(s)
        InputPreprocessor(s).prepare(frame(6, 4), out)
        val v = floats(out, 6 * 4 * 3)
        val i = (3 * 6 + 5) * 3
        assertEquals(200f, v[i], 0f)
        assertEquals(3f, v[i + 1], 0f)
        assertEquals(5f, v[i + 2], 0f)
    }

    @Test
    fun cachesTheSamplingTablePerGeometry() {
        val s = spec(4, 4)
        val pre = InputPreprocessor(s)
        val f = frame(16, 8)
        val t = pre.transformFor(f, FitMode.CROP)
        val a = pre.sourceOffsets(f, t)
        assertSame(a, pre.sourceOffsets(f, pre.transformFor(f, FitMode.CROP)))
        val b = pre.sourceOffsets(f, pre.transformFor(f, FitMode.LETTERBOX))
        assertEquals(true, a !== b)
        assertEquals(-1, b[0]) // letterbox corner is padding
    }
}
