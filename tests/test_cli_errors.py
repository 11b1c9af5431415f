"""Bad input through the real `posegate` entry point: exit 2 and one line on
stderr, `posegate CMD: error: ...`, naming the file or flag; no traceback
(unless --verbose). Each case runs one child process (TensorFlow import
included), so the cases are the distinct ones of issue 12, no more."""

from __future__ import annotations

import os

import numpy as np
import pytest
import scipy.io

from keras_posegate.datasets.synthetic import write_sample_dataset
from tests.training.helpers import posegate


def _error_lines(result) -> list[str]:
    # Everything on stderr counts: the CLI keeps TensorFlow's C++ start-up log
    # out of it unless --verbose (keras_posegate/cli/_env.py).
    return [line for line in result.stderr.splitlines() if line.strip()]


def assert_one_line_error(result, command: str, *names: str) -> str:
    """Exit 2, one stderr line `posegate COMMAND: error: ...` naming `names`."""
    lines = _error_lines(result)
    assert result.returncode == 2, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"posegate {command}: error: "), lines[0]
    for name in names:
        assert name in lines[0], (name, lines[0])
    return lines[0]


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """A small MPII set, a tiny model and broken copies of each input."""
    root = tmp_path_factory.mktemp("bad_input")
    mpii = root / "mpii"
    write_sample_dataset(mpii, "mpii", 6, seed=2, image_size=(64, 64))
    cut = root / "mpii_cut"
    (cut / "annot").mkdir(parents=True)
    text = (mpii / "annot" / "train.json").read_text()
    (cut / "annot" / "train.json").write_text(text[: len(text) // 2])
    (root / "notmat").mkdir()
    (root / "notmat" / "joints.mat").write_text("hello, not MATLAB")
    (root / "badlsp").mkdir()
    scipy.io.savemat(root / "badlsp" / "joints.mat", {"joints": np.zeros((5, 14, 3))})
    (root / "matonly").mkdir()
    os.link(
        mpii / "mpii_human_pose_v1_u12_1.mat",
        root / "matonly" / "mpii_human_pose_v1_u12_1.mat",
    )
    (root / "empty").mkdir()
    rng = np.random.default_rng(0)
    (root / "random.keras").write_bytes(rng.bytes(4000))
    (root / "random.tflite").write_bytes(rng.bytes(4000))
    from keras_posegate.models import PoseGateModel

    model = PoseGateModel.from_preset(
        "posegate_tiny", num_stacks=1, width=8, input_size=32, depth=1,
        stem_width=8,
    )  # fmt: skip
    model.save(root / "tiny.keras")
    data = (root / "tiny.keras").read_bytes()
    (root / "cut.keras").write_bytes(data[: len(data) // 2])
    (root / "exports" / "posegate" / "1").mkdir(parents=True)
    image = next((mpii / "images").glob("*.jpg"))
    return {k: str(v) for k, v in dict(root=root, mpii=mpii, image=image).items()}


def _p(files, name):
    return os.path.join(files["root"], name)


# (id, argv builder, command, names the line must contain)
CASES = [
    ("cut_train_json",
     lambda f: ["prepare", "--dataset", "mpii", "--source", _p(f, "mpii_cut"),
                "--out", _p(f, "o1")],
     "prepare", ["train.json", "JSON"]),
    ("mat_not_matlab",
     lambda f: ["prepare", "--dataset", "lsp", "--source", _p(f, "notmat"),
                "--out", _p(f, "o2")],
     "prepare", ["joints.mat", "MATLAB"]),
    ("lsp_wrong_shape",
     lambda f: ["prepare", "--dataset", "lsp", "--source", _p(f, "badlsp"),
                "--out", _p(f, "o3")],
     "prepare", ["joints.mat", "(5, 14, 3)"]),
    ("prepare_empty_source",
     lambda f: ["prepare", "--dataset", "mpii", "--source", _p(f, "empty"),
                "--out", _p(f, "o4")],
     "prepare", ["--source", "empty directory"]),
    ("train_missing_data_dir",
     lambda f: ["train", "--data_dir", _p(f, "nowhere"), "--model_dir", _p(f, "r1")],
     "train", ["--data_dir", "nowhere", "not a directory"]),
    ("evaluate_empty_data_dir",
     lambda f: ["evaluate", "--model", _p(f, "tiny.keras"), "--data_dir",
                _p(f, "empty")],
     "evaluate", ["--data_dir", "empty directory"]),
    ("epochs_0",
     lambda f: ["train", "--data_dir", f["mpii"], "--model_dir", _p(f, "r2"),
                "--epochs", "0"],
     "train", ["--epochs=0"]),
    ("batch_size_0",
     lambda f: ["train", "--data_dir", f["mpii"], "--model_dir", _p(f, "r3"),
                "--batch_size", "0"],
     "train", ["--batch_size=0"]),
    ("steps_per_epoch_0",
     lambda f: ["train", "--data_dir", f["mpii"], "--model_dir", _p(f, "r4"),
                "--steps_per_epoch", "0"],
     "train", ["--steps_per_epoch=0"]),
    ("warp_unknown",
     lambda f: ["train", "--data_dir", f["mpii"], "--model_dir", _p(f, "r6"),
                "--warp", "cv2"],
     "train", ["--warp", "cv2"]),
    ("learning_rate_negative",
     lambda f: ["train", "--data_dir", f["mpii"], "--model_dir", _p(f, "r5"),
                "--learning_rate", "-1"],
     "train", ["--learning_rate=-1", "> 0"]),
    ("foreground_weight_nan",
     lambda f: ["train", "--data_dir", f["mpii"], "--model_dir", _p(f, "r7"),
                "--foreground_weight", "nan"],
     "train", ["--foreground_weight=nan", "finite number >= 0"]),
    ("demo_foreground_weight_negative",
     lambda f: ["demo", "--out", _p(f, "d1"), "--foreground_weight=-1"],
     "demo", ["--foreground_weight=-1", "finite number >= 0"]),
    ("missing_model",
     lambda f: ["quantize", "--model", _p(f, "nowhere.keras"),
                "--synthetic_batches", "1"],
     "quantize", ["nowhere.keras", "no such model file"]),
    ("tflite_dir_is_a_file",
     lambda f: ["quantize", "--model", _p(f, "nowhere.keras"),
                "--synthetic_batches", "1", "--tflite_dir", f["image"]],
     "quantize", ["--tflite_dir", "is a file, not a directory"]),
    ("random_bytes_keras",
     lambda f: ["predict", "--model", _p(f, "random.keras"), "--out_dir",
                _p(f, "p1"), f["image"]],
     "predict", ["random.keras", "not a readable .keras model"]),
    ("truncated_keras",
     lambda f: ["export", "--model", _p(f, "cut.keras"), "--export_dir",
                _p(f, "x1")],
     "export", ["cut.keras", "not a readable .keras model"]),
    ("random_bytes_tflite",
     lambda f: ["evaluate", "--model", _p(f, "random.tflite"), "--data_dir",
                f["mpii"]],
     "evaluate", ["random.tflite", "not a readable .tflite model"]),
    ("predict_no_images",
     lambda f: ["predict", "--model", _p(f, "tiny.keras")],
     "predict", ["image paths"]),
    ("saved_model_without_model",
     lambda f: ["export", "--format", "saved_model", "--export_dir", _p(f, "x2")],
     "export", ["--model"]),
    ("predict_box_0",
     lambda f: ["predict", "--model", _p(f, "tiny.keras"), "--box", "0,0,0,0",
                "--out_dir", _p(f, "p2"), f["image"]],
     "predict", ["--box", "width and height must be > 0"]),
    ("existing_saved_model_version",
     lambda f: ["export", "--model", _p(f, "tiny.keras"), "--format",
                "saved_model", "--export_dir", _p(f, "exports"), "--version", "1"],
     "export", ["version 1 already exists", os.path.join("posegate", "1")]),
    ("mpii_valid_from_official_mat",
     lambda f: ["prepare", "--dataset", "mpii", "--source", _p(f, "matonly"),
                "--split", "valid", "--out", _p(f, "o5")],
     "prepare", ["mpii_human_pose_v1_u12_1.mat", "only train and test",
                 "valid.json"]),
    ("mpii_test_split",
     lambda f: ["prepare", "--dataset", "mpii", "--source", _p(f, "matonly"),
                "--split", "test", "--out", _p(f, "o6")],
     "prepare", ["--split test", "no joint annotations", "posegate predict"]),
    ("negative_thread_count",  # read before TensorFlow loads, not by absl
     lambda f: ["summary", "--preset", "posegate_tiny", "--intra_op_threads=-1"],
     "summary", ["--intra_op_threads", ">= 0", "'-1'"]),
]  # fmt: skip


@pytest.mark.parametrize(
    "argv, command, names", [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_bad_input_is_one_line_and_exit_2(files, argv, command, names):
    result = posegate(*argv(files))
    assert_one_line_error(result, command, *names)


def test_nothing_is_written_when_flags_are_refused(files):
    # The flag checks run at parse time, before any folder is created.
    for name in ("r2", "r3", "r4", "r5", "r6", "r7", "d1", "o4"):
        assert not os.path.exists(_p(files, name)), name


def test_verbose_adds_the_traceback(files):
    result = posegate(
        "prepare", "--dataset", "lsp", "--source", _p(files, "badlsp"),
        "--out", _p(files, "o7"), "--verbose",
    )  # fmt: skip
    assert result.returncode == 2
    assert "Traceback" in result.stderr
    last = _error_lines(result)[-1]
    assert last.startswith("posegate prepare: error: ") and "joints.mat" in last
