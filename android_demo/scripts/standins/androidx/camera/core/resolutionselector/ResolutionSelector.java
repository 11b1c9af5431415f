package androidx.camera.core.resolutionselector;

public final class ResolutionSelector {
    public static final class Builder {
        public Builder() {}
        public Builder setAspectRatioStrategy(AspectRatioStrategy strategy) { return this; }
        public Builder setResolutionStrategy(ResolutionStrategy strategy) { return this; }
        public ResolutionSelector build() { return null; }
    }
}
