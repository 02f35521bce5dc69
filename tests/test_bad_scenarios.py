"""Malformed scenario files: each names the problem's key path and what was expected.

Each file in tests/bad/ starts with one or more ``# expect: MESSAGE`` lines; the
CLI must print ``FILE: MESSAGE`` for each, exit 2, and show no traceback.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from costmodel import ScenarioError, load_scenario
from costmodel.cli import main

BAD = Path(__file__).parent / "bad"
FILES = sorted(BAD.glob("*.toml"))


def expectations(path: Path) -> list[str]:
    lines = path.read_bytes().decode("utf-8", errors="replace").splitlines()
    return [line.removeprefix("# expect: ") for line in lines if line.startswith("# expect: ")]


def test_there_are_at_least_25_bad_files():
    assert len(FILES) >= 25


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_bad_file_message_and_exit_code(path, capsys):
    expected = expectations(path)
    assert expected, f"{path.name} has no '# expect:' line"
    code = main(["validate", str(path)])
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    lines = err.splitlines()
    for message in expected:
        assert f"{path}: {message}" in lines, f"missing {message!r} in:\n{err}"
    assert "Traceback" not in err


@pytest.mark.parametrize("path", FILES[:3], ids=[p.stem for p in FILES[:3]])
def test_bad_file_library_error_lists_problems(path):
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert all(str(p).startswith(str(path)) for p in info.value.problems)


def test_run_on_bad_file_exits_2_without_traceback_in_a_real_process(tmp_path):
    path = BAD / "negative-price.toml"
    proc = subprocess.run(
        [sys.executable, "-m", "costmodel", "run", str(path), "-o", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "options.rent.items[2] (Rack rental).price: must be >= 0 (got -5)" in proc.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_missing_file_exits_2(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "nope.toml")]) == 2
    assert "cannot read file" in capsys.readouterr().err


def test_usage_error_exits_2(capsys):
    assert main(["run"]) == 2
    assert main(["frobnicate"]) == 2
    assert main(["run", "x.toml", "--lang", "fr"]) == 2
