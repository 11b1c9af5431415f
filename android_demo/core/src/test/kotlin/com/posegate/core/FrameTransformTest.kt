package com.posegate.core

import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertTrue
import org.junit.Test

class FrameTransformTest {

    private fun assertPoint(ex: Float, ey: Float, p: FloatArray, tol: Float = 1e-4f) {
        assertEquals("x", ex, p[0], tol)
        assertEquals("y", ey, p[1], tol)
    }

    @Test
    fun rotatesCornersClockwise() {
        // 4x2 source (landscape), no scaling: target = upright size
        val w = 4
        val h = 2
        val r0 = FrameTransform(w, h, 0, false, 4, 2, FitMode.CROP)
        assertPoint(3f, 1f, r0.toTarget(3f, 1f))
        val r90 = FrameTransform(w, h, 90, false, 2, 4, FitMode.CROP)
        assertPoint(1f, 0f, r90.toTarget(0f, 0f)) // top-left -> top-right
        assertPoint(0f, 3f, r90.toTarget(3f, 1f)) // bottom-right -> bottom-left
        assertPoint(0f, 0f, r90.toTarget(0f, 1f)) // bottom-left -> top-left
        val r180 = FrameTransform(w, h, 180, false, 4, 2, FitMode.CROP)
        assertPoint(3f, 1f, r180.toTarget(0f, 0f))
        assertPoint(2f, 0f, r180.toTarget(1f, 1f))
        val r270 = FrameTransform(w, h, 270, false, 2, 4, FitMode.CROP)
        assertPoint(0f, 3f, r270.toTarget(0f, 0f)) // top-left -> bottom-left
        assertPoint(1f, 0f, r270.toTarget(3f, 1f))
        assertEquals(2, r270.uprightWidth)
        assertEquals(4, r270.uprightHeight)
        assertEquals(270, FrameTransform(w, h, -90, false, 2, 4, FitMode.CROP).rotationDegrees)
    }

    @Test
    fun mirrorsAfterRotation() {
        val t = FrameTransform(4, 2, 90, true, 2, 4, FitMode.CROP)
        assertPoint(0f, 0f, t.toTarget(0f, 0f)) // rotated to top-right, mirrored to top-left
        assertPoint(1f, 3f, t.toTarget(3f, 1f))
        val m0 = FrameTransform(4, 2, 0, true, 4, 2, FitMode.CROP)
        assertPoint(3f, 0f, m0.toTarget(0f, 0f))
    }

    @Test
    fun centreCropOfALandscapeFrame() {
        // 640x480 -> 256x256: scale 256/480, 80 source columns cut on each side
        val t = FrameTransform(640, 480, 0, false, 256, 256, FitMode.CROP)
        assertEquals(256.0 / 480, t.scale, 1e-12)
        // the crop's left edge (x = 80 - 0.5) lands on the target's left edge
        assertPoint(-0.5f, -0.5f, t.toTarget(79.5f, -0.5f))
        assertPoint(255.5f, 255.5f, t.toTarget(559.5f, 479.5f))
        assertPoint(127.5f, 127.5f, t.toTarget(319.5f, 239.5f)) // centre to centre
        assertTrue(t.isInsideTarget(320f, 240f))
        assertFalse(t.isInsideTarget(10f, 240f))
    }

    @Test
    fun letterboxOfAPortraitFrame() {
        // 480x640 (after 90 deg from 640x480) -> 256x256: scale 256/640, pad x
        val t = FrameTransform(640, 480, 90, false, 256, 256, FitMode.LETTERBOX)
        assertEquals(480, t.uprightWidth)
        assertEquals(256.0 / 640, t.scale, 1e-12)
        assertEquals((256 - 480 * 0.4) / 2, t.offsetX, 1e-9)
        assertEquals(0.0, t.offsetY, 1e-9)
        // the upright image's edges land on the padded content box
        val topLeftSource = t.toSource(t.offsetX.toFloat() - 0.5f, -0.5f)
        // upright (-0.5, -0.5) is source (x=-0.5, y=479.5) for a 90 degree turn
        assertPoint(-0.5f, 479.5f, topLeftSource)
    }

    @Test
    fun inverseUndoesForwardForAllOrientationsAndFits() {
        for (rot in listOf(0, 90, 180, 270)) for (mirror in listOf(false, true)) for (fit in FitMode.values()) {
            val t = FrameTransform(640, 480, rot, mirror, 256, 192, fit)
            for (p in listOf(0f to 0f, 639f to 479f, 123.25f to 45.75f, 320f to 240f)) {
                val q = t.toTarget(p.first, p.second)
                assertPoint(p.first, p.second, t.toSource(q[0], q[1]), 1e-3f)
            }
        }
    }

    @Test
    fun modelToViewMapsThroughTheSourceFrame() {
        // back camera, 90 degrees, frame 640x480; model 256x256 crop; view 1080x1440 (3:4) fill
        val toModel = FrameTransform(640, 480, 90, false, 256, 256, FitMode.CROP)
        val toView = FrameTransform(640, 480, 90, false, 1080, 1440, FitMode.CROP)
        val m2v = FrameTransform.modelToView(toModel, toView)
        // upright frame 480x640 fills the view exactly (scale 2.25); model = centre 480x480
        // model centre -> view centre
        assertPoint(539.5f, 719.5f, m2v.map(127.5f, 127.5f), 1e-3f)
        // model top-left edge -> upright (-0.5, 79.5) -> view (-0.5, 79.5*2.25+... )
        val tl = m2v.map(-0.5f, -0.5f)
        assertPoint(-0.5f, 80 * 2.25f - 0.5f, tl, 1e-3f)
        // front camera: the view is mirrored, the model is not
        val toViewFront = FrameTransform(640, 480, 270, true, 1080, 1440, FitMode.CROP)
        val toModelFront = FrameTransform(640, 480, 270, false, 256, 256, FitMode.CROP)
        val f = FrameTransform.modelToView(toModelFront, toViewFront)
        // a point on the model's left edge is on the right of the mirrored view
        val left = f.map(-0.5f, 127.5f)
        assertPoint(1079.5f, 719.5f, left, 1e-3f)
    }

    @Test
    fun affineComposeAndInverse() {
        val a = Affine(2.0, 0.0, 1.0, 0.0, 3.0, -1.0)
        val b = Affine(0.0, -1.0, 5.0, 1.0, 0.0, 0.0)
        val ab = a.compose(b) // a(b(p))
        val p = ab.map(1f, 2f)
        val q = a.map(b.map(1f, 2f)[0], b.map(1f, 2f)[1])
        assertPoint(q[0], q[1], p)
        val back = ab.inverse().map(p[0], p[1])
        assertPoint(1f, 2f, back)
        assertPoint(q[0], q[1], b.then(a).map(1f, 2f))
    }

    @Test(expected = IllegalArgumentException::class)
    fun rejectsOddRotations() {
        FrameTransform(4, 4, 45, false, 4, 4, FitMode.CROP)
    }
}
