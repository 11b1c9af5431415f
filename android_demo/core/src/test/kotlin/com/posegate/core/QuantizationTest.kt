package com.posegate.core

import org.junit.Assert.assertArrayEquals
import org.junit.Assert.assertEquals
import org.junit.Test
import java.nio.ByteBuffer
import java.nio.ByteOrder

class QuantizationTest {

    @Test
    fun dequantizesAsQMinusZeroPointTimesScale() {
        val p = QuantParams(0.0039f, -128)
        assertEquals(0f, p.dequantize(-128), 0f)
        assertEquals(255 * 0.0039f, p.dequantize(127), 0f)
        val q = byteArrayOf(-128, -1, 0, 127)
        val out = Dequantizer.int8(q, p)
        assertArrayEquals(floatArrayOf(0f, 127 * 0.0039f, 128 * 0.0039f, 255 * 0.0039f), out, 0f)
    }

    @Test
    fun dequantizesUint8() {
        val p = QuantParams(0.5f, 10)
        val out = Dequantizer.uint8(byteArrayOf(10, 0, 255.toByte()), p)
        assertArrayEquals(floatArrayOf(0f, -5f, 122.5f), out, 0f)
    }

    @Test
    fun quantizesWithRoundingHalfAwayFromZeroAndClamps() {
        val p = QuantParams(1f, 0)
        assertEquals(1, p.quantize(0.5f))
        assertEquals(-1, p.quantize(-0.5f))
        assertEquals(2, p.quantize(2.49f))
        assertEquals(127, p.quantize(1000f))
        assertEquals(-128, p.quantize(-1000f))
        assertEquals(255, p.quantize(1000f, 0, 255))
        // the int8 input of the metadata: pixel / 255 with scale 1/255, zp -128
        val input = QuantParams(0.003921569f, -128)
        for (pixel in 0..255) assertEquals(pixel - 128, input.quantize(pixel / 255f))
    }

    @Test
    fun quantizeThenDequantizeIsWithinHalfAStep() {
        val p = QuantParams(0.02f, 3)
        var v = -2.0f
        while (v < 2.0f) {
            assertEquals(v, p.dequantize(p.quantize(v)), 0.01f + 1e-6f)
            v += 0.0137f
        }
    }

    @Test
    fun readsTensorsFromByteBuffers() {
        val f = ByteBuffer.allocateDirect(12).order(ByteOrder.nativeOrder())
        f.putFloat(0, 1.5f).putFloat(4, -2f).putFloat(8, 0.25f)
        assertArrayEquals(floatArrayOf(1.5f, -2f, 0.25f), Dequantizer.fromBuffer(f, TensorType.FLOAT32, null, 3, FloatArray(3)), 0f)
        val q = ByteBuffer.wrap(byteArrayOf(-128, 0, 127, 255.toByte()))
        val p = QuantParams(0.5f, -128)
        assertArrayEquals(floatArrayOf(0f, 64f, 127.5f, 63.5f), Dequantizer.fromBuffer(q, TensorType.INT8, p, 4, FloatArray(4)), 0f)
        val pu = QuantParams(0.5f, 0)
        assertArrayEquals(floatArrayOf(64f, 0f, 63.5f, 127.5f), Dequantizer.fromBuffer(q, TensorType.UINT8, pu, 4, FloatArray(4)), 0f)
    }

    @Test(expected = IllegalArgumentException::class)
    fun rejectsNonPositiveScale() {
        QuantParams(0f, 0)
    }

    @Test
    fun tensorTypesFromMetadataNames() {
        assertEquals(TensorType.INT8, TensorType.fromMetadata("int8"))
        assertEquals(TensorType.FLOAT32, TensorType.fromMetadata("float32"))
        assertEquals(TensorType.UINT8, TensorType.fromMetadata("uint8"))
        assertEquals(4, TensorType.FLOAT32.bytesPerElement)
        try {
            TensorType.fromMetadata("float16")
            org.junit.Assert.fail()
        } catch (e: IllegalArgumentException) {
            org.junit.Assert.assertTrue(e.message!!.contains("float16"))
        }
    }
}
