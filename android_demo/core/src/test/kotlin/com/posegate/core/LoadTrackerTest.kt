package com.posegate.core

import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Test

class LoadTrackerTest {

    @Test
    fun choosingTheLoadedConfigurationAgainDoesNothing() {
        val t = LoadTracker<String>()
        assertTrue(t.begin("int8/cpu"))
        assertFalse(t.begin("int8/cpu"))
        assertEquals("int8/cpu", t.current)
    }

    @Test
    fun aFailedLoadIsRetriedWhenChosenAgain() {
        val t = LoadTracker<String>()
        assertTrue(t.begin("int8/gpu"))
        t.failed("int8/gpu")
        assertNull(t.current)
        assertTrue(t.begin("int8/gpu"))
    }

    @Test
    fun aLateFailureOfAnOlderChoiceKeepsTheNewOne() {
        val t = LoadTracker<String>()
        t.begin("int8/cpu")
        t.begin("float32/cpu") // chosen while int8 was still loading
        t.failed("int8/cpu")
        assertEquals("float32/cpu", t.current)
        assertFalse(t.begin("float32/cpu"))
    }

    @Test
    fun switchingBackAndForthReloads() {
        val t = LoadTracker<Pair<String, Boolean>>()
        assertTrue(t.begin("int8" to false))
        assertTrue(t.begin("int8" to true))
        assertTrue(t.begin("int8" to false))
    }
}
