package android.view;

public final class Display {
    public int getRotation() { return 0; }
}
