package com.posegate.demo

import android.Manifest
import android.content.pm.PackageManager
import android.os.Bundle
import android.os.SystemClock
import android.util.Log
import android.util.Size
import android.view.Surface
import android.view.View
import android.widget.AdapterView
import android.widget.ArrayAdapter
import android.widget.FrameLayout
import android.widget.ImageButton
import android.widget.SeekBar
import android.widget.Spinner
import android.widget.TextView
import android.widget.Toast
import androidx.activity.result.contract.ActivityResultContracts
import androidx.appcompat.app.AppCompatActivity
import androidx.appcompat.widget.SwitchCompat
import androidx.camera.core.CameraSelector
import androidx.camera.core.ImageAnalysis
import androidx.camera.core.Preview
import androidx.camera.core.UseCaseGroup
import androidx.camera.core.resolutionselector.AspectRatioStrategy
import androidx.camera.core.resolutionselector.ResolutionSelector
import androidx.camera.core.resolutionselector.ResolutionStrategy
import androidx.camera.lifecycle.ProcessCameraProvider
import androidx.camera.view.PreviewView
import androidx.core.content.ContextCompat
import androidx.core.view.ViewCompat
import androidx.core.view.WindowInsetsCompat
import androidx.core.view.updateLayoutParams
import androidx.core.view.updatePadding
import com.posegate.core.FitMode
import com.posegate.core.LoadTracker
import com.posegate.core.ModelAsset
import java.util.concurrent.ExecutorService
import java.util.concurrent.Executors

/**
 * Camera preview with the estimated skeleton on top. The pieces are kept apart:
 * CameraX produces frames ([PoseAnalyzer] on one background thread), a
 * [PoseEstimator] runs the model, and an [OverlayView] draws. This activity
 * only wires them and handles the settings.
 */
class MainActivity : AppCompatActivity(), PoseAnalyzer.Listener {

    private lateinit var previewView: PreviewView
    private lateinit var overlay: OverlayView
    private lateinit var statsText: TextView
    private lateinit var messageText: TextView
    private lateinit var controls: View
    private lateinit var modelSpinner: Spinner
    private lateinit var gpuSwitch: SwitchCompat
    private lateinit var letterboxSwitch: SwitchCompat
    private lateinit var smoothingSwitch: SwitchCompat
    private lateinit var labelsSwitch: SwitchCompat
    private lateinit var thresholdSeek: SeekBar
    private lateinit var thresholdLabel: TextView
    private lateinit var switchCameraButton: ImageButton

    private lateinit var analysisExecutor: ExecutorService
    private lateinit var analyzer: PoseAnalyzer
    private var imageAnalysis: ImageAnalysis? = null
    private var cameraProvider: ProcessCameraProvider? = null
    private var models: List<ModelAsset> = emptyList()
    /** The model and options loaded or loading; a failed load is forgotten so that choosing it again retries. */
    private val loads = LoadTracker<Pair<ModelAsset, EstimatorOptions>>()
    private var lensFacing = CameraSelector.LENS_FACING_BACK

    @Volatile
    private var lastStatsUpdate = 0L

    @Volatile
    private var lastErrorLog = 0L

    private val requestCameraPermission =
        registerForActivityResult(ActivityResultContracts.RequestPermission()) { granted ->
            if (granted) startCamera() else showMessage(getString(R.string.camera_permission_denied))
        }

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        setContentView(R.layout.activity_main)
        previewView = findViewById(R.id.previewView)
        overlay = findViewById(R.id.overlay)
        statsText = findViewById(R.id.statsText)
        messageText = findViewById(R.id.messageText)
        controls = findViewById(R.id.controls)
        modelSpinner = findViewById(R.id.modelSpinner)
        gpuSwitch = findViewById(R.id.gpuSwitch)
        letterboxSwitch = findViewById(R.id.letterboxSwitch)
        smoothingSwitch = findViewById(R.id.smoothingSwitch)
        labelsSwitch = findViewById(R.id.labelsSwitch)
        thresholdSeek = findViewById(R.id.thresholdSeek)
        thresholdLabel = findViewById(R.id.thresholdLabel)
        switchCameraButton = findViewById(R.id.switchCameraButton)
        applyWindowInsets()

        analysisExecutor = Executors.newSingleThreadExecutor()
        analyzer = PoseAnalyzer(this)

        val scan = ModelAssets.scan(this)
        models = scan.models
        setupControls()
        val listingError = scan.listingError
        when {
            listingError != null -> showMessage(getString(R.string.assets_failed, listingError))
            models.isEmpty() && scan.skipped.isEmpty() -> showMessage(getString(R.string.no_model))
            models.isEmpty() -> showMessage(getString(R.string.no_usable_model, scan.describeSkipped()))
            scan.skipped.isNotEmpty() -> Toast.makeText(
                this, getString(R.string.models_skipped, scan.skipped.size, scan.describeSkipped()), Toast.LENGTH_LONG
            ).show()
        }

        if (ContextCompat.checkSelfPermission(this, Manifest.permission.CAMERA) == PackageManager.PERMISSION_GRANTED) {
            startCamera()
        } else {
            requestCameraPermission.launch(Manifest.permission.CAMERA)
        }
    }

    override fun onDestroy() {
        imageAnalysis?.clearAnalyzer()
        cameraProvider?.unbindAll()
        val a = analyzer
        analysisExecutor.execute { a.setEstimator(null) } // close the interpreter on its own thread
        analysisExecutor.shutdown()
        super.onDestroy()
    }

    // -- settings ----------------------------------------------------------------

    private fun setupControls() {
        val adapter = ArrayAdapter(this, R.layout.spinner_item, models.map { it.label })
        adapter.setDropDownViewResource(R.layout.spinner_dropdown_item)
        modelSpinner.adapter = adapter
        modelSpinner.isEnabled = models.isNotEmpty()
        modelSpinner.onItemSelectedListener = object : AdapterView.OnItemSelectedListener {
            override fun onItemSelected(parent: AdapterView<*>?, view: View?, position: Int, id: Long) = loadEstimator()
            override fun onNothingSelected(parent: AdapterView<*>?) = Unit
        }
        gpuSwitch.setOnCheckedChangeListener { _, _ -> loadEstimator() }
        // After a failed load, tapping its message retries (a no-op while a model is loaded or loading).
        messageText.setOnClickListener { loadEstimator() }
        letterboxSwitch.setOnCheckedChangeListener { _, _ -> loadEstimator() }
        smoothingSwitch.setOnCheckedChangeListener { _, checked -> analyzer.smoothingEnabled = checked }
        analyzer.smoothingEnabled = smoothingSwitch.isChecked
        labelsSwitch.setOnCheckedChangeListener { _, checked -> overlay.showLabels = checked }

        thresholdSeek.max = 100
        thresholdSeek.progress = (DEFAULT_THRESHOLD * 100).toInt()
        updateThreshold(thresholdSeek.progress)
        thresholdSeek.setOnSeekBarChangeListener(object : SeekBar.OnSeekBarChangeListener {
            override fun onProgressChanged(seekBar: SeekBar?, progress: Int, fromUser: Boolean) = updateThreshold(progress)
            override fun onStartTrackingTouch(seekBar: SeekBar?) = Unit
            override fun onStopTrackingTouch(seekBar: SeekBar?) = Unit
        })

        switchCameraButton.setOnClickListener {
            lensFacing = if (lensFacing == CameraSelector.LENS_FACING_BACK) {
                CameraSelector.LENS_FACING_FRONT
            } else {
                CameraSelector.LENS_FACING_BACK
            }
            bindCamera()
        }
    }

    private fun updateThreshold(progress: Int) {
        val value = progress / 100f
        overlay.threshold = value
        thresholdLabel.text = getString(R.string.label_threshold, value)
    }

    /** (Re)creates the estimator for the selected model and options, on the analysis thread. */
    private fun loadEstimator() {
        val asset = models.getOrNull(modelSpinner.selectedItemPosition) ?: return
        val options = EstimatorOptions(
            useGpu = gpuSwitch.isChecked,
            numThreads = NUM_THREADS,
            fit = if (letterboxSwitch.isChecked) FitMode.LETTERBOX else FitMode.CROP
        )
        val config = asset to options
        if (!loads.begin(config)) return // loaded or loading already
        statsText.text = getString(R.string.loading_model, asset.label)
        overlay.showPose(null)
        val appContext = applicationContext
        analysisExecutor.execute {
            try {
                val estimator = PoseEstimator.create(appContext, asset, options)
                analyzer.setEstimator(estimator)
                runOnUiThread {
                    hideMessage()
                    if (options.useGpu && !estimator.usesGpu) {
                        Toast.makeText(this, estimator.backend, Toast.LENGTH_LONG).show()
                    }
                }
            } catch (t: Throwable) {
                Log.e(TAG, "could not load ${asset.metadata.modelFile}", t)
                analyzer.setEstimator(null)
                runOnUiThread {
                    loads.failed(config) // choosing it again (or tapping the message) retries
                    showMessage(getString(R.string.model_failed, asset.label, t.message ?: t.javaClass.simpleName))
                }
            }
        }
    }

    // -- camera ------------------------------------------------------------------

    private fun startCamera() {
        val future = ProcessCameraProvider.getInstance(this)
        future.addListener(Runnable {
            cameraProvider = future.get()
            // The view port (what the preview shows) is known once the view is laid out.
            previewView.post { bindCamera() }
        }, ContextCompat.getMainExecutor(this))
    }

    private fun bindCamera() {
        val provider = cameraProvider ?: return
        var selector = CameraSelector.Builder().requireLensFacing(lensFacing).build()
        if (!provider.hasCamera(selector)) {
            lensFacing = if (lensFacing == CameraSelector.LENS_FACING_BACK) {
                CameraSelector.LENS_FACING_FRONT
            } else {
                CameraSelector.LENS_FACING_BACK
            }
            selector = CameraSelector.Builder().requireLensFacing(lensFacing).build()
            if (!provider.hasCamera(selector)) {
                showMessage(getString(R.string.no_camera))
                return
            }
        }
        val rotation = previewView.display?.rotation ?: Surface.ROTATION_0
        val aspect = AspectRatioStrategy.RATIO_4_3_FALLBACK_AUTO_STRATEGY
        val preview = Preview.Builder()
            .setResolutionSelector(ResolutionSelector.Builder().setAspectRatioStrategy(aspect).build())
            .setTargetRotation(rotation)
            .build()
        preview.setSurfaceProvider(previewView.surfaceProvider)
        val analysis = ImageAnalysis.Builder()
            .setResolutionSelector(
                ResolutionSelector.Builder()
                    .setAspectRatioStrategy(aspect)
                    .setResolutionStrategy(
                        ResolutionStrategy(ANALYSIS_SIZE, ResolutionStrategy.FALLBACK_RULE_CLOSEST_HIGHER_THEN_LOWER)
                    )
                    .build()
            )
            .setTargetRotation(rotation)
            .setBackpressureStrategy(ImageAnalysis.STRATEGY_KEEP_ONLY_LATEST)
            .setOutputImageFormat(ImageAnalysis.OUTPUT_IMAGE_FORMAT_RGBA_8888)
            .build()
        analysis.setAnalyzer(analysisExecutor, analyzer)
        imageAnalysis?.clearAnalyzer()
        imageAnalysis = analysis

        // A shared view port makes the analysis crop rectangle the area the preview shows.
        val group = UseCaseGroup.Builder().addUseCase(preview).addUseCase(analysis)
        previewView.viewPort?.let { group.setViewPort(it) }

        analyzer.mirror = lensFacing == CameraSelector.LENS_FACING_FRONT
        analysisExecutor.execute { analyzer.resetTracking() }
        overlay.showPose(null)
        try {
            provider.unbindAll()
            provider.bindToLifecycle(this, selector, group.build())
        } catch (e: Exception) {
            Log.e(TAG, "binding the camera failed", e)
            showMessage(getString(R.string.camera_failed, e.message ?: e.javaClass.simpleName))
        }
    }

    // -- analyzer callbacks (analysis thread) --------------------------------------

    override fun onPose(frame: PoseFrame) {
        overlay.showPose(frame)
        val now = SystemClock.elapsedRealtime()
        if (now - lastStatsUpdate < STATS_INTERVAL_MS) return
        lastStatsUpdate = now
        val text = getString(
            R.string.stats_format, frame.modelLabel, frame.backend, frame.inferenceMs, frame.totalMs, frame.fps
        )
        runOnUiThread { statsText.text = text }
    }

    override fun onError(error: Exception) {
        val now = SystemClock.elapsedRealtime()
        if (now - lastErrorLog < STATS_INTERVAL_MS) return
        lastErrorLog = now
        Log.e(TAG, "inference failed; the frame was dropped", error)
        val text = getString(R.string.inference_error, error.message ?: error.javaClass.simpleName)
        runOnUiThread { statsText.text = text }
    }

    // -- UI helpers ------------------------------------------------------------------

    private fun showMessage(text: String) {
        messageText.text = text
        messageText.visibility = View.VISIBLE
    }

    private fun hideMessage() {
        messageText.visibility = View.GONE
    }

    private fun applyWindowInsets() {
        val baseTop = (statsText.layoutParams as FrameLayout.LayoutParams).topMargin
        val baseBottom = controls.paddingBottom
        ViewCompat.setOnApplyWindowInsetsListener(findViewById(R.id.root)) { _, insets ->
            val bars = insets.getInsets(WindowInsetsCompat.Type.systemBars() or WindowInsetsCompat.Type.displayCutout())
            statsText.updateLayoutParams<FrameLayout.LayoutParams> {
                topMargin = baseTop + bars.top
                leftMargin = bars.left
            }
            controls.updatePadding(left = bars.left, right = bars.right, bottom = baseBottom + bars.bottom)
            insets
        }
    }

    companion object {
        private const val TAG = "PoseGate"
        private const val DEFAULT_THRESHOLD = 0.3f
        private const val NUM_THREADS = 4
        private const val STATS_INTERVAL_MS = 250L
        private val ANALYSIS_SIZE = Size(640, 480)
    }
}
