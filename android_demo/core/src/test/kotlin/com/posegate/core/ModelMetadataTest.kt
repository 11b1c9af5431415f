package com.posegate.core

import org.junit.Assert.assertArrayEquals
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Assert.fail
import org.junit.Test

class ModelMetadataTest {

    @Test
    fun parsesInt8Metadata() {
        val m = ModelMetadata.parse(TestData.metadataJson("int8"))
        assertEquals(1, m.formatVersion)
        assertEquals("posegate_int8.tflite", m.modelFile)
        assertEquals("posegate_tiny", m.preset)
        assertEquals("mpii", m.dataset)
        assertEquals(256, m.input.height)
        assertEquals(256, m.input.width)
        assertEquals(ColorOrder.RGB, m.input.color)
        assertEquals(TensorType.INT8, m.input.dtype)
        assertArrayEquals(floatArrayOf(0f, 0f, 0f), m.input.mean, 0f)
        assertArrayEquals(floatArrayOf(255f, 255f, 255f), m.input.std, 0f)
        assertEquals(0.003921569f, m.input.quantization!!.scale, 0f)
        assertEquals(-128, m.input.quantization?.zeroPoint)
        assertEquals(256 * 256 * 3, m.input.byteSize)
        assertEquals(64, m.output.height)
        assertEquals(64, m.output.width)
        assertEquals(16, m.output.numJoints)
        assertEquals(4, m.output.stride)
        assertEquals(0.0039f, m.output.quantization!!.scale, 0f)
        assertEquals(64 * 64 * 16, m.output.byteSize)
        assertEquals(16, m.skeleton.numJoints)
        assertEquals(15, m.skeleton.edges.size)
        assertTrue(m.isQuantized)
        assertEquals("posegate_tiny int8 (256x256)", m.label)
    }

    @Test
    fun parsesFloatMetadataWithNullQuantization() {
        val m = ModelMetadata.parse(TestData.metadataJson("float32", inputSize = 192))
        assertEquals(TensorType.FLOAT32, m.input.dtype)
        assertNull(m.input.quantization)
        assertNull(m.output.quantization)
        assertEquals(192 * 192 * 3 * 4, m.input.byteSize)
        assertEquals(48 * 48 * 16 * 4, m.output.byteSize)
        assertFalse(m.isQuantized)
    }

    @Test
    fun parsesNonSquareAndBgrInputs() {
        val m = ModelMetadata.parse(TestData.metadataJson("float32", inputSize = 256, inputWidth = 192, color = "BGR"))
        assertEquals(256, m.input.height)
        assertEquals(192, m.input.width)
        assertEquals(48, m.output.width)
        assertEquals(ColorOrder.BGR, m.input.color)
    }

    @Test
    fun acceptsOtherKeypointLayouts() {
        val names = listOf("a", "b", "c")
        val m = ModelMetadata.parse(TestData.metadataJson("float32", names = names, skeleton = listOf(0 to 1, 1 to 2), flipPairs = "[]"))
        assertEquals(names, m.skeleton.names)
        assertEquals(3, m.output.numJoints)
    }

    private fun assertRejected(text: String, fragment: String) {
        try {
            ModelMetadata.parse(text)
            fail("expected MetadataException containing '$fragment'")
        } catch (e: MetadataException) {
            assertTrue("'${e.message}' should contain '$fragment'", e.message!!.contains(fragment))
        }
    }

    @Test
    fun rejectsBadMetadataWithAReason() {
        assertRejected("{not json", "not valid JSON")
        assertRejected("[1, 2]", "not valid JSON")
        assertRejected(TestData.metadataJson(formatVersion = 2), "format_version 2")
        assertRejected(TestData.metadataJson().replace("\"NHWC\"", "\"NCHW\""), "layout")
        assertRejected(TestData.metadataJson().replace("\"dtype\": \"int8\"", "\"dtype\": \"float16\""), "float16")
        assertRejected(TestData.metadataJson().replace("argmax_quarter_offset", "soft_argmax"), "decoding.method")
        assertRejected(TestData.metadataJson().replace("\"num_joints\": 16", "\"num_joints\": 17"), "num_joints")
        assertRejected(
            TestData.metadataJson().replace("{\"scale\": 0.0039, \"zero_point\": -128}", "null"),
            "output.quantization is null"
        )
        assertRejected(TestData.metadataJson().replace("\"height\": 256", "\"height\": 256.5"), "input.height")
        assertRejected(TestData.metadataJson().replace("\"std\": [255.0, 255.0, 255.0]", "\"std\": [255.0, 0, 255.0]"), "std")
        assertRejected(TestData.metadataJson().replace("\"color\": \"RGB\"", "\"color\": \"YUV\""), "YUV")
        assertRejected(TestData.metadataJson(skeleton = listOf(0 to 16)), "out of range")
        assertRejected(TestData.metadataJson().replace("\"model_file\": \"posegate_int8.tflite\",", ""), "model_file")
    }

    @Test
    fun parsesThePythonWrittenMetadata() {
        val dir = TestData.goldenDir()
        for (dtype in listOf("int8", "float32")) {
            val m = ModelMetadata.parse(java.io.File(dir, "metadata_$dtype.json").readText())
            assertEquals(TestData.MPII_NAMES, m.skeleton.names)
            assertEquals(TestData.MPII_SKELETON, m.skeleton.edges.map { it.a to it.b })
            assertEquals(6, m.skeleton.flipPairs.size)
            assertEquals("posegate_$dtype.tflite", m.modelFile)
            assertEquals(dtype == "int8", m.isQuantized)
            // colours from keras_posegate.datasets.info: right limbs (60, 76, 231) BGR
            assertEquals(Skeleton.bgrToArgb(60, 76, 231), m.skeleton.edges[0].argb)
        }
    }
}
