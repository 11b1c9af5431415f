package org.tensorflow.lite.gpu;

import java.io.Closeable;
import org.tensorflow.lite.Delegate;

public class GpuDelegate implements Delegate, Closeable {
    public static final class Options extends GpuDelegateFactory.Options {}

    public GpuDelegate(GpuDelegateFactory.Options options) {}
    public GpuDelegate() {}
    public long getNativeHandle() { return 0; }
    public void close() {}
}
