package com.posegate.core

import java.nio.ByteBuffer

/**
 * A camera frame in RGBA_8888 (CameraX `ImageAnalysis.OUTPUT_IMAGE_FORMAT_RGBA_8888`):
 * `buffer` holds rows of `rowStride` bytes, pixels of `pixelStride` bytes (R, G,
 * B, A). Only the crop rectangle (`ImageProxy.cropRect`) is used; coordinates in
 * a [FrameTransform] built for this frame are relative to the crop's top-left.
 */
class RgbaFrame(
    val buffer: ByteBuffer,
    val width: Int,
    val height: Int,
    val rowStride: Int,
    val pixelStride: Int = 4,
    val rotationDegrees: Int = 0,
    val cropLeft: Int = 0,
    val cropTop: Int = 0,
    val cropWidth: Int = width,
    val cropHeight: Int = height
) {
    init {
        require(width > 0 && height > 0) { "frame size must be positive" }
        require(pixelStride >= 4) { "RGBA pixels need pixelStride >= 4, got $pixelStride" }
        require(rowStride >= width * pixelStride) { "rowStride $rowStride too small for width $width" }
        require(cropLeft >= 0 && cropTop >= 0 && cropWidth > 0 && cropHeight > 0 &&
            cropLeft + cropWidth <= width && cropTop + cropHeight <= height) {
            "crop ($cropLeft, $cropTop, ${cropWidth}x$cropHeight) outside the ${width}x$height frame"
        }
        require(buffer.capacity() >= (height - 1) * rowStride + width * pixelStride) {
            "buffer too small for ${width}x$height with rowStride $rowStride"
        }
    }

    /** Byte offset of source pixel (x, y), relative to the crop rectangle. */
    fun offsetOf(x: Int, y: Int): Int = (cropTop + y) * rowStride + (cropLeft + x) * pixelStride

    /** Geometry from this frame (its crop) to a target, e.g. the model input or the view. */
    fun transformTo(targetWidth: Int, targetHeight: Int, fit: FitMode, mirror: Boolean = false): FrameTransform =
        FrameTransform(cropWidth, cropHeight, rotationDegrees, mirror, targetWidth, targetHeight, fit)
}

/**
 * Fills the model input tensor from a camera frame: rotation, optional
 * mirroring, centre crop or letterbox, nearest-neighbour resampling, channel
 * order, normalisation `(pixel - mean) / std`, and for quantized inputs
 * `round(value / scale) + zero_point`, all from the model metadata.
 *
 * The per-pixel source offsets are computed once per geometry and cached, and
 * each channel's 256 possible values are precomputed, so a frame costs one
 * table lookup per input value. Letterbox padding is a black pixel (0, 0, 0).
 * Not thread-safe: use one instance per inference thread.
 */
class InputPreprocessor(val spec: InputSpec) {

    private val floatLut: Array<FloatArray> = Array(3) { c ->
        FloatArray(256) { p -> (p - spec.mean[c]) / spec.std[c] }
    }
    private val quantLut: Array<ByteArray>? = spec.quantization?.let { q ->
        if (!spec.dtype.isQuantized) null else Array(3) { c ->
            ByteArray(256) { p -> q.quantize(floatLut[c][p], spec.dtype.qMin, spec.dtype.qMax).toByte() }
        }
    }

    /** RGBA byte index (0 = R, 1 = G, 2 = B) feeding model channel c. */
    private val sourceChannel = if (spec.color == ColorOrder.RGB) intArrayOf(0, 1, 2) else intArrayOf(2, 1, 0)

    private var cachedKey: List<Any>? = null
    private var cachedOffsets: IntArray = IntArray(0)

    init {
        require(!spec.dtype.isQuantized || quantLut != null) { "quantized input ${spec.dtype} needs quantization parameters" }
    }

    /** The model-input value (normalised float) a pixel byte `p` of model channel `c` becomes. */
    fun normalized(c: Int, p: Int): Float = floatLut[c][p]

    /** The stored quantized value for pixel byte `p` of model channel `c` (quantized inputs only). */
    fun quantized(c: Int, p: Int): Int = (quantLut ?: throw IllegalStateException("input is not quantized"))[c][p].toInt()

    /** The transform from [frame] to the model input, for the given fit. */
    fun transformFor(frame: RgbaFrame, fit: FitMode, mirror: Boolean = false): FrameTransform =
        frame.transformTo(spec.width, spec.height, fit, mirror)

    /**
     * Source byte offsets for every model input pixel (row-major), or -1 where
     * the pixel falls outside the frame (letterbox padding).
     */
    fun sourceOffsets(frame: RgbaFrame, transform: FrameTransform): IntArray {
        require(transform.sourceWidth == frame.cropWidth && transform.sourceHeight == frame.cropHeight) {
            "transform source ${transform.sourceWidth}x${transform.sourceHeight} does not match the frame crop ${frame.cropWidth}x${frame.cropHeight}"
        }
        require(transform.targetWidth == spec.width && transform.targetHeight == spec.height) {
            "transform target must be the model input ${spec.width}x${spec.height}"
        }
        val key = listOf<Any>(transform, frame.rowStride, frame.pixelStride, frame.cropLeft, frame.cropTop)
        if (key == cachedKey) return cachedOffsets
        val w = spec.width
        val h = spec.height
        val offsets = IntArray(w * h)
        val inv = transform.inverse
        for (v in 0 until h) {
            for (u in 0 until w) {
                val sx = Math.floor(inv.mapX(u.toDouble(), v.toDouble()) + 0.5).toInt()
                val sy = Math.floor(inv.mapY(u.toDouble(), v.toDouble()) + 0.5).toInt()
                offsets[v * w + u] =
                    if (sx < 0 || sy < 0 || sx >= frame.cropWidth || sy >= frame.cropHeight) -1 else frame.offsetOf(sx, sy)
            }
        }
        cachedKey = key
        cachedOffsets = offsets
        return offsets
    }

    /**
     * Writes the input tensor for [frame] into [out] (absolute writes from index
     * 0; float32 in [out]'s byte order, which must be the native order for
     * LiteRT). Returns the transform used, to map keypoints back.
     */
    fun prepare(frame: RgbaFrame, out: ByteBuffer, fit: FitMode = FitMode.CROP, mirror: Boolean = false): FrameTransform {
        val transform = transformFor(frame, fit, mirror)
        prepare(frame, transform, out)
        return transform
    }

    fun prepare(frame: RgbaFrame, transform: FrameTransform, out: ByteBuffer) {
        require(out.capacity() >= spec.byteSize) { "input buffer holds ${out.capacity()} bytes, need ${spec.byteSize}" }
        val offsets = sourceOffsets(frame, transform)
        val src = frame.buffer
        val c0 = sourceChannel[0]
        val c1 = sourceChannel[1]
        val c2 = sourceChannel[2]
        val q = quantLut
        if (q != null) {
            val l0 = q[0]
            val l1 = q[1]
            val l2 = q[2]
            var o = 0
            for (i in offsets.indices) {
                val off = offsets[i]
                if (off < 0) {
                    out.put(o, l0[0]); out.put(o + 1, l1[0]); out.put(o + 2, l2[0])
                } else {
                    out.put(o, l0[src.get(off + c0).toInt() and 0xFF])
                    out.put(o + 1, l1[src.get(off + c1).toInt() and 0xFF])
                    out.put(o + 2, l2[src.get(off + c2).toInt() and 0xFF])
                }
                o += 3
            }
        } else {
            val l0 = floatLut[0]
            val l1 = floatLut[1]
            val l2 = floatLut[2]
            var o = 0
            for (i in offsets.indices) {
                val off = offsets[i]
                if (off < 0) {
                    out.putFloat(o, l0[0]); out.putFloat(o + 4, l1[0]); out.putFloat(o + 8, l2[0])
                } else {
                    out.putFloat(o, l0[src.get(off + c0).toInt() and 0xFF])
                    out.putFloat(o + 4, l1[src.get(off + c1).toInt() and 0xFF])
                    out.putFloat(o + 8, l2[src.get(off + c2).toInt() and 0xFF])
                }
                o += 12
            }
        }
    }
}
