package com.posegate.core

import org.junit.Assert.assertEquals
import org.junit.Test
import java.nio.ByteBuffer
import java.nio.ByteOrder

/** The whole JVM-side path around the interpreter, with a fake model output. */
class PosePipelineTest {

    @Test
    fun decodesAQuantizedOutputBackToCameraPixels() {
        val meta = ModelMetadata.parse(TestData.metadataJson("int8", inputSize = 64))
        val pipeline = PosePipeline(meta, FitMode.CROP)
        // a 160x120 frame, rotated 90 degrees (portrait phone, back camera)
        val w = 160
        val h = 120
        val frame = RgbaFrame(ByteBuffer.allocateDirect(w * h * 4), w, h, w * 4, 4, 90)
        val input = ByteBuffer.allocateDirect(meta.input.byteSize).order(ByteOrder.nativeOrder())
        val toModel = pipeline.prepareInput(frame, input)

        // fake output: joint j peaks at heatmap pixel (1 + j % 13, j / 2), right neighbour higher than left
        val out = meta.output
        val q = ByteArray(out.elementCount) { -128 }
        for (j in 0 until out.numJoints) {
            val xi = 1 + j % 13
            val yi = j / 2
            q[(yi * out.width + xi) * out.numJoints + j] = 100
            q[(yi * out.width + xi + 1) * out.numJoints + j] = 50
        }
        val pose = pipeline.decodeOutput(ByteBuffer.wrap(q))
        for (j in 0 until out.numJoints) {
            val hx = 1 + j % 13 + 0.25f
            val hy = (j / 2).toFloat()
            assertEquals((hx + 0.5f) * 4 - 0.5f, pose.x[j], 1e-4f)
            assertEquals((hy + 0.5f) * 4 - 0.5f, pose.y[j], 1e-4f)
            assertEquals(228 * 0.0039f, pose.score[j], 1e-6f)
        }

        // back to the source frame and forward again
        val src = pipeline.toSource(pose, toModel)
        for (j in 0 until out.numJoints) {
            val back = toModel.toTarget(src.x[j], src.y[j])
            assertEquals(pose.x[j], back[0], 1e-3f)
            assertEquals(pose.y[j], back[1], 1e-3f)
        }
        // model centre is the frame centre
        val c = toModel.toSource(31.5f, 31.5f)
        assertEquals(79.5f, c[0], 1e-4f)
        assertEquals(59.5f, c[1], 1e-4f)
    }

    @Test
    fun decodesAFloatOutput() {
        val meta = ModelMetadata.parse(TestData.metadataJson("float32", inputSize = 32))
        val pipeline = PosePipeline(meta)
        val out = ByteBuffer.allocateDirect(meta.output.byteSize).order(ByteOrder.nativeOrder())
        val o = meta.output
        out.putFloat(((3 * o.width + 5) * o.numJoints + 7) * 4, 0.9f)
        val pose = pipeline.decodeOutput(out)
        assertEquals(5.5f * 4 - 0.5f, pose.x[7], 0f)
        assertEquals(3.5f * 4 - 0.5f, pose.y[7], 0f)
        assertEquals(0.9f, pose.score[7], 0f)
    }
}
