package com.posegate.core

import com.posegate.core.JsonAccess.double
import com.posegate.core.JsonAccess.int
import com.posegate.core.JsonAccess.intOr
import com.posegate.core.JsonAccess.obj
import com.posegate.core.JsonAccess.objOrNull
import com.posegate.core.JsonAccess.string
import com.posegate.core.JsonAccess.stringOr

/** Channel order of the model input. */
enum class ColorOrder { RGB, BGR }

/** The model input tensor, as described by the metadata's `input` object. */
class InputSpec(
    val name: String,
    val height: Int,
    val width: Int,
    val channels: Int,
    val color: ColorOrder,
    val dtype: TensorType,
    /** Per-channel mean, in the model's channel order; value = (pixel - mean) / std. */
    val mean: FloatArray,
    val std: FloatArray,
    val quantization: QuantParams?
) {
    val elementCount: Int get() = height * width * channels
    val byteSize: Int get() = elementCount * dtype.bytesPerElement
}

/** The heatmap output tensor, as described by the metadata's `output` object. */
class OutputSpec(
    val name: String,
    val height: Int,
    val width: Int,
    val numJoints: Int,
    val stride: Int,
    val dtype: TensorType,
    val quantization: QuantParams?
) {
    val elementCount: Int get() = height * width * numJoints
    val byteSize: Int get() = elementCount * dtype.bytesPerElement
}

/**
 * The JSON file `posegate export` writes beside each `.tflite` model. Everything
 * the app needs to run a model comes from here, so a newly exported model drops
 * in without code changes.
 */
class ModelMetadata(
    val formatVersion: Int,
    val modelFile: String,
    val preset: String,
    val dataset: String,
    val input: InputSpec,
    val output: OutputSpec,
    val skeleton: Skeleton,
    val decodingMethod: String
) {
    val isQuantized: Boolean get() = input.dtype.isQuantized || output.dtype.isQuantized

    /** A short label for menus, e.g. "posegate_tiny int8 (256x256)". */
    val label: String get() = "$preset ${input.dtype.metadataName} (${input.width}x${input.height})"

    companion object {
        const val SUPPORTED_FORMAT_VERSION = 1
        /** What metadata without a `decoding` block means (exports before DARK). */
        const val DECODING_METHOD = HeatmapDecoder.QUARTER

        /** Parses and validates metadata JSON; throws [MetadataException] with the reason. */
        fun parse(text: String): ModelMetadata {
            val root = try {
                Json.parseObject(text)
            } catch (e: JsonException) {
                throw MetadataException("metadata is not valid JSON: ${e.message}")
            }
            return try {
                fromJson(root)
            } catch (e: JsonException) {
                throw MetadataException("bad metadata: ${e.message}")
            } catch (e: IllegalArgumentException) {
                throw MetadataException("bad metadata: ${e.message}")
            }
        }

        private fun fromJson(root: Map<String, Any?>): ModelMetadata {
            val version = int(root, "format_version")
            if (version != SUPPORTED_FORMAT_VERSION) {
                throw MetadataException("unsupported format_version $version (this app reads $SUPPORTED_FORMAT_VERSION)")
            }
            val input = parseInput(obj(root, "input"))
            val output = parseOutput(obj(root, "output"))
            val kp = obj(root, "keypoints")
            val skeleton = Skeleton.fromJson(kp)
            if (skeleton.numJoints != output.numJoints) {
                throw MetadataException(
                    "keypoints.names has ${skeleton.numJoints} entries but output.num_joints is ${output.numJoints}"
                )
            }
            val decoding = objOrNull(root, "decoding", "decoding")
            val method = if (decoding == null) DECODING_METHOD else stringOr(decoding, "method", DECODING_METHOD)
            if (method !in HeatmapDecoder.METHODS) {
                throw MetadataException(
                    "unsupported decoding.method '$method' (this app decodes ${HeatmapDecoder.METHODS.joinToString(" or ")})"
                )
            }
            return ModelMetadata(
                formatVersion = version,
                modelFile = string(root, "model_file"),
                preset = stringOr(root, "preset", "unknown"),
                dataset = stringOr(root, "dataset", "unknown"),
                input = input,
                output = output,
                skeleton = skeleton,
                decodingMethod = method
            )
        }

        private fun parseInput(o: Map<String, Any?>): InputSpec {
            val layout = stringOr(o, "layout", "NHWC")
            if (layout != "NHWC") throw MetadataException("input.layout must be NHWC, got '$layout'")
            val channels = intOr(o, "channels", 3, "input.channels")
            if (channels != 3) throw MetadataException("input.channels must be 3, got $channels")
            val color = when (val c = stringOr(o, "color", "RGB")) {
                "RGB" -> ColorOrder.RGB
                "BGR" -> ColorOrder.BGR
                else -> throw MetadataException("input.color must be RGB or BGR, got '$c'")
            }
            val dtype = TensorType.fromMetadata(string(o, "dtype", "input.dtype"))
            val norm = objOrNull(o, "normalization", "input.normalization")
            val mean = if (norm == null) doubleArrayOf(0.0, 0.0, 0.0) else JsonAccess.doubles(norm["mean"], "input.normalization.mean")
            val std = if (norm == null) doubleArrayOf(255.0, 255.0, 255.0) else JsonAccess.doubles(norm["std"], "input.normalization.std")
            if (mean.size != channels || std.size != channels) {
                throw MetadataException("input.normalization mean and std need $channels entries")
            }
            if (std.any { it == 0.0 }) throw MetadataException("input.normalization.std must not contain 0")
            val height = int(o, "height", "input.height")
            val width = int(o, "width", "input.width")
            if (height <= 0 || width <= 0) throw MetadataException("input size must be positive, got ${width}x$height")
            return InputSpec(
                name = stringOr(o, "name", "image"),
                height = height,
                width = width,
                channels = channels,
                color = color,
                dtype = dtype,
                mean = FloatArray(channels) { mean[it].toFloat() },
                std = FloatArray(channels) { std[it].toFloat() },
                quantization = parseQuant(o, dtype, "input")
            )
        }

        private fun parseOutput(o: Map<String, Any?>): OutputSpec {
            val layout = stringOr(o, "layout", "NHWC")
            if (layout != "NHWC") throw MetadataException("output.layout must be NHWC, got '$layout'")
            val dtype = TensorType.fromMetadata(string(o, "dtype", "output.dtype"))
            val height = int(o, "height", "output.height")
            val width = int(o, "width", "output.width")
            val joints = int(o, "num_joints", "output.num_joints")
            val stride = int(o, "stride", "output.stride")
            if (height <= 0 || width <= 0 || joints <= 0 || stride <= 0) {
                throw MetadataException("output height, width, num_joints and stride must be positive")
            }
            return OutputSpec(
                name = stringOr(o, "name", "heatmaps"),
                height = height,
                width = width,
                numJoints = joints,
                stride = stride,
                dtype = dtype,
                quantization = parseQuant(o, dtype, "output")
            )
        }

        private fun parseQuant(o: Map<String, Any?>, dtype: TensorType, path: String): QuantParams? {
            val q = objOrNull(o, "quantization", "$path.quantization")
            if (!dtype.isQuantized) return null // a float tensor ignores quantization (normally null)
            if (q == null) throw MetadataException("$path.dtype is ${dtype.metadataName} but $path.quantization is null")
            val scale = double(q, "scale", "$path.quantization.scale")
            if (!(scale > 0.0)) throw MetadataException("$path.quantization.scale must be > 0, got $scale")
            return QuantParams(scale.toFloat(), int(q, "zero_point", "$path.quantization.zero_point"))
        }
    }
}

class MetadataException(message: String) : RuntimeException(message)

