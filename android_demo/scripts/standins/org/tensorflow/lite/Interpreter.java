package org.tensorflow.lite;

import java.nio.ByteBuffer;

public final class Interpreter implements AutoCloseable {
    public static class Options {
        public Options() {}
        public Options setNumThreads(int numThreads) { return this; }
        public Options setUseXNNPACK(boolean useXNNPACK) { return this; }
        public Options addDelegate(Delegate delegate) { return this; }
    }

    public Interpreter(ByteBuffer byteBuffer, Options options) {}
    public void run(Object input, Object output) {}
    public Tensor getInputTensor(int inputIndex) { return null; }
    public Tensor getOutputTensor(int outputIndex) { return null; }
    public void close() {}
}
