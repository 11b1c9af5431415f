package com.posegate.core

import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Test
import java.io.File

/**
 * Parity with the Python codec: `tflite/golden.py` writes heatmaps (float32, and
 * int8 with scale / zero point) and the keypoints `HeatmapCodec.decode` finds in
 * them, with each case's `decoding` (DARK, and the quarter rule for the cases
 * named `*_quarter`); the Kotlin decoder must find the same keypoints, to 1e-4.
 */
class GoldenParityTest {

    private val tol = 1e-4

    private fun cases(): List<File> {
        val files = TestData.goldenDir().listFiles { f -> f.name.startsWith("case_") && f.name.endsWith(".json") }
        val list = files?.sortedBy { it.name } ?: emptyList()
        assertTrue("no golden cases found", list.isNotEmpty())
        return list
    }

    @Suppress("UNCHECKED_CAST")
    private fun check(file: File): String {
        val case = Json.parseObject(file.readText())
        val name = JsonAccess.string(case, "name")
        val h = JsonAccess.int(case, "height")
        val w = JsonAccess.int(case, "width")
        val j = JsonAccess.int(case, "num_joints")
        val stride = JsonAccess.int(case, "stride")
        val raw = case["heatmaps"] as List<Any?>
        assertEquals("$name: heatmap size", h * w * j, raw.size)
        val maps: FloatArray = when (val dtype = JsonAccess.string(case, "dtype")) {
            "float32" -> FloatArray(raw.size) { (raw[it] as Double).toFloat() }
            "int8" -> {
                val qo = JsonAccess.obj(case, "quantization")
                val params = QuantParams(JsonAccess.double(qo, "scale").toFloat(), JsonAccess.int(qo, "zero_point"))
                val q = ByteArray(raw.size) { JsonAccess.toInt(raw[it], "heatmaps").toByte() }
                Dequantizer.int8(q, params)
            }
            else -> throw AssertionError("$name: unknown dtype $dtype")
        }
        val decoder = HeatmapDecoder(h, w, j, stride, JsonAccess.string(case, "decoding"))
        val pose = decoder.decode(maps)
        val inPose = decoder.toInput(pose)
        val expected = JsonAccess.obj(case, "expected")
        val hxy = expected["heatmap_xy"] as List<List<Double>>
        val ixy = expected["input_xy"] as List<List<Double>>
        val scores = expected["scores"] as List<Double>
        assertEquals("$name: joints", j, hxy.size)
        for (k in 0 until j) {
            TestData.assertClose(hxy[k][0], pose.x[k].toDouble(), tol, "$name joint $k heatmap x")
            TestData.assertClose(hxy[k][1], pose.y[k].toDouble(), tol, "$name joint $k heatmap y")
            TestData.assertClose(ixy[k][0], inPose.x[k].toDouble(), tol, "$name joint $k input x")
            TestData.assertClose(ixy[k][1], inPose.y[k].toDouble(), tol, "$name joint $k input y")
            TestData.assertClose(scores[k], pose.score[k].toDouble(), tol, "$name joint $k score")
        }
        return name
    }

    @Test
    fun decodesTheSameKeypointsAsThePythonCodec() {
        val names = cases().map { check(it) }
        // the generator's edge cases must all be there
        val base = listOf("float_edges", "float_1x1", "float_non_square", "int8_edges", "int8_flat_ties", "int8_random_0")
        for (required in base + base.map { it + "_quarter" }) {
            assertTrue("missing golden case $required", required in names)
        }
    }

    @Test
    fun quantizedCasesDecodeTheSameThroughTheOutputBuffer() {
        // the app path: raw int8 tensor bytes -> Dequantizer.fromBuffer -> decoder
        for (file in cases().filter { it.name.startsWith("case_int8") }) {
            val case = Json.parseObject(file.readText())
            val raw = case["heatmaps"] as List<*>
            val qo = JsonAccess.obj(case, "quantization")
            val params = QuantParams(JsonAccess.double(qo, "scale").toFloat(), JsonAccess.int(qo, "zero_point"))
            val bytes = ByteArray(raw.size) { JsonAccess.toInt(raw[it], "heatmaps").toByte() }
            val viaBuffer = Dequantizer.fromBuffer(java.nio.ByteBuffer.wrap(bytes), TensorType.INT8, params, bytes.size, FloatArray(bytes.size))
            val direct = Dequantizer.int8(bytes, params)
            for (i in bytes.indices) assertEquals(direct[i], viaBuffer[i], 0f)
        }
    }
}
