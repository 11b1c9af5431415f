package android.graphics;

public final class Rect {
    public int left;
    public int top;
    public int right;
    public int bottom;
    public int width() { return 0; }
    public int height() { return 0; }
}
