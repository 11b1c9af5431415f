package androidx.camera.lifecycle;

import android.content.Context;
import androidx.camera.core.Camera;
import androidx.camera.core.CameraSelector;
import androidx.camera.core.UseCaseGroup;
import androidx.lifecycle.LifecycleOwner;
import com.google.common.util.concurrent.ListenableFuture;

public final class ProcessCameraProvider {
    public static ListenableFuture<ProcessCameraProvider> getInstance(Context context) { return null; }
    public boolean hasCamera(CameraSelector cameraSelector) { return false; }
    public void unbindAll() {}
    public Camera bindToLifecycle(LifecycleOwner owner, CameraSelector selector, UseCaseGroup group) { return null; }
}
