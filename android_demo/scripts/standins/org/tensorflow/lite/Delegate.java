package org.tensorflow.lite;

public interface Delegate extends AutoCloseable {
    long getNativeHandle();
    default void close() {}
}
