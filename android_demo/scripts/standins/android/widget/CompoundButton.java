package android.widget;

import android.content.Context;

public abstract class CompoundButton extends TextView {
    public interface OnCheckedChangeListener {
        void onCheckedChanged(CompoundButton buttonView, boolean isChecked);
    }

    public CompoundButton(Context context) { super(context); }
    public boolean isChecked() { return false; }
    public void setChecked(boolean checked) {}
    public void setOnCheckedChangeListener(OnCheckedChangeListener listener) {}
}
