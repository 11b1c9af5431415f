"""The one atomic-write helper: outputs follow the umask (not mkstemp's 0600 or
mkdtemp's 0700), nothing half-written is left, and the next write into a
folder removes what an interrupted run left there."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from keras_posegate import fileio


@pytest.fixture(params=[0o022, 0o027, 0o002])
def umask(request):
    old = os.umask(request.param)
    yield request.param
    os.umask(old)


def _mode(path) -> int:
    return os.stat(path).st_mode & 0o777


def test_files_and_folders_follow_the_umask(umask, tmp_path):
    assert fileio.current_umask() == umask
    text = fileio.atomic_write_json(tmp_path / "a" / "m.json", {"x": 1})
    assert json.loads(Path(text).read_text()) == {"x": 1}
    assert _mode(text) == 0o666 & ~umask
    with fileio.atomic_path(tmp_path / "w.h5") as tmp:
        open(tmp, "wb").close()
        os.chmod(tmp, 0o600)  # as h5py / mkstemp would leave it
    assert _mode(tmp_path / "w.h5") == 0o666 & ~umask
    with fileio.atomic_dir(tmp_path / "model" / "1") as tmp:
        open(os.path.join(tmp, "saved_model.pb"), "wb").close()
    assert _mode(tmp_path / "model" / "1") == 0o777 & ~umask


def test_a_failed_write_leaves_the_old_file_and_no_temp(tmp_path):
    target = tmp_path / "out.json"
    fileio.atomic_write_text(target, "old")
    with pytest.raises(RuntimeError), fileio.atomic_path(target) as tmp:
        Path(tmp).write_text("half")
        raise RuntimeError("killed")
    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["out.json"]
    with pytest.raises(FileExistsError), fileio.atomic_dir(tmp_path / "out.json"):
        pass


def _dead_pid() -> int:
    child = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                           capture_output=True, text=True, check=True)  # fmt: skip
    return int(child.stdout)


def test_temps_of_a_dead_run_are_removed_by_the_next_write(tmp_path):
    dead = _dead_pid()
    stale_file = tmp_path / f".tmp-{dead}-0a1b2c3d-posegate_int8.tflite"
    stale_dir = tmp_path / f".tmp-{dead}-0a1b2c3d-3"
    live = tmp_path / f".tmp-{os.getpid()}-0a1b2c3d-other.json"
    stale_file.write_bytes(b"half a model")
    stale_dir.mkdir()
    (stale_dir / "saved_model.pb").write_bytes(b"")
    live.write_text("{}")  # a write in progress in this process: kept
    fileio.atomic_write_bytes(tmp_path / "posegate_int8.tflite", b"tflite")
    assert sorted(os.listdir(tmp_path)) == sorted(["posegate_int8.tflite", live.name])
