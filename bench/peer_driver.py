"""The peers' side of the benchmark, run by the interpreter that has datatrove and text-dedup installed
(`--peer-python`), as a script: it imports only the standard library and the peers.

    python bench/peer_driver.py versions
    python bench/peer_driver.py datatrove JSONL_DIR WORK [--tasks 2] [--workers 2] [--language zh_Hani]
    python bench/peer_driver.py text-dedup-dataset JSONL_DIR DATASET_DIR
    python bench/peer_driver.py text-dedup-kept DATASET_DIR IDS_JSON
"""

from __future__ import annotations

import argparse
import gzip
import json
import shutil
from importlib import metadata
from pathlib import Path

PEER_PACKAGES = ("datatrove", "text-dedup", "datasets", "spacy", "jieba")


def versions() -> dict[str, str | None]:
    """Installed version of each package the peers need, None where it is missing."""
    found = {}
    for name in PEER_PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    return found


def datatrove_minhash(
    jsonl: Path, work: Path, tasks: int = 2, workers: int = 2, language: str = "zh_Hani"
) -> None:
    """datatrove's four MinHash stages with the default config (5-grams of words, 14 buckets of 8
    hashes), on a local executor; the removed documents are written to WORK/removed.

    Stage 2 runs one task per bucket (datatrove requires a multiple of the bucket count), stage 3 one
    task; stages 1 and 4 run `tasks` tasks, each over its own JSONL shards.
    """
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.dedup import (
        MinhashDedupBuckets,
        MinhashDedupCluster,
        MinhashDedupFilter,
        MinhashDedupSignature,
    )
    from datatrove.pipeline.dedup.minhash import MinhashConfig
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter

    shutil.rmtree(work, ignore_errors=True)
    config = MinhashConfig()
    signatures = LocalPipelineExecutor(
        pipeline=[
            JsonlReader(str(jsonl)),
            MinhashDedupSignature(output_folder=str(work / "signatures"), config=config, language=language),
        ],
        tasks=tasks,
        workers=workers,
        logging_dir=str(work / "logs/signatures"),
    )
    buckets = LocalPipelineExecutor(
        pipeline=[
            MinhashDedupBuckets(
                input_folder=str(work / "signatures"), output_folder=str(work / "buckets"), config=config
            )
        ],
        tasks=config.num_buckets,
        workers=workers,
        logging_dir=str(work / "logs/buckets"),
        depends=signatures,
    )
    clusters = LocalPipelineExecutor(
        pipeline=[
            MinhashDedupCluster(
                input_folder=str(work / "buckets"), output_folder=str(work / "remove_ids"), config=config
            )
        ],
        tasks=1,
        logging_dir=str(work / "logs/clusters"),
        depends=buckets,
    )
    filtered = LocalPipelineExecutor(
        pipeline=[
            JsonlReader(str(jsonl)),
            MinhashDedupFilter(
                input_folder=str(work / "remove_ids"), exclusion_writer=JsonlWriter(str(work / "removed"))
            ),
            JsonlWriter(str(work / "kept")),
        ],
        tasks=tasks,
        workers=workers,
        logging_dir=str(work / "logs/filter"),
        depends=clusters,
    )
    filtered.run()


def datatrove_removed(work: Path) -> list[str]:
    """Ids of the documents datatrove's filter wrote to WORK/removed (standard library only, so the
    benchmark reads them in its own interpreter)."""
    ids = []
    for path in sorted((work / "removed").glob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as lines:
            ids.extend(json.loads(line)["id"] for line in lines)
    return ids


def text_dedup_dataset(jsonl: Path, dataset: Path) -> None:
    """The JSONL shards as a Hugging Face dataset on disk, text-dedup's `--local` input."""
    import datasets

    files = sorted(str(path) for path in jsonl.glob("*.jsonl"))
    shutil.rmtree(dataset, ignore_errors=True)
    datasets.load_dataset(
        "json", data_files=files, split="train", cache_dir=str(dataset) + ".cache"
    ).save_to_disk(str(dataset))
    shutil.rmtree(str(dataset) + ".cache", ignore_errors=True)


def text_dedup_kept(dataset: Path) -> list[str]:
    """Ids of the documents text-dedup kept (it saves the kept rows only)."""
    import datasets

    return list(datasets.load_from_disk(str(dataset))["id"])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("versions")
    datatrove = commands.add_parser("datatrove")
    datatrove.add_argument("jsonl", type=Path)
    datatrove.add_argument("work", type=Path)
    datatrove.add_argument("--tasks", type=int, default=2)
    datatrove.add_argument("--workers", type=int, default=2)
    datatrove.add_argument("--language", default="zh_Hani")
    dataset = commands.add_parser("text-dedup-dataset")
    dataset.add_argument("jsonl", type=Path)
    dataset.add_argument("dataset", type=Path)
    kept = commands.add_parser("text-dedup-kept")
    kept.add_argument("dataset", type=Path)
    kept.add_argument("ids", type=Path)
    args = parser.parse_args()
    if args.command == "versions":
        print(json.dumps(versions()))
    elif args.command == "datatrove":
        datatrove_minhash(args.jsonl, args.work, args.tasks, args.workers, args.language)
    elif args.command == "text-dedup-dataset":
        text_dedup_dataset(args.jsonl, args.dataset)
    elif args.command == "text-dedup-kept":
        args.ids.write_text(json.dumps(text_dedup_kept(args.dataset)))


if __name__ == "__main__":
    main()
