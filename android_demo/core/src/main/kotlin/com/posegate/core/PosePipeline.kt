package com.posegate.core

import java.nio.ByteBuffer

/**
 * Everything around the interpreter call, without Android: fill the input
 * tensor from a camera frame, and decode the output tensor into keypoints in
 * the frame's (crop-relative, unrotated) source pixels. The app's
 * `PoseEstimator` is this plus a LiteRT `Interpreter.run(input, output)`.
 */
class PosePipeline(val metadata: ModelMetadata, val fit: FitMode = FitMode.CROP) {

    val preprocessor = InputPreprocessor(metadata.input)
    val decoder = HeatmapDecoder(metadata.output, metadata.decodingMethod)
    private val heatmaps = FloatArray(metadata.output.elementCount)

    /** Writes the model input for [frame] into [input]; returns the frame-to-model transform. */
    fun prepareInput(frame: RgbaFrame, input: ByteBuffer): FrameTransform =
        preprocessor.prepare(frame, input, fit, mirror = false)

    /** Keypoints in model input pixels from the raw output tensor. */
    fun decodeOutput(output: ByteBuffer): Pose {
        val spec = metadata.output
        Dequantizer.fromBuffer(output, spec.dtype, spec.quantization, spec.elementCount, heatmaps)
        return decoder.decodeToInput(heatmaps)
    }

    /** Model input pixels back to source (camera frame crop) pixels. */
    fun toSource(pose: Pose, transform: FrameTransform): Pose = transform.inverse.mapPose(pose)
}
