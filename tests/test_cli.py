"""The command line: `cleaner show` (one raw file's cleaned documents and their edit log, without a
build) and the console script's entry point."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from cleaner.cli import _progress_bar, main

RAW = Path(__file__).resolve().parent.parent / "raw"


def test_show_prints_columns_text_and_edits():
    result = CliRunner().invoke(main, ["show", str(RAW / "000_9f435189388a1e93.txt"), "--edits"])
    assert result.exit_code == 0, result.output
    assert "== 000_9f435189388a1e93" in result.output
    assert "date: 2012-09-26" in result.output and "publisher: 中共中央办公厅" in result.output
    assert "一、充分认识进一步加强党管人才工作的重要意义" in result.output
    assert "[ingest.front_matter_unmapped] metadata:" in result.output


def test_show_lists_every_part_of_a_compilation():
    result = CliRunner().invoke(main, ["show", str(RAW / "004_69a075c59e7323d5.txt")])
    assert result.exit_code == 0, result.output
    assert [line for line in result.output.splitlines() if line.startswith("== ")] == [
        f"== 004_69a075c59e7323d5#{k}" for k in range(1, 6)
    ]


def test_show_reports_an_unreadable_file(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    result = CliRunner().invoke(main, ["show", str(path)])
    assert result.exit_code == 0
    assert "empty.txt: empty file" in result.output


def _console_script(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    # What the installed `cleaner` script runs, in a process of its own: `run` exits the interpreter.
    command = [sys.executable, "-c", "from cleaner.cli import run; run()", *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=300)


def test_console_script_runs_a_command_and_keeps_its_exit_status(tmp_path):
    shown = _console_script("show", str(RAW / "000_9f435189388a1e93.txt"), cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert "== 000_9f435189388a1e93" in shown.stdout
    refused = _console_script("show", str(tmp_path / "missing.txt"), cwd=tmp_path)
    assert refused.returncode == 2
    assert "does not exist" in refused.stderr


def test_console_script_runs_without_the_cyclic_collector(tmp_path):
    probe = "import atexit, gc; atexit.register(lambda: print(gc.isenabled())); from cleaner.cli import run; run()"
    result = subprocess.run(
        [sys.executable, "-c", probe, "--version"], cwd=tmp_path, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "False"


def test_a_build_with_workers_imports_none_of_datasets_pandas_datasketch_scipy(tmp_path):
    """`datasets` cost every build 0.35 s of CPU, and nothing a build writes needs it: the schema and the
    card's features come from `cleaner.documents` (checked against datasets in tests/test_publish.py).
    pandas (0.25 s) is what pyarrow imports to convert Python objects, which only the workers do.
    datasketch, with scipy (0.4 s), loads in a process of its own, which gives the build its scheme."""
    probe = (
        "import atexit, sys\n"
        "heavy = ('datasets', 'pandas', 'datasketch', 'scipy')\n"
        "atexit.register(lambda: print('loaded:', [m for m in heavy if m in sys.modules]))\n"
        "from cleaner.cli import run; run()\n"
    )
    args = ["build", "--input", str(RAW), "--output", str(tmp_path / "processed"), "--num-proc", "2"]
    result = subprocess.run(
        [sys.executable, "-c", probe, *args], cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "loaded: []"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_only_on_a_terminal(monkeypatch):
    with _progress_bar("cleaning") as bar:  # pytest captures stderr: not a terminal
        bar.update(3)
    monkeypatch.setattr(sys, "stderr", _Terminal())
    with _progress_bar("cleaning") as bar:
        bar.update(3)
    assert "cleaning" in sys.stderr.getvalue() and "3doc" in sys.stderr.getvalue()
