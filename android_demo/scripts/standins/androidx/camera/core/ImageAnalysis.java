package androidx.camera.core;

import androidx.camera.core.resolutionselector.ResolutionSelector;
import java.util.concurrent.Executor;

public final class ImageAnalysis extends UseCase {
    public static final int STRATEGY_KEEP_ONLY_LATEST = 0;
    public static final int OUTPUT_IMAGE_FORMAT_RGBA_8888 = 2;

    public interface Analyzer {
        void analyze(ImageProxy image);
    }

    public void setAnalyzer(Executor executor, Analyzer analyzer) {}
    public void clearAnalyzer() {}

    public static final class Builder {
        public Builder() {}
        public Builder setResolutionSelector(ResolutionSelector selector) { return this; }
        public Builder setTargetRotation(int rotation) { return this; }
        public Builder setBackpressureStrategy(int strategy) { return this; }
        public Builder setOutputImageFormat(int outputImageFormat) { return this; }
        public ImageAnalysis build() { return null; }
    }
}
