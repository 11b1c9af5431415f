package org.tensorflow.lite.gpu;

import java.io.Closeable;

public class CompatibilityList implements Closeable {
    public CompatibilityList() {}
    public boolean isDelegateSupportedOnThisDevice() { return false; }
    public GpuDelegate.Options getBestOptionsForThisDevice() { return null; }
    public void close() {}
}
