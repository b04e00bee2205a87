"""`python -m bench.stages CORPUS`: where the wall time of one `cleaner build` goes, stage by stage.

    python -m bench.stages /tmp/cleaner-bench/x1/corpus --num-proc 2

Runs the real CLI in this process and times its stages from outside, by wrapping the functions the
pipeline calls (the product code carries no timers): the CLI's imports, the pipeline's (which the build
command makes while datasketch loads in a process of its own), each pass over the shards (from its
submission to its last report; for the pass that runs while dedup does, only the wait after dedup),
dedup, and publishing. A profile for RESULTS.md, not a benchmark: run `python -m bench` for the
comparison with the peers.
"""

from __future__ import annotations

import argparse
import functools
import tempfile
import time
from collections.abc import Callable

STARTED = time.perf_counter()

import cleaner.cli as cli  # noqa: E402  (timed: the imports are a stage)
import cleaner.dedup as dedup  # noqa: E402
import cleaner.parallel as parallel  # noqa: E402

IMPORTED = time.perf_counter()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("corpus")
    parser.add_argument("--num-proc", type=int, default=2)
    args = parser.parse_args()
    stages: list[tuple[str, float, float]] = []  # name, seconds, start

    def timed(name: Callable[[tuple], str], function: Callable) -> Callable:
        @functools.wraps(function)
        def wrapper(*call_args, **kwargs):
            started = time.perf_counter()
            result = function(*call_args, **kwargs)
            stages.append((name(call_args), time.perf_counter() - started, started))
            return result

        return wrapper

    submit, collect, submitted = parallel.Shards.submit, parallel.Shards.collect, []

    def timed_submit(shards, function, *call_args):
        submitted.append((function.__name__, time.perf_counter()))
        return submit(shards, function, *call_args)

    def timed_collect(shards):
        waiting = time.perf_counter()
        result = collect(shards)
        name, started = submitted.pop(0)  # passes queue: the oldest is collected first
        if stages and stages[-1][2] > started:
            # Something timed (dedup) ran here while the pass ran in the workers: count only the wait after it.
            stages.append((f"pass {name}: the rest after dedup", time.perf_counter() - waiting, waiting))
        else:
            stages.append((f"pass {name}", time.perf_counter() - started, started))
        return result

    parallel.Shards.submit, parallel.Shards.collect = timed_submit, timed_collect
    parallel.Shards.__init__ = timed(lambda a: "start workers", parallel.Shards.__init__)
    # Wrapped where the pipeline will import it from: the build command imports the pipeline itself.
    dedup.find_duplicates = timed(lambda a: "dedup", dedup.find_duplicates)
    # The build command runs `build` through `_run`; what it does after is publishing (`cleaner.publish`
    # is not imported here: importing it early would take its imports out of the build).
    cli._run = timed(lambda a: "build", cli._run)
    with tempfile.TemporaryDirectory() as work:
        command = [
            "build",
            "--input",
            args.corpus,
            "--output",
            f"{work}/processed",
            "--num-proc",
            str(args.num_proc),
        ]
        cli.main(command, standalone_mode=False)
        finished = time.perf_counter()
    build, build_started = next((seconds, start) for name, seconds, start in stages if name == "build")
    inside = [(name, seconds) for name, seconds, _ in stages if name != "build"]
    rows = [
        ("imports of the CLI", IMPORTED - STARTED),
        ("imports of the pipeline, while datasketch loads in a process of its own", build_started - IMPORTED),
        *inside,
    ]
    rows.append(
        (
            "rest of the build (discover, ids, recurring lines, joining the parts' rows)",
            build - sum(s for _, s in inside),
        )
    )
    rows.append(
        ("publish (parquet, manifest, card) and the command's own work", finished - build_started - build)
    )
    print("\n| stage | wall s |\n|---|---:|")
    for name, seconds in rows:
        print(f"| {name} | {seconds:.2f} |")
    print(f"| **total** | **{finished - STARTED:.2f}** |")


if __name__ == "__main__":
    main()
