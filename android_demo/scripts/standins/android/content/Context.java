package android.content;

import android.content.res.AssetManager;
import android.content.res.Resources;

public abstract class Context {
    public abstract AssetManager getAssets();
    public abstract Resources getResources();
    public abstract Context getApplicationContext();
    public final String getString(int resId) { return null; }
    public final String getString(int resId, Object... formatArgs) { return null; }
}
