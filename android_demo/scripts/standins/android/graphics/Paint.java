package android.graphics;

public class Paint {
    public static final int ANTI_ALIAS_FLAG = 1;

    public enum Style { FILL, STROKE, FILL_AND_STROKE }

    public enum Cap { BUTT, ROUND, SQUARE }

    public Paint() {}
    public Paint(int flags) {}
    public Style getStyle() { return null; }
    public void setStyle(Style style) {}
    public float getStrokeWidth() { return 0; }
    public void setStrokeWidth(float width) {}
    public Cap getStrokeCap() { return null; }
    public void setStrokeCap(Cap cap) {}
    public int getColor() { return 0; }
    public void setColor(int color) {}
    public float getTextSize() { return 0; }
    public void setTextSize(float textSize) {}
    public void setShadowLayer(float radius, float dx, float dy, int shadowColor) {}
}
