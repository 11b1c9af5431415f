package android.app;

import android.content.Context;
import android.content.res.AssetManager;
import android.content.res.Resources;
import android.os.Bundle;
import android.view.View;

public class Activity extends Context {
    public AssetManager getAssets() { return null; }
    public Resources getResources() { return null; }
    public Context getApplicationContext() { return null; }
    protected void onCreate(Bundle savedInstanceState) {}
    protected void onDestroy() {}
    public void setContentView(int layoutResID) {}
    public <T extends View> T findViewById(int id) { return null; }
    public final void runOnUiThread(Runnable action) {}
}
