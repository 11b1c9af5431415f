package com.posegate.core

import java.io.File
import org.junit.Assume

/** Shared fixtures for the core tests. */
object TestData {
    val MPII_NAMES = listOf(
        "r_ankle", "r_knee", "r_hip", "l_hip", "l_knee", "l_ankle", "pelvis", "thorax",
        "upper_neck", "head_top", "r_wrist", "r_elbow", "r_shoulder", "l_shoulder",
        "l_elbow", "l_wrist"
    )
    val MPII_SKELETON = listOf(
        0 to 1, 1 to 2, 2 to 6, 6 to 3, 3 to 4, 4 to 5, 6 to 7, 7 to 8, 8 to 9,
        7 to 12, 12 to 11, 11 to 10, 7 to 13, 13 to 14, 14 to 15
    )

    /** Metadata in the format `posegate export` writes (see the app README). */
    fun metadataJson(
        dtype: String = "int8",
        inputSize: Int = 256,
        inputWidth: Int = inputSize,
        color: String = "RGB",
        names: List<String> = MPII_NAMES,
        skeleton: List<Pair<Int, Int>> = MPII_SKELETON,
        withColors: Boolean = true,
        formatVersion: Int = 1,
        flipPairs: String = "[[0, 5], [1, 4]]"
    ): String {
        val quantIn = if (dtype == "float32") "null" else """{"scale": 0.003921569, "zero_point": -128}"""
        val quantOut = if (dtype == "float32") "null" else """{"scale": 0.0039, "zero_point": -128}"""
        val namesJson = names.joinToString(", ", "[", "]") { "\"$it\"" }
        val skelJson = skeleton.joinToString(", ", "[", "]") { "[${it.first}, ${it.second}]" }
        val colorsJson = skeleton.indices.joinToString(", ", "[", "]") { i ->
            if (i % 3 == 0) "[60, 76, 231]" else if (i % 3 == 1) "[219, 152, 52]" else "[113, 204, 46]"
        }
        val colorsLine = if (withColors) """, "limb_colors_bgr": $colorsJson""" else ""
        return """
            {
              "format_version": $formatVersion,
              "model_file": "posegate_$dtype.tflite",
              "preset": "posegate_tiny",
              "dataset": "mpii",
              "input": {"name": "image", "height": $inputSize, "width": $inputWidth, "channels": 3, "color": "$color", "layout": "NHWC",
                        "dtype": "$dtype",
                        "normalization": {"mean": [0.0, 0.0, 0.0], "std": [255.0, 255.0, 255.0]},
                        "quantization": $quantIn},
              "output": {"name": "heatmaps", "layout": "NHWC", "height": ${inputSize / 4}, "width": ${inputWidth / 4}, "num_joints": ${names.size},
                         "dtype": "$dtype", "stride": 4, "quantization": $quantOut},
              "keypoints": {"names": $namesJson, "skeleton": $skelJson, "flip_pairs": $flipPairs$colorsLine},
              "decoding": {"method": "argmax_quarter_offset", "input_from_heatmap": "(h + 0.5) * stride - 0.5"}
            }
        """.trimIndent()
    }

    /**
     * The directory of golden files written by `tflite/golden.py`, from the
     * system property `posegate.golden.dir`. Tests are skipped when it is not
     * set, unless `posegate.golden.required=true` (as `test_jvm.sh` sets it).
     */
    fun goldenDir(): File {
        val path = System.getProperty("posegate.golden.dir")
        val required = System.getProperty("posegate.golden.required") == "true"
        val dir = if (path == null) null else File(path)
        if (dir == null || !dir.isDirectory) {
            if (required) throw AssertionError("golden directory missing: $path (run tflite/golden.py)")
            Assume.assumeTrue("golden files not generated (set -Dposegate.golden.dir)", false)
        }
        return dir!!
    }

    fun assertClose(expected: Double, actual: Double, tol: Double, message: String) {
        if (Math.abs(expected - actual) > tol) throw AssertionError("$message: expected $expected, got $actual")
    }
}
