"""Command line: parse options, call the pipeline, print results."""

from __future__ import annotations

import atexit
import contextlib
import dataclasses
import gc
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import click

from cleaner.dedup import DedupParams, dedup_scheme
from cleaner.documents import merge_edits
from cleaner.parallel import Background

DEFAULT_DEDUP = DedupParams()


def _default_num_proc() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _dedup_option(name: str, kind: click.ParamType | type, help: str) -> Callable:
    """`--NAME` for the DedupParams field `name`, with its default."""
    return click.option(
        f"--{name.replace('_', '-')}",
        type=kind,
        default=getattr(DEFAULT_DEDUP, name),
        show_default=True,
        help=help,
    )


@click.group()
@click.version_option(package_name="cleaner")
def main() -> None:
    """Turn scraped Chinese policy documents into a clean, deduplicated, auditable dataset."""


def run() -> None:
    """The `cleaner` console script: `main` without the cyclic garbage collector, and the heap frozen at exit.

    A command runs once and makes few reference cycles, but a build loads libraries that leave a million
    objects alive, which every full collection walked again: 457 collections took 0.25-0.4 s of CPU in
    a 40 MB build, and a collection after a build run without them finds 794 unreachable objects.
    As Python exits it clears every module and collects the garbage several times over, collector or
    not, walking every object still alive: 0.3 s after a build, with datasets and (then) jieba's Python
    dictionary loaded. Nothing is worth collecting by then, so the last exit handler freezes the heap
    (`gc.freeze`) and the collections skip it; registered first, it runs after every other handler.
    """
    gc.disable()
    atexit.register(gc.freeze)
    main()


@main.command("build")
@click.option(
    "--input",
    "inputs",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Raw folder or file (repeatable). [default: raw]",
)
@click.option("--output", type=click.Path(path_type=Path), default=Path("processed"), show_default=True)
@click.option(
    "--num-proc", type=click.IntRange(min=1), default=None, help="Worker processes. [default: all cores]"
)
@click.option(
    "--check", is_flag=True, help="Rebuild with the parameters in OUTPUT/manifest.json and compare."
)
@_dedup_option("threshold", click.FloatRange(0, 1), "Jaccard at or above which two documents are duplicates.")
@_dedup_option(
    "containment",
    click.FloatRange(0, 1),
    "Share of a document's shingles found in a longer one at or above which it is a duplicate.",
)
@_dedup_option("ngram", click.IntRange(min=1), "Characters per shingle.")
@_dedup_option("num_perm", click.IntRange(min=16), "MinHash permutations.")
@_dedup_option("seed", int, "Seed of the MinHash permutations.")
@_dedup_option(
    "review_jaccard",
    click.FloatRange(0, 1),
    "Jaccard at or above which a pair kept apart is listed as a near miss.",
)
@_dedup_option(
    "review_containment",
    click.FloatRange(0, 1),
    "Containment at or above which a pair kept apart is listed as a near miss.",
)
@_dedup_option(
    "review_max_df",
    click.IntRange(min=0),
    "Near misses are searched on shingles found in at most this many documents (0: all; slower).",
)
def build_command(
    inputs: tuple[Path, ...], output: Path, num_proc: int | None, check: bool, **dedup_options: float
) -> None:
    """Build the dataset folder OUTPUT from the raw inputs.

    The dedup options are recorded in OUTPUT/manifest.json; `--check` rebuilds with the recorded ones.
    """
    num_proc = num_proc or _default_num_proc()
    if check:
        _check(output, num_proc)
        return
    dedup = dataclasses.replace(DEFAULT_DEDUP, **dedup_options)
    # datasketch (with scipy, 0.4 s of CPU) loads in a process of its own while this one imports the
    # pipeline's libraries, on the core that would otherwise wait for them.
    scheme = Background(dedup_scheme, dedup)
    from cleaner.pipeline import Params, build

    _arrow_on_system_memory()
    started = time.perf_counter()
    root = output.resolve().parent
    params = Params(inputs=tuple(_relative_to(path, root) for path in inputs or (Path("raw"),)), dedup=dedup)
    with _progress_bar("cleaning") as bar:
        result = _run(lambda: build(params, root, num_proc=num_proc, progress=bar.update, scheme=scheme))
    from cleaner.publish import write_output  # imported late: see `load_late_libraries`

    write_output(result, output)
    click.echo(
        f"{len(result.files)} files read, {len(result.skipped)} skipped, "
        f"{sum(1 for f in result.files if f.kind == 'rejected')} rejected; "
        f"{result.ingested} documents, {result.duplicates.num_rows} removed as duplicates, "
        f"{result.documents.num_rows} published to {output} in {time.perf_counter() - started:.1f}s"
    )


def _arrow_on_system_memory() -> None:
    """Arrow takes its memory from the system allocator, as Python and NumPy do, so that the workers build
    their rows in the memory their sketches freed; pyarrow's default (mimalloc) took fresh memory for
    them, and the peak of a 40 MB build rose from 900 MB to 1,060 MB."""
    import pyarrow as pa

    pa.set_memory_pool(pa.system_memory_pool())


def _check(output: Path, num_proc: int) -> None:
    from cleaner.check import check_output

    if not (output / "manifest.json").is_file():
        raise click.ClickException(f"{output} has no manifest.json: build it first")
    _arrow_on_system_memory()
    comparison = _run(lambda: check_output(output, num_proc))
    for warning in comparison.warnings:
        click.echo(f"warning: {warning}", err=True)
    if comparison.differences:
        for difference in comparison.differences:
            click.echo(f"differs: {difference}", err=True)
        raise click.ClickException(f"{output} is not what the current code builds: run `cleaner build`")
    click.echo(f"{output} is up to date")


def _progress_bar(description: str) -> contextlib.AbstractContextManager:
    """A tqdm bar on a terminal; elsewhere, where tqdm would disable it, none, and no tqdm import (0.02 s
    before the workers start)."""
    if not sys.stderr.isatty():
        return contextlib.nullcontext(SimpleNamespace(update=lambda n=1: None))
    from tqdm import tqdm

    return tqdm(desc=description, unit="doc")


def _run(job):
    """Turn the errors a user can fix (missing input, id clash) into a clear message instead of a trace."""
    from cleaner.ingest import IdClash

    try:
        return job()
    except (FileNotFoundError, IdClash) as error:
        raise click.ClickException(str(error)) from None


def _relative_to(path: Path, root: Path) -> str:
    return Path(os.path.relpath(path.resolve(), root)).as_posix()


@main.command("publish")
@click.argument(
    "folder", type=click.Path(exists=True, file_okay=False, path_type=Path), default=Path("processed")
)
@click.option("--repo-id", required=True, help="ORG/NAME of the dataset repository on the Hub.")
@click.option("--dry-run", is_flag=True, help="Validate the card and list the files, without network.")
@click.option("--private", is_flag=True, help="Create the repository as private.")
def publish_command(folder: Path, repo_id: str, dry_run: bool, private: bool) -> None:
    """Upload FOLDER to the Hugging Face Hub (token from HF_TOKEN or `hf auth login`)."""
    from cleaner.hub import upload, validate

    report = validate(folder, repo_id)
    for problem in report.problems:
        click.echo(f"problem: {problem}", err=True)
    if report.problems:
        raise click.ClickException(f"{folder} is not ready to publish")
    for path, size in report.files:
        click.echo(f"{size:>12,}  {path}")
    if dry_run:
        click.echo(f"dry run: {len(report.files)} files would be uploaded to datasets/{repo_id}")
        return
    url = upload(folder, repo_id, private=private)
    click.echo(f"uploaded {len(report.files)} files: {url}")


@main.command("show")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--edits", "show_edits", is_flag=True, help="Also print every edit the cleaning steps made.")
def show_command(path: Path, show_edits: bool) -> None:
    """Print the cleaned documents of one raw file: how to check what the rules do before a full build."""
    from cleaner.pipeline import clean_corpus

    corpus = _run(lambda: clean_corpus([path]))
    for problem in corpus.skipped + corpus.rejected + corpus.warnings:
        click.echo(f"{problem.file}: {problem.reason}", err=True)
    for document in corpus.documents:
        click.secho(f"== {document.id}", bold=True)
        for name, value in document.to_row().items():
            if name not in {"id", "text", "edits"} and value not in (None, [], 0):
                click.echo(f"{name}: {value}")
        click.echo(f"\n{document.text}\n")
        if show_edits:
            for edit in merge_edits(document.edits):
                count = f" x{edit.count}" if edit.count > 1 else ""
                click.echo(
                    f"  [{edit.step}.{edit.rule}] {edit.field}: {edit.before!r} -> {edit.after!r}{count}  {edit.note}"
                )


@main.command("audit")
@click.argument(
    "folder", type=click.Path(exists=True, file_okay=False, path_type=Path), default=Path("processed")
)
@click.option(
    "--html",
    "html_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write a self-contained HTML report: each removed document beside the kept one.",
)
def audit_command(folder: Path, html_path: Path | None) -> None:
    """Show what dedup removed from FOLDER, with its evidence, and the near misses it kept apart."""
    from cleaner.audit import audit_summary, render_html

    if not (folder / "manifest.json").is_file():
        raise click.ClickException(f"{folder} has no manifest.json: build it first")
    try:
        click.echo(audit_summary(folder), nl=False)
        if html_path:
            html_path.write_text(render_html(folder), encoding="utf-8")
            click.echo(f"report written to {html_path}")
    except ValueError as error:
        raise click.ClickException(str(error)) from None
