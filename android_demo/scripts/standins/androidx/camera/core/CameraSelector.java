package androidx.camera.core;

public final class CameraSelector {
    public static final int LENS_FACING_FRONT = 0;
    public static final int LENS_FACING_BACK = 1;

    public static final class Builder {
        public Builder() {}
        public Builder requireLensFacing(int lensFacing) { return this; }
        public CameraSelector build() { return null; }
    }
}
