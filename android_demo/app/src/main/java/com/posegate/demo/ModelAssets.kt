package com.posegate.demo

import android.content.Context
import android.util.Log
import com.posegate.core.MetadataException
import com.posegate.core.ModelMetadata
import java.io.FileInputStream
import java.nio.MappedByteBuffer
import java.nio.channels.FileChannel

/** An exported model in the app's assets: its metadata file and parsed metadata. */
data class ModelAsset(val metadataFile: String, val metadata: ModelMetadata) {
    val label: String get() = metadata.label
}

/**
 * Finds the models in the app's assets: every `*.json` that parses as
 * `posegate export` metadata and whose `model_file` is present. Nothing is
 * hard-coded, so a newly exported model shows up after the next build.
 */
object ModelAssets {
    private const val TAG = "ModelAssets"

    fun list(context: Context): List<ModelAsset> {
        val names = context.assets.list("")?.toSet() ?: emptySet()
        val found = ArrayList<ModelAsset>()
        for (name in names.filter { it.endsWith(".json") }.sorted()) {
            try {
                val text = context.assets.open(name).bufferedReader().use { it.readText() }
                val meta = ModelMetadata.parse(text)
                if (meta.modelFile !in names) {
                    Log.w(TAG, "$name names ${meta.modelFile}, which is not in the assets")
                    continue
                }
                found.add(ModelAsset(name, meta))
            } catch (e: MetadataException) {
                Log.i(TAG, "skipping $name: ${e.message}")
            }
        }
        // int8 models first: they are the default
        return found.sortedWith(compareBy({ !it.metadata.isQuantized }, { it.metadataFile }))
    }

    /** Memory-maps a model stored uncompressed in the assets (see `noCompress` in build.gradle.kts). */
    fun mapModel(context: Context, fileName: String): MappedByteBuffer =
        context.assets.openFd(fileName).use { fd ->
            FileInputStream(fd.fileDescriptor).use { stream ->
                stream.channel.map(FileChannel.MapMode.READ_ONLY, fd.startOffset, fd.declaredLength)
            }
        }
}
