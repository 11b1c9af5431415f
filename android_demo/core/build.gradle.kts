// Plain Kotlin/JVM module: everything that is not Android API (heatmap
// decoding, quantization, frame geometry, metadata JSON, skeleton, smoothing).
// The sources also compile with Kotlin 1.3 (Debian's kotlinc), which is how
// `make test-android` runs the tests without Gradle or the Android SDK:
// see ../scripts/test_jvm.sh.
import org.jetbrains.kotlin.gradle.dsl.JvmTarget

plugins {
    id("org.jetbrains.kotlin.jvm")
}

java {
    sourceCompatibility = JavaVersion.VERSION_17
    targetCompatibility = JavaVersion.VERSION_17
}

kotlin {
    compilerOptions {
        jvmTarget.set(JvmTarget.JVM_17)
    }
}

dependencies {
    testImplementation("junit:junit:4.13.2")
}

tasks.test {
    // Golden parity cases written by tflite/golden.py (test_jvm.sh generates
    // them); the golden tests are skipped when the folder is missing.
    systemProperty("posegate.golden.dir", rootProject.file("../.kotlin-build/golden").absolutePath)
}
