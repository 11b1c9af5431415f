package androidx.core.view;

import androidx.core.graphics.Insets;

public class WindowInsetsCompat {
    public Insets getInsets(int typeMask) { return null; }

    public static final class Type {
        public static int systemBars() { return 0; }
        public static int displayCutout() { return 0; }
    }
}
