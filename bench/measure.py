"""Run a tool as a child process and measure its wall time and memory; run `cleaner build` that way.

Memory is measured two ways, because the tools fan out into worker processes:
- `peak_mb`: the highest sum of PSS (proportional set size) over the child and all its descendants,
  sampled from /proc while it runs. PSS splits pages shared after a fork between the processes, so the
  sum is what the machine needs, not a double count.
- `max_rss_mb`: the largest resident set of any one process in the tree: the larger of the rusage of
  the tool's process and every descendant it waited for, and the peak (`VmHWM`) of each process seen
  while sampling, which also covers workers their parent never waits for (datatrove's forkserver).

The tool is started by a fresh, small interpreter (`_WAITER`) that reports that rusage. A child forked
from this process would not do: Linux carries the resident high-water mark across fork and exec, so
every tool would report at least this process's own size.
"""

from __future__ import annotations

import compileall
import dataclasses
import os
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import cleaner
from cleaner.publish import read_config


@dataclass(frozen=True)
class Measurement:
    seconds: float
    peak_mb: float
    max_rss_mb: float
    returncode: int


@dataclass(frozen=True)
class ToolRun:
    """One tool's run on one corpus: what it removed, or why it did not run (`note`)."""

    tool: str
    settings: str
    measurement: Measurement | None = None
    removed: frozenset[str] = frozenset()
    note: str = ""

    @property
    def ok(self) -> bool:
        return self.measurement is not None and self.measurement.returncode == 0


# Run argv[2:], write the largest resident set (kB) of it and its waited-for descendants to argv[1],
# exit with its exit code.
_WAITER = (
    "import resource, subprocess, sys\n"
    "code = subprocess.call(sys.argv[2:])\n"
    "with open(sys.argv[1], 'w') as out: out.write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))\n"
    "sys.exit(code)\n"
)


def run_measured(
    command: list[str],
    log: Path,
    cwd: Path | None = None,
    env: dict | None = None,
    interval: float | None = 0.1,
) -> Measurement:
    """Run `command` with its output in `log`, sampling the memory of its process tree every
    `interval` seconds until it exits; with `interval` None, only wait (no `peak_mb`: it is 0).

    Sampling costs the tool time: reading a process's PSS walks its page tables, on the same cores, ten
    times a second for each process of the tree. So the bench times runs without it and takes memory
    from a run of its own (`with_memory_of`)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    max_rss_file = log.with_suffix(".maxrss")
    max_rss_file.unlink(missing_ok=True)
    with log.open("wb") as output:
        started = time.perf_counter()
        waiter = subprocess.Popen(
            [sys.executable, "-c", _WAITER, str(max_rss_file), *command],
            stdout=output,
            stderr=subprocess.STDOUT,
            cwd=cwd,
            env=env,
        )
        peak_kb = high_water_kb = 0
        if interval is None:
            waiter.wait()
        while waiter.poll() is None:
            tool_tree = _process_tree(waiter.pid)[1:]
            peak_kb = max(peak_kb, sum(_status_kb(pid, "Pss") for pid in tool_tree))
            high_water_kb = max([high_water_kb, *(_status_kb(pid, "VmHWM") for pid in tool_tree)])
            time.sleep(interval)
        seconds = time.perf_counter() - started
    max_rss_kb = max(high_water_kb, int(max_rss_file.read_text()) if max_rss_file.is_file() else 0)
    return Measurement(
        seconds=seconds, peak_mb=peak_kb / 1024, max_rss_mb=max_rss_kb / 1024, returncode=waiter.returncode
    )


def with_memory_of(timed: ToolRun, sampled: ToolRun) -> ToolRun:
    """`timed` (a run without memory sampling) with the memory measured in `sampled`, a run of the same
    tool on the same input: its peak PSS, and the larger of the two runs' largest resident sets."""
    if not (timed.ok and sampled.ok):
        return timed if not timed.ok else sampled
    measurement = dataclasses.replace(
        timed.measurement,
        peak_mb=sampled.measurement.peak_mb,
        max_rss_mb=max(timed.measurement.max_rss_mb, sampled.measurement.max_rss_mb),
    )
    return dataclasses.replace(timed, measurement=measurement)


def _process_tree(root: int) -> list[int]:
    """`root` and its living descendants, from the parent ids in /proc/*/stat."""
    children: dict[int, list[int]] = defaultdict(list)
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        # The command name in parentheses may hold spaces; the parent id is the second field after it.
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children[parent].append(int(entry.name))
    tree, pending = [], [root]
    while pending:
        pid = pending.pop()
        tree.append(pid)
        pending.extend(children.get(pid, ()))
    return tree


def _status_kb(pid: int, field: str) -> int:
    """A memory figure in kB of a living process: `Pss` from /proc/PID/smaps_rollup, anything else
    (`VmHWM`) from /proc/PID/status; 0 once it has gone."""
    source = "smaps_rollup" if field == "Pss" else "status"
    try:
        for line in Path(f"/proc/{pid}/{source}").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def cleaner_command() -> list[str]:
    """The `cleaner` console script of this interpreter's environment, else the same entry point via
    `python -c`."""
    script = Path(sys.executable).with_name("cleaner")
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-c", "from cleaner.cli import run; run()"]


def compile_cleaner() -> None:
    """Write the bytecode of cleaner's modules, as installing a package does.

    The peers run from a venv whose packages pip compiled when it installed them. cleaner runs from its
    source tree (an editable install), where Python writes the bytecode on the first run, unless
    PYTHONDONTWRITEBYTECODE is set, as it is on the machines this bench runs on: then every build would
    compile every module of cleaner again (0.1-0.2 s), a cost no installed package pays.
    """
    compileall.compile_dir(Path(cleaner.__file__).parent, quiet=1)


def cleaner_output(work: Path) -> Path:
    """Where `run_cleaner(corpus, work)` publishes the dataset."""
    return work / "processed"


def run_cleaner(corpus: Path, work: Path, num_proc: int = 2, interval: float | None = 0.1) -> ToolRun:
    """`cleaner build` on the corpus folder, end to end (ingest, clean, dedup, publish), and the ids it
    moved to the `duplicates` config; `interval` as in `run_measured`. Its bytecode is compiled first
    (`compile_cleaner`)."""
    compile_cleaner()
    output = cleaner_output(work)
    shutil.rmtree(output, ignore_errors=True)
    command = [*cleaner_command(), "build", "--input", str(corpus), "--output", str(output)]
    command += ["--num-proc", str(num_proc)]
    measurement = run_measured(command, work / "cleaner.log", interval=interval)
    settings = f"`cleaner build --num-proc {num_proc}`"
    if measurement.returncode != 0:
        return ToolRun("cleaner", settings, measurement, note=f"failed: see {work / 'cleaner.log'}")
    removed = frozenset(row["id"] for row in read_config(output, "duplicates"))
    return ToolRun("cleaner", settings, measurement, removed)
