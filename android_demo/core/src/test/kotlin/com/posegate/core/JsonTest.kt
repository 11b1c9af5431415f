package com.posegate.core

import org.junit.Assert.assertEquals
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Assert.fail
import org.junit.Test

class JsonTest {

    @Test
    fun parsesScalars() {
        assertEquals(1.5, Json.parse("1.5"))
        assertEquals(-20.0, Json.parse(" -2e1 "))
        assertEquals(0.003921569, Json.parse("0.003921569"))
        assertEquals(true, Json.parse("true"))
        assertEquals(false, Json.parse("false"))
        assertNull(Json.parse("null"))
        assertEquals("a", Json.parse("\"a\""))
    }

    @Test
    fun parsesNonFiniteNumbersAsPythonWritesThem() {
        assertTrue((Json.parse("NaN") as Double).isNaN())
        assertEquals(Double.POSITIVE_INFINITY, Json.parse("Infinity"))
        assertEquals(listOf(Double.NEGATIVE_INFINITY, 1.0), Json.parse("[-Infinity, 1]"))
    }

    @Test
    fun parsesNestedStructuresInOrder() {
        val v = Json.parseObject("""{"b": [1, [2, 3], {"c": null}], "a": {"x": "y"}, "e": [], "f": {}}""")
        assertEquals(listOf("b", "a", "e", "f"), v.keys.toList())
        assertEquals(listOf(1.0, listOf(2.0, 3.0), mapOf("c" to null)), v["b"])
        assertEquals(mapOf("x" to "y"), v["a"])
        assertEquals(emptyList<Any?>(), v["e"])
        assertEquals(emptyMap<String, Any?>(), v["f"])
    }

    @Test
    fun decodesStringEscapes() {
        assertEquals("a\"b\\c/d\b\u000C\n\r\t\u00e9\u2603", Json.parse("\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\\u2603\""))
        assertEquals("r_ankle", Json.parse("\"r_ankle\""))
    }

    @Test
    fun rejectsMalformedText() {
        val bad = listOf(
            "", "{", "[1, 2", "{\"a\" 1}", "{\"a\": 1,}", "[1,]", "\"abc", "tru", "1 2",
            "{a: 1}", "-", "\"\\x\"", "[1 2]", "\"a\nb\""
        )
        for (text in bad) {
            try {
                Json.parse(text)
                fail("expected a JsonException for: $text")
            } catch (e: JsonException) {
                assertTrue(e.message!!.contains("line"))
            }
        }
    }

    @Test
    fun reportsLineAndColumn() {
        try {
            Json.parse("{\n  \"a\": ?\n}")
            fail()
        } catch (e: JsonException) {
            assertTrue(e.message, e.message!!.contains("line 2, column 8"))
        }
    }

    @Test
    fun typedAccessChecksIntegers() {
        val o = Json.parseObject("""{"i": 3, "f": 3.5, "s": "x", "l": [[0, 1], [2, 3]]}""")
        assertEquals(3, JsonAccess.int(o, "i"))
        assertEquals(7, JsonAccess.intOr(o, "missing", 7))
        try {
            JsonAccess.int(o, "f")
            fail()
        } catch (e: JsonException) {
            assertTrue(e.message!!.contains("'f'"))
        }
        val rows = JsonAccess.intRows(o["l"], "l", 2)
        assertEquals(listOf(listOf(0, 1), listOf(2, 3)), rows.map { it.toList() })
        try {
            JsonAccess.intRows(o["l"], "l", 3)
            fail()
        } catch (e: JsonException) {
            assertTrue(e.message!!.contains("l[0]"))
        }
    }
}
