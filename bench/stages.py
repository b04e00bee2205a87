"""`python -m bench.stages CORPUS`: where the wall time of one `cleaner build` goes, stage by stage.

    python -m bench.stages /tmp/cleaner-bench/x1/corpus --num-proc 2

Runs the real CLI in this process and times its stages from outside, by wrapping the functions the
pipeline calls (the product code carries no timers): imports, each cleaning pass over the shards (from its submission to its last report), the
gathering of the documents, dedup, and publishing. A profile for RESULTS.md, not a benchmark: run
`python -m bench` for the comparison with the peers.
"""

from __future__ import annotations

import argparse
import functools
import tempfile
import time
from collections.abc import Callable

STARTED = time.perf_counter()

import cleaner.cli as cli  # noqa: E402  (timed: the imports are a stage)
import cleaner.parallel as parallel  # noqa: E402
import cleaner.pipeline as pipeline  # noqa: E402

IMPORTED = time.perf_counter()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("corpus")
    parser.add_argument("--num-proc", type=int, default=2)
    args = parser.parse_args()
    stages: list[tuple[str, float]] = [("imports", IMPORTED - STARTED)]

    def timed(name: Callable[[tuple], str], function: Callable) -> Callable:
        @functools.wraps(function)
        def wrapper(*call_args, **kwargs):
            started = time.perf_counter()
            result = function(*call_args, **kwargs)
            stages.append((name(call_args), time.perf_counter() - started))
            return result

        return wrapper

    parallel.Shards.__init__ = timed(lambda a: "start workers", parallel.Shards.__init__)
    submit, collect, submitted = parallel.Shards.submit, parallel.Shards.collect, []

    def timed_submit(shards, function, *call_args):
        submitted.append((function.__name__, time.perf_counter()))
        return submit(shards, function, *call_args)

    def timed_collect(shards):
        result = collect(shards)
        name, started = submitted.pop()
        stages.append((f"pass {name}", time.perf_counter() - started))
        return result

    parallel.Shards.submit, parallel.Shards.collect = timed_submit, timed_collect
    parallel.Shards.gather = timed(lambda a: "gather documents", parallel.Shards.gather)
    pipeline.find_duplicates = timed(lambda a: "dedup", pipeline.find_duplicates)
    # imported here, as late as the build command imports it, so that its imports count as publishing
    import cleaner.publish as publish

    publish.write_output = timed(lambda a: "publish", publish.write_output)
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
    total = time.perf_counter() - STARTED
    print("\n| stage | wall s |\n|---|---:|")
    for name, seconds in stages:
        print(f"| {name} | {seconds:.2f} |")
    print(
        f"| other (discover, ids, recurring lines, separating duplicates, exit) | {total - sum(s for _, s in stages):.2f} |"
    )
    print(f"| **total** | **{total:.2f}** |")


if __name__ == "__main__":
    main()
