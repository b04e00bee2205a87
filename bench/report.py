"""The benchmark's results as Markdown: the machine, the versions, the command, the corpus and one row per
tool and size."""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

from bench.cleaning import Restoration
from bench.corpus import Difficulty, Overlap
from bench.measure import ToolRun
from bench.score import Score

OUR_PACKAGES = ("cleaner", "datasketch", "numpy", "datasets", "pyarrow", "opencc", "rjieba")
# The performance issue's bound: 16 times the documents may cost at most 18 times the time.
SCALING_BOUND = 18 / 16

HOW_TO_RUN = """## How to run

```
python -m bench                       # 2,400 documents (~40 MB); --docs N, --seed S, --work DIR
python -m bench --scale 1,4,16        # the same at 1x, 4x and 16x the documents
python -m bench --corpus DIR          # real documents from DIR as the bases
python -m bench --write               # also write this file
```

The peers pin versions that conflict with ours (text-dedup 0.4 wants urllib3<=2.0), so they get a venv
of their own; without one they are skipped with a note:

```
python3 -m venv /tmp/bench-venv
/tmp/bench-venv/bin/pip install "datatrove[io]==0.10.*" "text-dedup==0.4.*" "spacy>=3.8" jieba
python -m bench --peer-python /tmp/bench-venv/bin/python   # or BENCH_PEER_PYTHON=/tmp/bench-venv/bin/python
```

Scoring: a removal is right while its true cluster keeps a member; precision = right removals /
removals, recall = right removals / sum over clusters of (size - 1). A cluster left with no member is
counted in "clusters wholly removed". Our wall time is the whole `cleaner build` (ingest, clean, dedup,
publish); the peers' is their dedup alone, on input already converted to their format. Wall time is
taken from runs in which nothing else reads the tool's processes; memory from one more run of each tool:
peak memory is the highest sum of PSS over its processes, sampled every 0.1 s (sampling slows a tool,
more so one with more processes, so the two are measured apart).
"""


@dataclass
class SizeResult:
    """Everything measured at one corpus size."""

    factor: int
    docs: int
    bases: int
    cluster_sizes: dict[int, int]
    megabytes: float
    generate_seconds: float
    overlap: Overlap
    difficulty: Difficulty | None
    runs: list[ToolRun] = field(default_factory=list)
    scores: dict[str, Score] = field(default_factory=dict)
    restoration: list[Restoration] = field(default_factory=list)  # cleaner's output against the bases
    recleaned: tuple[int, int] | None = None  # published texts a second cleaning changes, of how many
    timed: dict[str, list[float]] = field(default_factory=dict)  # every timed run's seconds, round by round


def machine() -> dict[str, str]:
    cpu = next(
        (line.split(":", 1)[1].strip() for line in _lines("/proc/cpuinfo") if line.startswith("model name")),
        platform.processor() or "unknown",
    )
    memory_kb = next(
        (int(line.split()[1]) for line in _lines("/proc/meminfo") if line.startswith("MemTotal")), 0
    )
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "cores (nproc)": str(cores),
        "CPU": cpu,
        "memory": f"{memory_kb / 2**20:.1f} GiB",
        "system": platform.platform(),
        "Python": platform.python_version(),
        "load average (1, 5, 15 min) when written": ", ".join(f"{load:.2f}" for load in os.getloadavg()),
    }


def _lines(path: str) -> list[str]:
    try:
        return Path(path).read_text().splitlines()
    except OSError:
        return []


def our_versions() -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    for name in OUR_PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    return found


def checkout() -> str:
    """The commit of the repository the benchmark runs in, marked when the work tree differs from it.
    Read-only git commands only."""
    root = Path(__file__).resolve().parents[1]
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True)
    if head.returncode != 0:
        return "unknown (not a git checkout)"
    clean = subprocess.run(["git", "diff", "--quiet", "HEAD", "--"], cwd=root, capture_output=True)
    return head.stdout.strip() + ("" if clean.returncode == 0 else " with uncommitted changes")


def render(
    command: str,
    sizes: list[SizeResult],
    peer_versions: dict[str, str | None],
    peer_python: str | None,
    notes: list[str],
    repeat: int = 1,
) -> str:
    """The whole results page; with `repeat` > 1 each row is the fastest of that many runs."""
    lines = [
        "# Dedup benchmark",
        "",
        f"Measured {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC with `{command}` at commit {checkout()}.",
        "",
        "## Machine",
        "",
        *(f"- {name}: {value}" for name, value in machine().items()),
        "- ours: " + ", ".join(f"{name} {version or 'missing'}" for name, version in our_versions().items()),
    ]
    if peer_python:
        installed = ", ".join(f"{name} {version or 'missing'}" for name, version in peer_versions.items())
        lines.append(f"- peers ({peer_python}): {installed or 'could not run it'}")
    lines += ["", "## Corpus", "", *_corpus_lines(sizes), "", "## Results", ""]
    if repeat > 1:
        lines += [
            f"Each tool ran {repeat} times on each corpus, in rounds (every tool once, then again, each round"
            " starting one tool further on), and the wall time is its fastest run; memory is from one more"
            " run.",
            "",
        ]
    lines += [*_table(sizes), ""]
    lines += _ratios(sizes)
    lines += _scaling(sizes)
    lines += _cleaning(sizes)
    lines += ["## Settings", ""]
    seen = set()
    for run in (run for size in sizes for run in size.runs):
        if run.tool not in seen and run.settings:
            seen.add(run.tool)
            lines.append(f"- {run.tool}: {run.settings}")
    all_notes = [*notes, *_run_notes(sizes)]
    if all_notes:
        lines += ["", "## Notes", "", *(f"- {note}" for note in all_notes)]
    return "\n".join([*lines, "", HOW_TO_RUN])


def _corpus_lines(sizes: list[SizeResult]) -> list[str]:
    lines = []
    for size in sizes:
        histogram = ", ".join(f"{count} of {n}" for n, count in size.cluster_sizes.items())
        overlap = size.overlap
        lines.append(
            f"- x{size.factor}: {size.docs:,} documents, {size.megabytes:.1f} MB, {size.bases:,} bases "
            f"(clusters: {histogram}), written in {size.generate_seconds:.1f}s. Base overlap (Jaccard of "
            f"5-gram shingles of the dedup key) over {overlap.pairs:,} pairs: mean {overlap.mean:.3f}, "
            f"p99 {overlap.p99:.3f}, max {overlap.max:.3f}; {overlap.above_limit} pairs above {overlap.limit}."
        )
        if size.difficulty and size.difficulty.pairs:
            d = size.difficulty
            lines.append(
                f"  Drafts against the fullest draft of their cluster ({d.pairs:,} drafts): median Jaccard "
                f"{d.median_jaccard:.2f}; {d.below_jaccard:.1%} below Jaccard {d.jaccard_level} (found only "
                f"by containment); {d.below_containment:.1%} below containment {d.containment_level}."
            )
    return lines


def _table(sizes: list[SizeResult]) -> list[str]:
    header = (
        "| size | tool | documents | MB | removed | precision | recall | F1 | clusters wholly removed "
        "| wall s | documents/s | MB/s | peak MB (PSS, all processes) | max RSS MB (one process) |"
    )
    lines = [header, "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for size in sizes:
        for run in size.runs:
            first = f"| x{size.factor} | {run.tool} | {size.docs:,} | {size.megabytes:.1f} "
            if not run.ok:
                lines.append(first + "| " + " | ".join(["—"] * 10) + " |")
                continue
            s, m = size.scores[run.tool], run.measurement
            lines.append(
                first
                + f"| {s.removals:,} | {s.precision:.3f} | {s.recall:.3f} | {s.f1:.3f} | {s.wholly_removed} "
                f"| {m.seconds:.1f} | {size.docs / m.seconds:.1f} | {size.megabytes / m.seconds:.2f} "
                f"| {m.peak_mb:.0f} | {m.max_rss_mb:.0f} |"
            )
    return lines


def _seconds(size: SizeResult, tool: str) -> float | None:
    return next((run.measurement.seconds for run in size.runs if run.tool == tool and run.ok), None)


def _ratios(sizes: list[SizeResult]) -> list[str]:
    lines = []
    for size in sizes:
        ours = _seconds(size, "cleaner")
        for peer in ("text-dedup", "datatrove"):
            theirs = _seconds(size, peer)
            if ours and theirs:
                lines.append(
                    f"- x{size.factor}: `cleaner build` end to end / {peer} dedup alone: "
                    f"{ours:.1f}s / {theirs:.1f}s = {ours / theirs:.2f}{_per_round(size, peer)}"
                )
    return ["Wall time of our whole build against the peers' dedup:", "", *lines, ""] if lines else []


def _per_round(size: SizeResult, peer: str) -> str:
    """The ratio within each round, whose runs are minutes apart at most, and every run: the fastest runs
    of two tools may come from different spells of this machine's drifting speed."""
    ours, theirs = size.timed.get("cleaner", []), size.timed.get(peer, [])
    if len(ours) < 2 or len(ours) != len(theirs):
        return ""
    ratios = [mine / other for mine, other in zip(ours, theirs, strict=True)]
    runs = ", ".join(f"{mine:.1f}/{other:.1f}" for mine, other in zip(ours, theirs, strict=True))
    return f"; by round {runs} s, median ratio {statistics.median(ratios):.2f}"


def _scaling(sizes: list[SizeResult]) -> list[str]:
    base = sizes[0]
    lines = []
    for tool in dict.fromkeys(run.tool for run in base.runs):
        first = _seconds(base, tool)
        for size in sizes[1:]:
            seconds = _seconds(size, tool)
            if first and seconds:
                factor = size.factor / base.factor
                verdict = "within" if seconds / first <= factor * SCALING_BOUND else "over"
                lines.append(
                    f"- {tool}: x{size.factor} took {seconds / first:.1f} times x{base.factor} for {factor:g} "
                    f"times the documents ({verdict} the bound of {factor * SCALING_BOUND:g} times)"
                )
    return ["Scaling:", "", *lines, ""] if lines else []


def _cleaning(sizes: list[SizeResult]) -> list[str]:
    lines = []
    for size in sizes:
        if not size.restoration:
            continue
        lines += [
            f"## Cleaning (x{size.factor})",
            "",
            "Drafts whose only damage is of kinds cleaning can undo, published exactly as their base (a draft"
            " with several kinds counts under each; `none`: drafts written as their base):",
            "",
            "| damage | drafts | restored exactly |",
            "|---|---:|---:|",
            *(
                f"| {r.damage} | {r.drafts:,} | {r.restored:,} ({r.restored / r.drafts:.0%}) |"
                for r in size.restoration
                if r.drafts
            ),
            "",
        ]
        if size.recleaned:
            changed, total = size.recleaned
            lines += [f"Published texts that a second cleaning changes: {changed:,} of {total:,}.", ""]
    return lines


def _run_notes(sizes: list[SizeResult]) -> list[str]:
    notes = []
    for size in sizes:
        for run in size.runs:
            if run.note:
                notes.append(f"x{size.factor} {run.tool}: {run.note}")
            score = size.scores.get(run.tool)
            if run.tool == "cleaner" and run.ok and score and score.removals == 0 and score.expected:
                notes.append(
                    f"x{size.factor} cleaner removed no document: its dedup step did not run in this "
                    "checkout, so its precision, recall and F1 say nothing yet."
                )
    return notes
