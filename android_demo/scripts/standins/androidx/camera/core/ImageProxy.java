package androidx.camera.core;

import android.graphics.Rect;
import java.nio.ByteBuffer;

public interface ImageProxy extends AutoCloseable {
    void close();
    Rect getCropRect();
    int getWidth();
    int getHeight();
    PlaneProxy[] getPlanes();
    ImageInfo getImageInfo();

    interface PlaneProxy {
        int getRowStride();
        int getPixelStride();
        ByteBuffer getBuffer();
    }
}
