package androidx.appcompat.widget;

import android.content.Context;
import android.widget.CompoundButton;

public class SwitchCompat extends CompoundButton {
    public SwitchCompat(Context context) { super(context); }
}
