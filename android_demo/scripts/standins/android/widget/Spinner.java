package android.widget;

import android.content.Context;

public class Spinner extends AdapterView<SpinnerAdapter> {
    public Spinner(Context context) { super(context); }
    public SpinnerAdapter getAdapter() { return null; }
    public void setAdapter(SpinnerAdapter adapter) {}
}
