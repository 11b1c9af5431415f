import org.jetbrains.kotlin.gradle.dsl.JvmTarget

plugins {
    id("com.android.application")
    id("org.jetbrains.kotlin.android")
}

/**
 * Copies the models `posegate export` wrote (`*.tflite` and their metadata
 * `*.json`) into a generated assets folder of the app. The folder is wired into
 * every variant's assets, so a newly exported model is picked up on the next
 * build without code changes, and no model file lives in the source tree.
 */
abstract class CopyPosegateModels : DefaultTask() {
    @get:InputFiles
    @get:PathSensitive(PathSensitivity.NAME_ONLY)
    abstract val modelFiles: ConfigurableFileCollection

    @get:Input
    abstract val exportDirPath: Property<String>

    @get:OutputDirectory
    abstract val outputDir: DirectoryProperty

    @TaskAction
    fun copy() {
        val out = outputDir.get().asFile
        out.deleteRecursively()
        out.mkdirs()
        val files = modelFiles.files.filter { it.isFile }.sortedBy { it.name }
        if (files.none { it.name.endsWith(".tflite") }) {
            logger.warn(
                "posegate: no .tflite model in ${exportDirPath.get()}. Run `posegate export` first " +
                    "(or pass -Pposegate.exportDir=...); the app will start but show 'no model'."
            )
        }
        for (f in files) {
            f.copyTo(File(out, f.name), overwrite = true)
            logger.lifecycle("posegate: asset ${f.name}")
        }
    }
}

val posegateExportDir: File = file(
    (findProperty("posegate.exportDir") as String?) ?: rootProject.file("../exports").path
)

val copyPosegateModels = tasks.register<CopyPosegateModels>("copyPosegateModels") {
    group = "posegate"
    description = "Copies the exported .tflite models and metadata JSON into the app's assets."
    exportDirPath.set(posegateExportDir.absolutePath)
    modelFiles.from(fileTree(posegateExportDir) { include("*.tflite", "*.json") })
}

android {
    namespace = "com.posegate.demo"
    compileSdk = 35

    defaultConfig {
        applicationId = "com.posegate.demo"
        // 26, not 24: LiteRT 1.4.x's native library is reported not to load on API 24/25
        // (dlopen: cannot locate symbol "strtod_l"), and no release note says 1.4.2 fixes it.
        minSdk = 26
        targetSdk = 35
        versionCode = 1
        versionName = "0.1.0"
    }

    buildTypes {
        release {
            isMinifyEnabled = false
            proguardFiles(getDefaultProguardFile("proguard-android-optimize.txt"), "proguard-rules.pro")
        }
    }

    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }

    // Memory-map the model straight out of the APK: it must be stored uncompressed.
    androidResources {
        noCompress += "tflite"
    }
}

androidComponents {
    onVariants { variant ->
        variant.sources.assets?.addGeneratedSourceDirectory(copyPosegateModels, CopyPosegateModels::outputDir)
    }
}

kotlin {
    compilerOptions {
        jvmTarget.set(JvmTarget.JVM_17)
    }
}

dependencies {
    implementation(project(":core"))

    implementation("androidx.core:core-ktx:1.15.0")
    implementation("androidx.appcompat:appcompat:1.7.0")
    implementation("androidx.activity:activity-ktx:1.9.3")
    implementation("androidx.lifecycle:lifecycle-runtime-ktx:2.8.7")

    val camerax = "1.4.2"
    implementation("androidx.camera:camera-core:$camerax")
    implementation("androidx.camera:camera-camera2:$camerax")
    implementation("androidx.camera:camera-lifecycle:$camerax")
    implementation("androidx.camera:camera-view:$camerax")

    // LiteRT (formerly TensorFlow Lite): the Interpreter with XNNPACK, and the GPU delegate.
    // litert-gpu-api holds GpuDelegateFactory.Options (what CompatibilityList hands to
    // GpuDelegate); without it LiteRT apps are reported to fail with NoClassDefFoundError,
    // so it is declared explicitly, at the same version.
    val litert = "1.4.2"
    implementation("com.google.ai.edge.litert:litert:$litert")
    implementation("com.google.ai.edge.litert:litert-gpu:$litert")
    implementation("com.google.ai.edge.litert:litert-gpu-api:$litert")
}
