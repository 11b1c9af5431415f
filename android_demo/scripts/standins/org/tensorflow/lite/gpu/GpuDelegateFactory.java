package org.tensorflow.lite.gpu;

/** In litert-gpu-api (the artifact the app must declare next to litert-gpu). */
public class GpuDelegateFactory {
    public static class Options {
        public Options() {}
    }
}
