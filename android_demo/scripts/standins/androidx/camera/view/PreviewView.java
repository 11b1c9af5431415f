package androidx.camera.view;

import android.content.Context;
import android.widget.FrameLayout;
import androidx.camera.core.Preview;
import androidx.camera.core.ViewPort;

public final class PreviewView extends FrameLayout {
    public PreviewView(Context context) { super(context); }
    public Preview.SurfaceProvider getSurfaceProvider() { return null; }
    public ViewPort getViewPort() { return null; }
}
