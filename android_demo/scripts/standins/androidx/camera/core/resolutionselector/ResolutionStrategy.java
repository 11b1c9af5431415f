package androidx.camera.core.resolutionselector;

import android.util.Size;

public final class ResolutionStrategy {
    public static final int FALLBACK_RULE_CLOSEST_HIGHER_THEN_LOWER = 1;
    public ResolutionStrategy(Size boundSize, int fallbackRule) {}
}
