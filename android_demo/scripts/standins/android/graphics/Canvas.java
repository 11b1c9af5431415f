package android.graphics;

public class Canvas {
    public void drawLine(float startX, float startY, float stopX, float stopY, Paint paint) {}
    public void drawCircle(float cx, float cy, float radius, Paint paint) {}
    public void drawText(String text, float x, float y, Paint paint) {}
}
