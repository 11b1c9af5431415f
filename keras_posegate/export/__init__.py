"""Export: TFLite (float32, float16, int8, qat) with metadata, and SavedModel."""
