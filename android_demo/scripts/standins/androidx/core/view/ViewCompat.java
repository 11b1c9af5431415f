package androidx.core.view;

import android.view.View;

public class ViewCompat {
    public static void setOnApplyWindowInsetsListener(View v, OnApplyWindowInsetsListener listener) {}
}
