package android.view;

import android.content.Context;
import android.content.res.Resources;
import android.graphics.Canvas;
import android.util.AttributeSet;

public class View {
    public static final int VISIBLE = 0;
    public static final int GONE = 8;

    public interface OnClickListener {
        void onClick(View v);
    }

    public View(Context context) {}
    public View(Context context, AttributeSet attrs, int defStyleAttr) {}
    public Resources getResources() { return null; }
    public final int getWidth() { return 0; }
    public final int getHeight() { return 0; }
    public void invalidate() {}
    public void postInvalidate() {}
    protected void onDraw(Canvas canvas) {}
    public int getVisibility() { return 0; }
    public void setVisibility(int visibility) {}
    public boolean isEnabled() { return true; }
    public void setEnabled(boolean enabled) {}
    public ViewGroup.LayoutParams getLayoutParams() { return null; }
    public void setLayoutParams(ViewGroup.LayoutParams params) {}
    public int getPaddingLeft() { return 0; }
    public int getPaddingTop() { return 0; }
    public int getPaddingRight() { return 0; }
    public int getPaddingBottom() { return 0; }
    public void setPadding(int left, int top, int right, int bottom) {}
    public Display getDisplay() { return null; }
    public boolean post(Runnable action) { return true; }
    public void setOnClickListener(OnClickListener l) {}
}
