package android.widget;

import android.content.Context;
import android.view.View;

public class ImageButton extends View {
    public ImageButton(Context context) { super(context); }
}
