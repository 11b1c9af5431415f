package com.posegate.core

import org.junit.Assert.assertEquals
import org.junit.Test

class SkeletonTest {

    private val skeleton = ModelMetadata.parse(TestData.metadataJson()).skeleton

    @Test
    fun convertsBgrToOpaqueArgb() {
        assertEquals(0xFFE74C3C.toInt(), Skeleton.bgrToArgb(60, 76, 231))
        assertEquals(0xFF000000.toInt(), Skeleton.bgrToArgb(0, 0, 0))
        assertEquals(-1, Skeleton.bgrToArgb(255, 255, 255))
    }

    @Test
    fun readsNamesEdgesColoursAndFlipPairs() {
        assertEquals(16, skeleton.numJoints)
        assertEquals(9, skeleton.indexOf("head_top"))
        assertEquals(-1, skeleton.indexOf("tail"))
        assertEquals(Skeleton.Edge(0, 1, Skeleton.bgrToArgb(60, 76, 231)), skeleton.edges[0])
        assertEquals(Skeleton.Edge(1, 2, Skeleton.bgrToArgb(219, 152, 52)), skeleton.edges[1])
        assertEquals(listOf(0 to 5, 1 to 4), skeleton.flipPairs.map { it.a to it.b })
    }

    @Test
    fun filtersByConfidence() {
        val scores = FloatArray(16) { 0.9f }
        scores[1] = 0.1f // r_knee
        scores[9] = 0.3f // head_top
        val edges = skeleton.visibleEdges(scores, 0.3f)
        // (0,1) and (1,2) touch the knee; (8,9) survives at exactly the threshold
        assertEquals(13, edges.size)
        assertEquals(false, edges.any { it.a == 1 || it.b == 1 })
        assertEquals(15, skeleton.visibleJoints(scores, 0.3f).size)
        assertEquals(14, skeleton.visibleJoints(scores, 0.31f).size)
    }

    @Test
    fun jointColourIsTheFirstLimbTouchingIt() {
        assertEquals(skeleton.edges[0].argb, skeleton.jointColor(0))
        assertEquals(skeleton.edges[2].argb, skeleton.jointColor(6))
        val lonely = Skeleton(listOf("a", "b"), emptyList(), emptyList())
        assertEquals(Skeleton.DEFAULT_ARGB, lonely.jointColor(1))
    }

    @Test
    fun missingColoursDefaultToWhite() {
        val s = ModelMetadata.parse(TestData.metadataJson(withColors = false)).skeleton
        assertEquals(Skeleton.DEFAULT_ARGB, s.edges[3].argb)
    }
}
