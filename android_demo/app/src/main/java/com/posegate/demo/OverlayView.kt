package com.posegate.demo

import android.content.Context
import android.graphics.Canvas
import android.graphics.Paint
import android.util.AttributeSet
import android.view.View
import com.posegate.core.FitMode
import com.posegate.core.FrameTransform

/**
 * Draws the skeleton over the camera preview. It receives poses in source-frame
 * pixels and maps them itself with a [FrameTransform] to its own size, using the
 * same rotation, mirroring and centre-crop ("fill") the `PreviewView` applies,
 * so it stays aligned whatever the view size. Joints and limbs below
 * [threshold] are not drawn.
 */
class OverlayView @JvmOverloads constructor(
    context: Context,
    attrs: AttributeSet? = null,
    defStyleAttr: Int = 0
) : View(context, attrs, defStyleAttr) {

    @Volatile
    private var frame: PoseFrame? = null

    /** Per-joint confidence threshold (heatmap maximum). */
    var threshold: Float = 0.3f
        set(value) {
            field = value
            invalidate()
        }

    /** Draw joint names next to the joints. */
    var showLabels: Boolean = false
        set(value) {
            field = value
            invalidate()
        }

    private val density = resources.displayMetrics.density
    private val limbPaint = Paint(Paint.ANTI_ALIAS_FLAG).apply {
        style = Paint.Style.STROKE
        strokeWidth = 4f * density
        strokeCap = Paint.Cap.ROUND
    }
    private val jointPaint = Paint(Paint.ANTI_ALIAS_FLAG).apply { style = Paint.Style.FILL }
    private val jointOutline = Paint(Paint.ANTI_ALIAS_FLAG).apply {
        style = Paint.Style.STROKE
        strokeWidth = 1.5f * density
        color = 0xFF000000.toInt()
    }
    private val labelPaint = Paint(Paint.ANTI_ALIAS_FLAG).apply {
        color = 0xFFFFFFFF.toInt()
        textSize = 11f * density
        setShadowLayer(2f * density, 0f, 0f, 0xFF000000.toInt())
    }

    /** Shows [newFrame] (or clears the overlay with null); callable from any thread. */
    fun showPose(newFrame: PoseFrame?) {
        frame = newFrame
        postInvalidate()
    }

    override fun onDraw(canvas: Canvas) {
        super.onDraw(canvas)
        val f = frame ?: return
        if (width == 0 || height == 0) return
        // Same geometry as the PreviewView (FILL_CENTER over the shared viewport).
        val t = FrameTransform(f.sourceWidth, f.sourceHeight, f.rotationDegrees, f.mirror, width, height, FitMode.CROP)
        val pose = t.forward.mapPose(f.pose)
        val scores = pose.score
        val thr = threshold
        for (edge in f.skeleton.visibleEdges(scores, thr)) {
            limbPaint.color = edge.argb
            canvas.drawLine(pose.x[edge.a], pose.y[edge.a], pose.x[edge.b], pose.y[edge.b], limbPaint)
        }
        val radius = 4.5f * density
        for (j in f.skeleton.visibleJoints(scores, thr)) {
            jointPaint.color = f.skeleton.jointColor(j)
            canvas.drawCircle(pose.x[j], pose.y[j], radius, jointPaint)
            canvas.drawCircle(pose.x[j], pose.y[j], radius, jointOutline)
            if (showLabels) {
                canvas.drawText(f.skeleton.names[j], pose.x[j] + radius * 1.5f, pose.y[j] - radius, labelPaint)
            }
        }
    }
}
