package android.widget;

import android.content.Context;
import android.view.View;
import android.view.ViewGroup;

public abstract class AdapterView<T> extends ViewGroup {
    public interface OnItemSelectedListener {
        void onItemSelected(AdapterView<?> parent, View view, int position, long id);
        void onNothingSelected(AdapterView<?> parent);
    }

    public AdapterView(Context context) { super(context); }
    public abstract T getAdapter();
    public abstract void setAdapter(T adapter);
    public int getSelectedItemPosition() { return 0; }
    public final OnItemSelectedListener getOnItemSelectedListener() { return null; }
    public void setOnItemSelectedListener(OnItemSelectedListener listener) {}
}
