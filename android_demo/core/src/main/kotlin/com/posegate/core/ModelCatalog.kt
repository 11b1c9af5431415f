package com.posegate.core

import java.io.IOException

/** An exported model beside the app: its metadata file name and the parsed metadata. */
data class ModelAsset(val metadataFile: String, val metadata: ModelMetadata) {
    val label: String get() = metadata.label
}

/**
 * What [ModelCatalog.scan] found: the usable models (int8 first, the default),
 * every file it skipped with the reason ("name: reason"), and [listingError]
 * when the folder could not be listed at all.
 */
class ModelScan(val models: List<ModelAsset>, val skipped: List<String>, val listingError: String? = null) {
    /** The skipped files for a message: the first [max] reasons, then how many more. */
    fun describeSkipped(max: Int = 3): String {
        val shown = skipped.take(max).joinToString("\n")
        return if (skipped.size > max) "$shown\n(and ${skipped.size - max} more)" else shown
    }
}

/**
 * Finds the exported models among a folder's files (the app's assets): every
 * `*.json` that parses as `posegate export` metadata and whose `model_file` is
 * present. Nothing is hard-coded, so a newly exported model shows up after the
 * next build. A file that cannot be read or parsed is skipped and reported, never
 * silently dropped, and an unreadable folder is reported instead of thrown.
 */
object ModelCatalog {

    /**
     * Scans the files [listNames] returns, reading each `*.json` with [read].
     * [IOException]s from either, and [MetadataException]s, end up in the result.
     */
    fun scan(listNames: () -> Collection<String>?, read: (String) -> String): ModelScan {
        val names = try {
            listNames()?.toSet() ?: emptySet()
        } catch (e: IOException) {
            return ModelScan(emptyList(), emptyList(), "could not list the models: ${reason(e)}")
        }
        val found = ArrayList<ModelAsset>()
        val skipped = ArrayList<String>()
        for (name in names.filter { it.endsWith(".json") }.sorted()) {
            try {
                val meta = ModelMetadata.parse(read(name))
                if (meta.modelFile in names) {
                    found.add(ModelAsset(name, meta))
                } else {
                    skipped.add("$name: names ${meta.modelFile}, which is missing")
                }
            } catch (e: MetadataException) {
                skipped.add("$name: ${reason(e)}")
            } catch (e: IOException) {
                skipped.add("$name: could not be read: ${reason(e)}")
            }
        }
        val sorted = found.sortedWith(compareBy<ModelAsset>({ !it.metadata.isQuantized }, { it.metadataFile }))
        return ModelScan(sorted, skipped)
    }

    private fun reason(e: Exception): String = e.message ?: e.javaClass.simpleName
}
