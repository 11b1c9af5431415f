package android.view;

public class Surface {
    public static final int ROTATION_0 = 0;
}
