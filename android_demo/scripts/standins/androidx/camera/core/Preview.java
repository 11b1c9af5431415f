package androidx.camera.core;

import androidx.camera.core.resolutionselector.ResolutionSelector;

public final class Preview extends UseCase {
    public interface SurfaceProvider {}

    public void setSurfaceProvider(SurfaceProvider surfaceProvider) {}

    public static final class Builder {
        public Builder() {}
        public Builder setResolutionSelector(ResolutionSelector selector) { return this; }
        public Builder setTargetRotation(int rotation) { return this; }
        public Preview build() { return null; }
    }
}
