package com.posegate.core

/**
 * Joint names, limbs and limb colours of a keypoint layout, read from the
 * metadata's `keypoints` object:
 * `{"names": [...], "skeleton": [[a, b], ...], "flip_pairs": [[l, r], ...],
 *   "limb_colors_bgr": [[b, g, r], ...]}`.
 */
class Skeleton(
    val names: List<String>,
    val edges: List<Edge>,
    val flipPairs: List<Edge>
) {
    /** One limb from joint [a] to joint [b], drawn in [argb] (0xAARRGGBB). */
    class Edge(val a: Int, val b: Int, val argb: Int) {
        override fun equals(other: Any?): Boolean = other is Edge && other.a == a && other.b == b && other.argb == argb
        override fun hashCode(): Int = (a * 31 + b) * 31 + argb
        override fun toString(): String = "Edge($a, $b, #${Integer.toHexString(argb)})"
    }

    val numJoints: Int get() = names.size

    init {
        for (e in edges + flipPairs) {
            require(e.a in names.indices && e.b in names.indices) {
                "joint index out of range in (${e.a}, ${e.b}); there are ${names.size} joints"
            }
        }
    }

    fun indexOf(name: String): Int = names.indexOf(name)

    /** The limbs whose two joints both score at least [threshold]. */
    fun visibleEdges(scores: FloatArray, threshold: Float): List<Edge> =
        edges.filter { scores[it.a] >= threshold && scores[it.b] >= threshold }

    /** Joints scoring at least [threshold]. */
    fun visibleJoints(scores: FloatArray, threshold: Float): List<Int> =
        names.indices.filter { scores[it] >= threshold }

    /**
     * Colour of a joint: the colour of the first limb that touches it, or
     * [fallback] for a joint no limb touches.
     */
    fun jointColor(joint: Int, fallback: Int = DEFAULT_ARGB): Int {
        for (e in edges) if (e.a == joint || e.b == joint) return e.argb
        return fallback
    }

    companion object {
        /** Opaque white, for limbs without a colour in the metadata. */
        const val DEFAULT_ARGB: Int = -0x1 // 0xFFFFFFFF

        /** OpenCV-style BGR triple to an opaque ARGB int (Android's colour format). */
        fun bgrToArgb(b: Int, g: Int, r: Int): Int {
            require(b in 0..255 && g in 0..255 && r in 0..255) { "colour components must be 0..255, got ($b, $g, $r)" }
            return (0xFF shl 24) or (r shl 16) or (g shl 8) or b
        }

        /** Reads the metadata's `keypoints` object (already parsed JSON). */
        fun fromJson(kp: Map<String, Any?>): Skeleton {
            val names = JsonAccess.strings(kp["names"], "keypoints.names")
            if (names.isEmpty()) throw MetadataException("keypoints.names is empty")
            val pairs = if (kp["skeleton"] == null) emptyList() else JsonAccess.intRows(kp["skeleton"], "keypoints.skeleton", 2)
            val colors = if (kp["limb_colors_bgr"] == null) emptyList() else JsonAccess.intRows(kp["limb_colors_bgr"], "keypoints.limb_colors_bgr", 3)
            if (colors.isNotEmpty() && colors.size != pairs.size) {
                throw MetadataException("keypoints.limb_colors_bgr has ${colors.size} entries for ${pairs.size} limbs")
            }
            val flips = if (kp["flip_pairs"] == null) emptyList() else JsonAccess.intRows(kp["flip_pairs"], "keypoints.flip_pairs", 2)
            val edges = pairs.mapIndexed { i, p ->
                val argb = if (colors.isEmpty()) DEFAULT_ARGB else bgrToArgb(colors[i][0], colors[i][1], colors[i][2])
                Edge(p[0], p[1], argb)
            }
            return try {
                Skeleton(names, edges, flips.map { Edge(it[0], it[1], DEFAULT_ARGB) })
            } catch (e: IllegalArgumentException) {
                throw MetadataException("keypoints: ${e.message}")
            }
        }
    }
}
