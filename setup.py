"""keras_posegate: soft-gated skip connections for human pose estimation."""

from setuptools import find_packages, setup

JAX = ["jax[cpu]>=0.6,<0.11"]

setup(
    name="keras_posegate",
    version="0.1.0",
    description=(
        "Fast, accurate single-person pose estimation with soft-gated skip "
        "connections (Bulat et al., FG 2020) in Keras 3, with QAT, TFLite and "
        "TF Serving export."
    ),
    # Only the library: `tflite/` holds runnable scripts over keras_posegate.litert.
    packages=find_packages(include=["keras_posegate", "keras_posegate.*"]),
    python_requires=">=3.10",
    install_requires=[
        "tensorflow>=2.21,<2.22",
        # 3.14.1 closes the published model-loading CVEs.
        "keras>=3.14.1,<4",
        "tf-keras>=2.21,<2.22",
        "tensorflow-model-optimization>=0.8.1,<0.9",
        "numpy>=1.26,<3",
        "opencv-python-headless>=4.9,<5",
        "absl-py>=1.4",
        "ai-edge-litert>=1.2",
        # TF Serving's own protos (PredictionLog warm-up, PredictRequest, the gRPC
        # stub, ModelServerConfig). Its only heavy requirement is tensorflow
        # <3,>=2.21, which the pin above already satisfies: nothing else installs.
        "tensorflow-serving-api>=2.21,<2.22",
        # Reads the official MPII and LSP MATLAB annotation files.
        "scipy>=1.11",
        # TensorBoard logs of training runs.
        "tensorboard>=2.20",
        # Gate histograms (paper Fig. 3); OpenCV draws the skeleton overlays.
        "matplotlib>=3.8",
    ],
    extras_require={
        # The JAX backend (CPU wheel; `posegate train --backend jax`). PyTorch,
        # the third backend, is left to the user: `pip install torch`.
        "jax": JAX,
        # The tests cover the JAX backend too.
        "test": ["pytest>=8", "pytest-xdist>=3.5", "ruff>=0.6", *JAX],
    },
    entry_points={"console_scripts": ["posegate=keras_posegate.cli:main"]},
)
