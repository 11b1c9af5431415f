package androidx.camera.core;

public final class UseCaseGroup {
    public static final class Builder {
        public Builder() {}
        public Builder addUseCase(UseCase useCase) { return this; }
        public Builder setViewPort(ViewPort viewPort) { return this; }
        public UseCaseGroup build() { return null; }
    }
}
