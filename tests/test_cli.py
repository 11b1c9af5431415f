import json
import subprocess
import sys

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
