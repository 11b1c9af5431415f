package android.content.res;

import java.io.IOException;
import java.io.InputStream;

public final class AssetManager implements AutoCloseable {
    public String[] list(String path) throws IOException { return null; }
    public InputStream open(String fileName) throws IOException { return null; }
    public AssetFileDescriptor openFd(String fileName) throws IOException { return null; }
    public void close() {}
}
