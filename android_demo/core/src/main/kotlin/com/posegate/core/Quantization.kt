package com.posegate.core

import java.nio.ByteBuffer
import kotlin.math.abs
import kotlin.math.floor

/** Element type of a model input or output tensor, as named in the metadata. */
enum class TensorType(val metadataName: String, val bytesPerElement: Int) {
    FLOAT32("float32", 4),
    INT8("int8", 1),
    UINT8("uint8", 1);

    val isQuantized: Boolean get() = this != FLOAT32

    /** Smallest and largest stored integer value (quantized types only). */
    val qMin: Int get() = if (this == UINT8) 0 else -128
    val qMax: Int get() = if (this == UINT8) 255 else 127

    companion object {
        fun fromMetadata(name: String): TensorType =
            values().firstOrNull { it.metadataName == name }
                ?: throw IllegalArgumentException(
                    "Unsupported tensor dtype '$name'; expected one of " +
                        values().joinToString { it.metadataName }
                )
    }
}

/**
 * Affine quantization `real = (q - zeroPoint) * scale`, as TFLite uses it.
 * All arithmetic is float32 so the results match numpy's float32 exactly.
 */
class QuantParams(val scale: Float, val zeroPoint: Int) {
    init {
        require(scale > 0f && !scale.isNaN() && !scale.isInfinite()) { "quantization scale must be > 0, got $scale" }
    }

    fun dequantize(q: Int): Float = (q - zeroPoint).toFloat() * scale

    /**
     * `round(value / scale) + zeroPoint`, rounding half away from zero (as
     * TFLite's reference kernels), clamped to `[qMin, qMax]`.
     */
    fun quantize(value: Float, qMin: Int = -128, qMax: Int = 127): Int {
        val scaled = value / scale
        val r = if (scaled >= 0f) floor(scaled + 0.5f) else -floor(abs(scaled) + 0.5f)
        val q = r.toInt() + zeroPoint
        return if (q < qMin) qMin else if (q > qMax) qMax else q
    }

    override fun toString(): String = "QuantParams(scale=$scale, zeroPoint=$zeroPoint)"
}

/** Dequantization of whole tensors into a float array. */
object Dequantizer {

    /** Signed int8 values `src` to `dst` (same length). */
    fun int8(src: ByteArray, params: QuantParams, dst: FloatArray = FloatArray(src.size)): FloatArray {
        require(dst.size >= src.size) { "dst too small: ${dst.size} < ${src.size}" }
        val zp = params.zeroPoint
        val scale = params.scale
        for (i in src.indices) dst[i] = (src[i].toInt() - zp).toFloat() * scale
        return dst
    }

    /** Unsigned uint8 values `src` to `dst`. */
    fun uint8(src: ByteArray, params: QuantParams, dst: FloatArray = FloatArray(src.size)): FloatArray {
        require(dst.size >= src.size) { "dst too small: ${dst.size} < ${src.size}" }
        val zp = params.zeroPoint
        val scale = params.scale
        for (i in src.indices) dst[i] = ((src[i].toInt() and 0xFF) - zp).toFloat() * scale
        return dst
    }

    /**
     * Reads `count` elements of type [type] from [buffer] (from its position 0,
     * absolute reads, in the buffer's byte order) into [dst] as floats,
     * dequantizing quantized types with [params].
     */
    fun fromBuffer(buffer: ByteBuffer, type: TensorType, params: QuantParams?, count: Int, dst: FloatArray): FloatArray {
        require(dst.size >= count) { "dst too small: ${dst.size} < $count" }
        require(buffer.capacity() >= count * type.bytesPerElement) {
            "buffer holds ${buffer.capacity()} bytes, need ${count * type.bytesPerElement}"
        }
        when (type) {
            TensorType.FLOAT32 -> for (i in 0 until count) dst[i] = buffer.getFloat(i * 4)
            TensorType.INT8, TensorType.UINT8 -> {
                val p = params ?: throw IllegalArgumentException("quantized $type output needs quantization parameters")
                val zp = p.zeroPoint
                val scale = p.scale
                val mask = if (type == TensorType.UINT8) 0xFF else -1
                for (i in 0 until count) {
                    val q = if (type == TensorType.UINT8) buffer.get(i).toInt() and mask else buffer.get(i).toInt()
                    dst[i] = (q - zp).toFloat() * scale
                }
            }
        }
        return dst
    }
}
