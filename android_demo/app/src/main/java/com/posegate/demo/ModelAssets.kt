package com.posegate.demo

import android.content.Context
import android.util.Log
import com.posegate.core.ModelCatalog
import com.posegate.core.ModelScan
import java.io.FileInputStream
import java.nio.MappedByteBuffer
import java.nio.channels.FileChannel

/**
 * The exported models in the app's assets (see [ModelCatalog]: every `*.json`
 * metadata whose `model_file` is present). Reading the assets never throws
 * here: an `IOException` from listing or opening them ends up in the [ModelScan],
 * which the activity shows.
 */
object ModelAssets {
    private const val TAG = "ModelAssets"

    fun scan(context: Context): ModelScan {
        val assets = context.assets
        val scan = ModelCatalog.scan({ assets.list("")?.toList() }) { name ->
            assets.open(name).bufferedReader().use { it.readText() }
        }
        scan.listingError?.let { Log.e(TAG, it) }
        for (s in scan.skipped) Log.w(TAG, "skipped $s")
        return scan
    }

    /** Memory-maps a model stored uncompressed in the assets (see `noCompress` in build.gradle.kts). */
    fun mapModel(context: Context, fileName: String): MappedByteBuffer =
        context.assets.openFd(fileName).use { fd ->
            FileInputStream(fd.fileDescriptor).use { stream ->
                stream.channel.map(FileChannel.MapMode.READ_ONLY, fd.startOffset, fd.declaredLength)
            }
        }
}
