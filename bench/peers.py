"""datatrove and text-dedup on the benchmark corpus, run by the interpreter that has them installed.

Their pins may conflict with ours, so they usually live in a venv of their own: name its python with
`--peer-python` or BENCH_PEER_PYTHON. Without either, the peers run under this interpreter when it has
them (`pip install -e ".[bench]"`), and are skipped with a note when it does not.

Only each peer's dedup is timed: converting the corpus to its input format and reading its output are
not.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Collection
from pathlib import Path

from bench.corpus import CorpusFiles
from bench.measure import ToolRun, run_measured
from bench.peer_driver import datatrove_removed

DRIVER = Path(__file__).with_name("peer_driver.py")
PEER_PYTHON_ENV = "BENCH_PEER_PYTHON"
INSTALL_HINT = (
    'install them with `python3 -m venv /tmp/bench-venv && /tmp/bench-venv/bin/pip install "datatrove[io]==0.10.*" '
    '"text-dedup==0.4.*" "spacy>=3.8" jieba` and pass `--peer-python /tmp/bench-venv/bin/python`'
)


def peer_python(explicit: str | None = None) -> tuple[str, bool]:
    """The interpreter to run the peers with, and whether the user named it."""
    named = explicit or os.environ.get(PEER_PYTHON_ENV)
    return (named, True) if named else (sys.executable, False)


def peer_versions(python: str) -> dict[str, str | None]:
    """The peers' package versions under `python`; empty when it cannot run the driver."""
    try:
        result = subprocess.run([python, str(DRIVER), "versions"], capture_output=True, text=True)
    except OSError:
        return {}
    if result.returncode != 0:
        return {}
    return json.loads(result.stdout)


def missing_note(tool: str, python: str, named: bool, needs: Collection[str], versions: dict) -> str:
    """Why `tool` cannot run under `python`, or "" when it can."""
    missing = [name for name in needs if not versions.get(name)]
    if not missing:
        return ""
    where = python if named else f"this interpreter ({python}) and no --peer-python was given"
    return f"skipped: {', '.join(missing)} not installed for {where}; {INSTALL_HINT}"


def run_datatrove(
    python: str,
    files: CorpusFiles,
    work: Path,
    workers: int = 2,
    language: str = "zh_Hani",
    interval: float | None = 0.1,
) -> ToolRun:
    """datatrove's MinHash pipeline (stages 1-4, default 14x8 buckets) with `workers` tasks and workers
    on the JSONL shards; the removed documents are those its filter excluded. `interval` as in
    `run_measured`."""
    settings = f"MinHash stages 1-4, word 5-grams ({language}), 14x8 buckets, {workers} tasks/workers"
    output = work / "datatrove"
    command = [python, str(DRIVER), "datatrove", str(files.jsonl), str(output)]
    command += ["--tasks", str(workers), "--workers", str(workers), "--language", language]
    measurement = run_measured(command, work / "datatrove.log", interval=interval)
    if measurement.returncode != 0:
        return ToolRun("datatrove", settings, measurement, note=f"failed: see {work / 'datatrove.log'}")
    return ToolRun("datatrove", settings, measurement, frozenset(datatrove_removed(output)))


def run_text_dedup(
    python: str,
    files: CorpusFiles,
    work: Path,
    ids: Collection[str],
    num_proc: int = 2,
    threshold: float = 0.7,
    ngram: int = 1,
    interval: float | None = 0.1,
) -> ToolRun:
    """text-dedup's MinHash (`python -m text_dedup.minhash`) on the corpus as a dataset on disk; it
    saves the rows it keeps, so the removed documents are the others. `interval` as in `run_measured`."""
    settings = f"MinHash, threshold {threshold}, n-gram {ngram}, {num_proc} processes"
    dataset, output = work / "text-dedup-input", work / "text-dedup-output"
    prepared = subprocess.run(
        [python, str(DRIVER), "text-dedup-dataset", str(files.jsonl), str(dataset)],
        capture_output=True,
        text=True,
    )
    if prepared.returncode != 0:
        return ToolRun("text-dedup", settings, note=f"failed to prepare its input: {prepared.stderr[-500:]}")
    command = [python, "-m", "text_dedup.minhash", "--path", str(dataset), "--local"]
    command += ["--output", str(output), "--column", "text", "--num_proc", str(num_proc)]
    command += [
        "--threshold",
        str(threshold),
        "--ngram",
        str(ngram),
        "--cache_dir",
        str(work / "text-dedup-cache"),
    ]
    measurement = run_measured(command, work / "text-dedup.log", cwd=work, interval=interval)
    if measurement.returncode != 0:
        return ToolRun("text-dedup", settings, measurement, note=f"failed: see {work / 'text-dedup.log'}")
    kept_file = work / "text-dedup-kept.json"
    read = subprocess.run(
        [python, str(DRIVER), "text-dedup-kept", str(output), str(kept_file)], capture_output=True, text=True
    )
    if read.returncode != 0:
        return ToolRun("text-dedup", settings, note=f"could not read its output: {read.stderr[-500:]}")
    kept = set(json.loads(kept_file.read_text()))
    return ToolRun("text-dedup", settings, measurement, frozenset(set(ids) - kept))
