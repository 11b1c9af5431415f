package android.widget;

import android.content.Context;
import android.view.View;

public class SeekBar extends View {
    public interface OnSeekBarChangeListener {
        void onProgressChanged(SeekBar seekBar, int progress, boolean fromUser);
        void onStartTrackingTouch(SeekBar seekBar);
        void onStopTrackingTouch(SeekBar seekBar);
    }

    public SeekBar(Context context) { super(context); }
    public synchronized int getMax() { return 0; }
    public synchronized void setMax(int max) {}
    public synchronized int getProgress() { return 0; }
    public synchronized void setProgress(int progress) {}
    public void setOnSeekBarChangeListener(OnSeekBarChangeListener l) {}
}
