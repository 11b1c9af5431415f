package com.posegate.demo

import android.content.Context
import android.os.SystemClock
import android.util.Log
import com.posegate.core.FitMode
import com.posegate.core.ModelAsset
import com.posegate.core.ModelMetadata
import com.posegate.core.Pose
import com.posegate.core.PosePipeline
import com.posegate.core.RgbaFrame
import com.posegate.core.TensorType
import org.tensorflow.lite.DataType
import org.tensorflow.lite.Interpreter
import org.tensorflow.lite.gpu.CompatibilityList
import org.tensorflow.lite.gpu.GpuDelegate
import java.io.Closeable
import java.nio.ByteBuffer
import java.nio.ByteOrder

/** How to run the model. */
data class EstimatorOptions(
    val useGpu: Boolean = false,
    val numThreads: Int = 4,
    val fit: FitMode = FitMode.CROP
)

/** One inference: keypoints in source-frame pixels (see [RgbaFrame]) and timings in milliseconds. */
class Estimate(
    val pose: Pose,
    val preprocessMs: Double,
    val inferenceMs: Double,
    val postprocessMs: Double
)

/**
 * Runs an exported pose model with LiteRT: the CPU with XNNPACK by default, or
 * the GPU delegate when asked for and available. When the GPU delegate cannot
 * be created or applied (unsupported device, missing OpenCL/OpenGL support,
 * unsupported ops), it falls back to the CPU and says why in [backend]
 * instead of crashing. Everything around the interpreter call (input filling,
 * dequantization, decoding, geometry) is the JVM-tested [PosePipeline].
 *
 * Not thread-safe: create, use and close it on one thread (the analysis thread).
 */
class PoseEstimator private constructor(
    val metadata: ModelMetadata,
    private val interpreter: Interpreter,
    private val gpuDelegate: GpuDelegate?,
    /** A human-readable description of what runs the model, e.g. "GPU" or "CPU (XNNPACK, 4 threads)". */
    val backend: String,
    fit: FitMode
) : Closeable {

    private val pipeline = PosePipeline(metadata, fit)
    private val input: ByteBuffer = ByteBuffer.allocateDirect(metadata.input.byteSize).order(ByteOrder.nativeOrder())
    private val output: ByteBuffer = ByteBuffer.allocateDirect(metadata.output.byteSize).order(ByteOrder.nativeOrder())

    val usesGpu: Boolean get() = gpuDelegate != null

    fun estimate(frame: RgbaFrame): Estimate {
        val t0 = SystemClock.elapsedRealtimeNanos()
        val toModel = pipeline.prepareInput(frame, input)
        val t1 = SystemClock.elapsedRealtimeNanos()
        input.rewind()
        output.rewind()
        interpreter.run(input, output)
        val t2 = SystemClock.elapsedRealtimeNanos()
        val pose = pipeline.toSource(pipeline.decodeOutput(output), toModel)
        val t3 = SystemClock.elapsedRealtimeNanos()
        return Estimate(pose, (t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6)
    }

    override fun close() {
        interpreter.close()
        gpuDelegate?.close()
    }

    companion object {
        private const val TAG = "PoseEstimator"

        /**
         * Loads [asset] and builds an interpreter. Throws [IllegalStateException]
         * with a readable message when the model does not match its metadata.
         */
        fun create(context: Context, asset: ModelAsset, options: EstimatorOptions): PoseEstimator {
            val meta = asset.metadata
            val model = ModelAssets.mapModel(context, meta.modelFile)
            var fallbackReason: String? = null
            if (options.useGpu) {
                var delegate: GpuDelegate? = null
                var interpreter: Interpreter? = null
                try {
                    val compat = CompatibilityList()
                    try {
                        if (compat.isDelegateSupportedOnThisDevice) {
                            delegate = GpuDelegate(compat.bestOptionsForThisDevice)
                        }
                    } finally {
                        compat.close()
                    }
                    val d = delegate
                    if (d != null) {
                        val interp = Interpreter(model, Interpreter.Options().addDelegate(d))
                        interpreter = interp
                        checkTensors(interp, meta)
                        warmUp(interp, meta) // some drivers fail only on the first run
                        return PoseEstimator(meta, interp, d, "GPU", options.fit)
                    }
                    fallbackReason = "GPU delegate not supported on this device"
                } catch (t: Throwable) {
                    // IllegalArgumentException ("Failed to apply delegate"), UnsatisfiedLinkError,
                    // NoClassDefFoundError, or a failed warm-up run: use the CPU instead.
                    Log.w(TAG, "GPU delegate unavailable, falling back to CPU", t)
                    fallbackReason = "GPU failed: ${t.message ?: t.javaClass.simpleName}"
                    closeQuietly(interpreter)
                    closeQuietly(delegate)
                }
            }
            val cpuOptions = Interpreter.Options().setNumThreads(options.numThreads).setUseXNNPACK(true)
            val interpreter = Interpreter(model, cpuOptions)
            try {
                checkTensors(interpreter, meta)
            } catch (e: IllegalStateException) {
                interpreter.close()
                throw e
            }
            val backend = "CPU (XNNPACK, ${options.numThreads} threads)" +
                if (fallbackReason != null) " - $fallbackReason" else ""
            return PoseEstimator(meta, interpreter, null, backend, options.fit)
        }

        private const val MISMATCH = "Model does not match its metadata"

        private fun dataType(type: TensorType): DataType = when (type) {
            TensorType.FLOAT32 -> DataType.FLOAT32
            TensorType.INT8 -> DataType.INT8
            TensorType.UINT8 -> DataType.UINT8
        }

        /** The tensors must be what the metadata says, or the decoding would be garbage. */
        private fun checkTensors(interpreter: Interpreter, meta: ModelMetadata) {
            val inT = interpreter.getInputTensor(0)
            val outT = interpreter.getOutputTensor(0)
            val inShape = intArrayOf(1, meta.input.height, meta.input.width, meta.input.channels)
            val outShape = intArrayOf(1, meta.output.height, meta.output.width, meta.output.numJoints)
            val problems = ArrayList<String>()
            if (!inT.shape().contentEquals(inShape)) {
                problems.add("input shape ${inT.shape().contentToString()} != ${inShape.contentToString()}")
            }
            if (inT.dataType() != dataType(meta.input.dtype)) problems.add("input type ${inT.dataType()} != ${meta.input.dtype}")
            if (!outT.shape().contentEquals(outShape)) {
                problems.add("output shape ${outT.shape().contentToString()} != ${outShape.contentToString()}")
            }
            if (outT.dataType() != dataType(meta.output.dtype)) problems.add("output type ${outT.dataType()} != ${meta.output.dtype}")
            if (problems.isNotEmpty()) throw IllegalStateException("$MISMATCH: ${problems.joinToString("; ")}")
            // The metadata is the source of truth for (de)quantization; say so if the tensor disagrees.
            meta.output.quantization?.let { q ->
                val tq = outT.quantizationParams()
                if (Math.abs(tq.scale - q.scale) > 1e-6f * q.scale || tq.zeroPoint != q.zeroPoint) {
                    Log.w(TAG, "output quantization in the model (${tq.scale}, ${tq.zeroPoint}) differs from the metadata $q")
                }
            }
        }

        private fun warmUp(interpreter: Interpreter, meta: ModelMetadata) {
            val input = ByteBuffer.allocateDirect(meta.input.byteSize).order(ByteOrder.nativeOrder())
            val output = ByteBuffer.allocateDirect(meta.output.byteSize).order(ByteOrder.nativeOrder())
            interpreter.run(input, output)
        }

        private fun closeQuietly(c: AutoCloseable?) {
            try {
                c?.close()
            } catch (ignored: Throwable) {
            }
        }
    }
}
