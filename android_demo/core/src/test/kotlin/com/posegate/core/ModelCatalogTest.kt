package com.posegate.core

import java.io.IOException
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Test

class ModelCatalogTest {

    private val files = mapOf(
        "posegate_float32.json" to TestData.metadataJson("float32"),
        "posegate_float32.tflite" to "",
        "posegate_int8.json" to TestData.metadataJson("int8"),
        "posegate_int8.tflite" to ""
    )

    private fun scan(names: Collection<String>, contents: Map<String, String>): ModelScan =
        ModelCatalog.scan({ names }) { name -> contents[name] ?: throw IOException("$name: no such asset") }

    @Test
    fun findsEveryModelInt8First() {
        val scan = scan(files.keys, files)
        assertEquals(listOf("posegate_int8.json", "posegate_float32.json"), scan.models.map { it.metadataFile })
        assertEquals("posegate_tiny int8 (256x256)", scan.models[0].label)
        assertTrue(scan.skipped.isEmpty())
        assertNull(scan.listingError)
    }

    @Test
    fun unreadableFileIsSkippedAndReportedNotThrown() {
        val contents = files - "posegate_int8.json" // listed, but reading it fails
        val scan = scan(files.keys, contents)
        assertEquals(listOf("posegate_float32.json"), scan.models.map { it.metadataFile })
        assertEquals(listOf("posegate_int8.json: could not be read: posegate_int8.json: no such asset"), scan.skipped)
    }

    @Test
    fun badMetadataAndMissingModelFileAreReported() {
        val contents = files + ("notes.json" to "{\"format_version\": 7}")
        val names = contents.keys - "posegate_float32.tflite"
        val scan = scan(names, contents)
        assertEquals(listOf("posegate_int8.json"), scan.models.map { it.metadataFile })
        assertEquals(2, scan.skipped.size)
        assertEquals("notes.json: unsupported format_version 7 (this app reads 1)", scan.skipped[0])
        assertEquals("posegate_float32.json: names posegate_float32.tflite, which is missing", scan.skipped[1])
    }

    @Test
    fun unlistableFolderIsReportedNotThrown() {
        val scan = ModelCatalog.scan({ throw IOException("asset manager closed") }) { "" }
        assertTrue(scan.models.isEmpty())
        assertEquals("could not list the models: asset manager closed", scan.listingError)
    }

    @Test
    fun nullListingMeansNoModels() {
        val scan = ModelCatalog.scan({ null }) { "" }
        assertTrue(scan.models.isEmpty())
        assertTrue(scan.skipped.isEmpty())
        assertNull(scan.listingError)
    }

    @Test
    fun describeSkippedShowsTheFirstReasonsAndCountsTheRest() {
        val scan = ModelScan(emptyList(), listOf("a: 1", "b: 2", "c: 3", "d: 4", "e: 5"))
        assertEquals("a: 1\nb: 2\nc: 3\n(and 2 more)", scan.describeSkipped())
        assertEquals("a: 1", ModelScan(emptyList(), listOf("a: 1")).describeSkipped())
    }
}
