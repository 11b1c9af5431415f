package com.posegate.demo

import android.os.SystemClock
import androidx.camera.core.ImageAnalysis
import androidx.camera.core.ImageProxy
import com.posegate.core.FrameRateMeter
import com.posegate.core.MovingAverage
import com.posegate.core.OneEuroFilter
import com.posegate.core.Pose
import com.posegate.core.PoseSmoother
import com.posegate.core.RgbaFrame
import com.posegate.core.Skeleton

/**
 * What the overlay draws for one frame: the pose in source-frame pixels (the
 * analysis image's crop rectangle, unrotated), the geometry needed to map it to
 * the screen, and the numbers for the status line.
 */
class PoseFrame(
    val pose: Pose,
    val skeleton: Skeleton,
    val sourceWidth: Int,
    val sourceHeight: Int,
    val rotationDegrees: Int,
    val mirror: Boolean,
    val inferenceMs: Double,
    val totalMs: Double,
    val fps: Double,
    val backend: String,
    val modelLabel: String
)

/**
 * The CameraX analyzer: turns each RGBA_8888 [ImageProxy] into an [RgbaFrame],
 * hands it to the current [PoseEstimator], optionally smooths the keypoints, and
 * reports a [PoseFrame] (or an error) to [listener]. It runs on the single
 * analysis thread; the estimator is created, swapped and closed on that thread
 * too (see [setEstimator]), so the interpreter is never used concurrently.
 *
 * Whatever happens in inference, the frame is closed, so the camera never stalls.
 */
class PoseAnalyzer(private val listener: Listener) : ImageAnalysis.Analyzer {

    interface Listener {
        /** Called on the analysis thread. */
        fun onPose(frame: PoseFrame)

        /** Called on the analysis thread; the analyzer keeps running. */
        fun onError(error: Exception)
    }

    private var estimator: PoseEstimator? = null
    private var smoother: PoseSmoother? = null
    private val fpsMeter = FrameRateMeter()
    private val inferenceMs = MovingAverage()
    private val totalMs = MovingAverage()

    /** Mirror the keypoints on screen (front camera); the model always sees the unmirrored image. */
    @Volatile
    var mirror: Boolean = false

    @Volatile
    var smoothingEnabled: Boolean = true

    /** Joints below this score are not smoothed (their filters restart when they come back). */
    @Volatile
    var smoothingMinScore: Float = 0.2f

    /** Replaces the estimator; call on the analysis thread. Closes the previous one. */
    fun setEstimator(newEstimator: PoseEstimator?) {
        estimator?.close()
        estimator = newEstimator
        smoother = null
        fpsMeter.reset()
        inferenceMs.reset()
        totalMs.reset()
    }

    /** Restarts smoothing and the counters (e.g. after switching cameras); call on the analysis thread. */
    fun resetTracking() {
        smoother = null
        fpsMeter.reset()
    }

    override fun analyze(image: ImageProxy) {
        try {
            val est = estimator ?: return
            val start = SystemClock.elapsedRealtimeNanos()
            val plane = image.planes[0]
            val crop = image.cropRect
            val frame = RgbaFrame(
                buffer = plane.buffer,
                width = image.width,
                height = image.height,
                rowStride = plane.rowStride,
                pixelStride = plane.pixelStride,
                rotationDegrees = image.imageInfo.rotationDegrees,
                cropLeft = crop.left,
                cropTop = crop.top,
                cropWidth = crop.width(),
                cropHeight = crop.height()
            )
            val result = est.estimate(frame)
            var pose = result.pose
            if (smoothingEnabled) {
                val s = smoother ?: PoseSmoother(pose.numJoints, smoothingMinScore) {
                    OneEuroFilter(minCutoff = 1.0, beta = 0.02)
                }.also { smoother = it }
                pose = s.smooth(pose, image.imageInfo.timestamp / 1e9)
            } else {
                smoother = null
            }
            val end = SystemClock.elapsedRealtimeNanos()
            listener.onPose(
                PoseFrame(
                    pose = pose,
                    skeleton = est.metadata.skeleton,
                    sourceWidth = frame.cropWidth,
                    sourceHeight = frame.cropHeight,
                    rotationDegrees = frame.rotationDegrees,
                    mirror = mirror,
                    inferenceMs = inferenceMs.add(result.inferenceMs),
                    totalMs = totalMs.add((end - start) / 1e6),
                    fps = fpsMeter.tick(end),
                    backend = est.backend,
                    modelLabel = est.metadata.label
                )
            )
        } catch (e: Exception) {
            listener.onError(e)
        } finally {
            image.close()
        }
    }
}
