"""`python -m bench`: build the corpus, run every tool on it at every size, print (and with --write save)
the results: removals scored against the true clusters, time and memory, and (`bench.cleaning`) how much
of the corpus's damage cleaner's output undoes.

    python -m bench                                   # 2,400 documents (~40 MB), cleaner and the peers
    python -m bench --docs 200 --tools cleaner        # a quick look
    python -m bench --scale 1,4,16 --tools cleaner    # time and memory at 1x, 4x and 16x
    python -m bench --peer-python /tmp/bench-venv/bin/python --write
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.cleaning import changed_by_a_second_cleaning, restoration
from bench.corpus import (
    CorpusFiles,
    base_overlap,
    build_corpus,
    cluster_difficulty,
    distinct_bases,
    real_bases,
    write_corpus,
)
from bench.measure import ToolRun, cleaner_output, run_cleaner, with_memory_of
from bench.peers import missing_note, peer_python, peer_versions, run_datatrove, run_text_dedup
from bench.report import SizeResult, render
from bench.score import score
from cleaner.publish import read_config

# cleaner and text-dedup (seconds each) side by side in every round, datatrove (a minute) after them.
TOOLS = ("cleaner", "text-dedup", "datatrove")
MEMORY_INTERVAL = 0.1  # seconds between memory samples, in the run of each tool that measures memory
RESULTS = Path(__file__).with_name("RESULTS.md")
# What each peer needs installed beside itself to run as configured here.
PEER_NEEDS = {"datatrove": ("datatrove", "spacy", "jieba"), "text-dedup": ("text-dedup", "datasets")}


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--docs", type=int, default=2400, help="documents at size x1 (default: 2400)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the corpus (default: 0)")
    parser.add_argument(
        "--scale", default="1", help="comma-separated multiples of --docs to run, e.g. 1,4,16 (default: 1)"
    )
    parser.add_argument("--corpus", type=Path, help="folder of real documents to use as bases")
    parser.add_argument(
        "--work",
        type=Path,
        default=Path(tempfile.gettempdir()) / "cleaner-bench",
        help="folder for corpora and outputs (default: %(default)s)",
    )
    parser.add_argument(
        "--num-proc", type=int, default=_cores(), help="processes for every tool (default: all cores)"
    )
    parser.add_argument(
        "--tools", default=",".join(TOOLS), help="comma-separated subset of: " + ", ".join(TOOLS)
    )
    parser.add_argument(
        "--peer-python",
        help="interpreter with datatrove and text-dedup (default: $BENCH_PEER_PYTHON, else this one)",
    )
    parser.add_argument(
        "--datatrove-language",
        default="zh_Hani",
        help="datatrove word tokenizer (default: zh_Hani, spaCy with jieba; plain `zh` maps to a whitespace one)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="timed runs of each tool; the fastest is reported (default: 1), and one more measures memory",
    )
    parser.add_argument("--note", action="append", default=[], help="a line for the notes of the results")
    parser.add_argument("--write", action="store_true", help=f"also write the results to {RESULTS}")
    args = parser.parse_args(argv)
    args.scale = [int(factor) for factor in args.scale.split(",")]
    args.tools = [tool.strip() for tool in args.tools.split(",") if tool.strip()]
    unknown = set(args.tools) - set(TOOLS)
    if unknown:
        parser.error(f"unknown tools: {', '.join(sorted(unknown))}")
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    python, named = peer_python(args.peer_python)
    peers = [tool for tool in args.tools if tool != "cleaner"]
    versions = peer_versions(python) if peers else {}
    bases = None
    if args.corpus:
        documents = real_bases(args.corpus, args.seed)
        bases = distinct_bases(documents)
        args.note.append(
            f"Bases: {len(bases)} of the {len(documents)} documents in {args.corpus}; the others overlap one "
            "kept before them beyond Jaccard 0.2."
        )
    sizes = []
    for factor in args.scale:
        sizes.append(
            run_size(args, factor, bases, python, named, versions, difficulty=factor == args.scale[0])
        )
    command = shlex.join(["python", "-m", "bench", *(sys.argv[1:] if argv is None else argv)])
    markdown = render(command, sizes, versions, python if peers else None, args.note, args.repeat)
    print(markdown)
    if args.write:
        RESULTS.write_text(markdown, encoding="utf-8")
        _progress(f"written to {RESULTS}")


def run_size(
    args: argparse.Namespace,
    factor: int,
    bases: list[str] | None,
    python: str,
    named: bool,
    versions: dict,
    difficulty: bool,
) -> SizeResult:
    """Build the corpus of `factor` times `--docs` documents and run each tool on it."""
    started = time.perf_counter()
    corpus = build_corpus(args.docs * factor, args.seed, bases)
    folder = args.work / f"x{factor}"
    files = write_corpus(corpus, folder, shards=args.num_proc)
    generate_seconds = time.perf_counter() - started
    _progress(f"x{factor}: {len(corpus.drafts):,} documents, {corpus.megabytes:.1f} MB in {folder}")
    size = SizeResult(
        factor=factor,
        docs=len(corpus.drafts),
        bases=len(corpus.bases),
        cluster_sizes=corpus.cluster_sizes(),
        megabytes=corpus.megabytes,
        generate_seconds=generate_seconds,
        overlap=base_overlap(corpus.bases, seed=args.seed),
        difficulty=cluster_difficulty(corpus) if difficulty else None,
    )
    truth = corpus.truth
    notes = {
        tool: "" if tool == "cleaner" else missing_note(tool, python, named, PEER_NEEDS[tool], versions)
        for tool in args.tools
    }
    runs = folder / "runs"
    # Timed without sampling memory, which would slow the tool; memory from one more run of each.
    tries = in_rounds(
        [tool for tool in args.tools if not notes[tool]],
        args.repeat,
        lambda tool: run_tool(tool, args, files, runs, python, truth, None),
    )
    size.timed = {tool: [t.measurement.seconds for t in runs_of if t.ok] for tool, runs_of in tries.items()}
    for tool in args.tools:
        if notes[tool]:
            run = ToolRun(tool, "", note=notes[tool])
        else:
            fastest = min(tries[tool], key=lambda t: t.measurement.seconds if t.ok else float("inf"))
            run = with_memory_of(fastest, run_tool(tool, args, files, runs, python, truth, MEMORY_INTERVAL))
        size.runs.append(run)
        if run.ok:
            size.scores[tool] = score(run.removed, truth)
            s = size.scores[tool]
            _progress(
                f"x{factor} {tool}: {run.measurement.seconds:.1f}s, removed {s.removals}, F1 {s.f1:.3f}, "
                f"{s.wholly_removed} clusters wholly removed"
            )
        else:
            _progress(f"x{factor} {tool}: {run.note}")
        if tool == "cleaner" and run.ok and difficulty:
            output = cleaner_output(runs)
            published = [*read_config(output, "default"), *read_config(output, "duplicates")]
            size.restoration = restoration(corpus, published)
            size.recleaned = changed_by_a_second_cleaning(published)
    return size


def in_rounds(tools: list[str], repeat: int, run: Callable[[str], ToolRun]) -> dict[str, list[ToolRun]]:
    """`repeat` runs of each tool, a round at a time: every tool once, then every tool again, each round
    starting one tool further on.

    This machine's speed drifts by up to a fifth over minutes. Run one tool's repeats and then the
    other's, and the ratio of their fastest runs measures the drift as much as the tools; in rounds,
    each tool's runs come from the same stretches of time as the others'. The order turns so that no
    tool always runs first, or always right after the same one.
    """
    tries: dict[str, list[ToolRun]] = {tool: [] for tool in tools}
    for round_number in range(repeat):
        turn = round_number % len(tools) if tools else 0
        for tool in tools[turn:] + tools[:turn]:
            tries[tool].append(run(tool))
    return tries


def run_tool(
    tool: str,
    args: argparse.Namespace,
    files: CorpusFiles,
    work: Path,
    python: str,
    truth: dict[str, str],
    interval: float | None,
) -> ToolRun:
    if tool == "cleaner":
        return run_cleaner(files.texts, work, args.num_proc, interval=interval)
    if tool == "datatrove":
        return run_datatrove(python, files, work, args.num_proc, args.datatrove_language, interval=interval)
    return run_text_dedup(python, files, work, truth.keys(), args.num_proc, interval=interval)


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
