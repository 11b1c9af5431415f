import json
import subprocess
import sys

import pytest

from keras_posegate.cli import subcommands


def _posegate(*args):
    return subprocess.run(
        [sys.executable, "-m", "keras_posegate", *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_summary_all_json_lists_every_preset_within_paper_bounds():
    result = _posegate("summary", "--all", "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    by_name = {r["preset"]: r for r in rows}
    for key in (
        "preset",
        "stacks",
        "width",
        "params",
        "gflops",
        "paper_params",
        "paper_gflops",
    ):
        assert all(key in r for r in rows)
    assert by_name["posegate_tiny"]["paper_params"] is None
    for name, params, gflops in (
        ("posegate_4x144", 8.5e6, 9.9),
        ("posegate_4x256", 26e6, 33.5),
    ):
        assert abs(by_name[name]["params"] / params - 1) <= 0.10
        assert abs(by_name[name]["gflops"] / gflops - 1) <= 0.25


def test_unknown_subcommand_lists_the_known_ones():
    result = _posegate("frobnicate")
    assert result.returncode == 2
    assert "summary" in result.stderr
    assert "summary" in subcommands()


def test_summary_table_says_what_gflops_means():
    result = _posegate("summary", "--preset", "posegate_1x64")
    assert result.returncode == 0, result.stderr
    assert "multiply-accumulates" in result.stdout
    assert "posegate_1x64" in result.stdout


def test_subcommand_help_explains_it_and_lists_its_flags():
    result = _posegate("demo", "--help")
    assert result.returncode == 0, result.stderr
    assert "usage: posegate demo" in result.stdout
    assert "summary.json" in result.stdout and "--epochs" in result.stdout


@pytest.mark.parametrize("name", subcommands())
def test_every_subcommand_starts_and_prints_its_help(name):
    # Each subcommand defines its flags on import; a clash (two definitions of
    # one flag) only shows when that subcommand starts.
    result = _posegate(name, "--help")
    assert result.returncode == 0, result.stderr[-2000:]
    assert f"usage: posegate {name}" in result.stdout


def _cpp_log_lines(stderr: str) -> list[str]:
    from keras_posegate.cli._env import _CPP_LOG

    return [line for line in stderr.splitlines() if _CPP_LOG.match(line)]


def _posegate_as_a_user_would(*args):
    """No logging variables set, as in a fresh shell."""
    import os

    env = {k: v for k, v in os.environ.items()
           if k not in ("TF_CPP_MIN_LOG_LEVEL", "POSEGATE_VERBOSE", "KERAS_BACKEND")}  # fmt: skip
    return subprocess.run(
        [sys.executable, "-m", "keras_posegate", *args],
        capture_output=True, text=True, timeout=300, env=env,
    )  # fmt: skip


def test_a_subcommand_prints_no_tensorflow_startup_log():
    result = _posegate_as_a_user_would("summary", "--preset", "posegate_tiny")
    assert result.returncode == 0, result.stderr
    assert _cpp_log_lines(result.stderr) == [], result.stderr
    assert result.stderr.strip() == ""
    assert "posegate_tiny" in result.stdout


def test_verbose_shows_tensorflows_startup_log():
    # On a machine without a GPU TensorFlow always logs at start-up (CUDA
    # drivers not found, oneDNN); --verbose passes it through.
    result = _posegate_as_a_user_would("summary", "--preset", "posegate_tiny",
                                       "--verbose")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert _cpp_log_lines(result.stderr), result.stderr
    assert "posegate_tiny" in result.stdout


def test_scan_flag_reads_both_spellings():
    from keras_posegate.cli._env import scan_bool, scan_flag

    assert scan_flag(["--backend", "jax", "--x=1"], "backend") == "jax"
    assert scan_flag(["--backend=torch"], "backend") == "torch"
    assert scan_flag(["--backends=torch"], "backend") is None
    assert scan_bool(["--verbose"], "verbose") is True
    assert scan_bool(["--noverbose"], "verbose") is False
    assert scan_bool(["--verbose=false"], "verbose") is False
    assert scan_bool(["--x"], "verbose") is None


def test_a_missing_backend_package_is_one_line_exit_2(monkeypatch):
    import importlib.util

    from keras_posegate.cli import _env

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda n, *a: None if n == "torch" else real(n, *a)
    )
    with pytest.raises(SystemExit) as info:
        _env._check_installed("torch")
    assert info.value.code == 2
