"""`cleaner publish`: check a built folder against the Hub's expectations, then upload it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

_REPO_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")  # "my-org/chinese-policy"
REQUIRED_METADATA = ("configs", "dataset_info", "language", "license", "pretty_name")


@dataclass
class Report:
    problems: list[str] = field(default_factory=list)
    files: list[tuple[str, int]] = field(default_factory=list)


def validate(folder: Path, repo_id: str) -> Report:
    """Everything that can be checked without network: repo id, card metadata, the data files it names."""
    report = Report(
        files=sorted(
            (p.relative_to(folder).as_posix(), p.stat().st_size) for p in folder.rglob("*") if p.is_file()
        )
    )
    if not _REPO_ID.match(repo_id):
        report.problems.append(f"repo id {repo_id!r} is not of the form ORG/NAME")
    card = folder / "README.md"
    if not card.is_file():
        report.problems.append("no README.md (dataset card)")
        return report
    metadata = _card_metadata(card.read_text(encoding="utf-8"), report)
    for key in REQUIRED_METADATA:
        if key not in metadata:
            report.problems.append(f"card metadata has no `{key}`")
    names = [c.get("config_name") for c in metadata.get("configs", [])]
    if "default" not in names:
        report.problems.append("card declares no `default` config")
    for config in metadata.get("configs", []):
        for data_file in config.get("data_files", []):
            if not list(folder.glob(data_file["path"])):
                report.problems.append(
                    f"config {config.get('config_name')}: no file matches {data_file['path']}"
                )
    return report


def _card_metadata(card: str, report: Report) -> dict:
    match = re.match(r"\A---\n(.*?)\n---\n", card, re.DOTALL)
    if match is None:
        report.problems.append("README.md has no YAML metadata block")
        return {}
    try:
        metadata = yaml.safe_load(match.group(1))
    except yaml.YAMLError as error:
        report.problems.append(f"card metadata is not valid YAML: {error}")
        return {}
    if not isinstance(metadata, dict):
        report.problems.append("card metadata is not a mapping")
        return {}
    return metadata


def upload(folder: Path, repo_id: str, private: bool = False) -> str:
    from huggingface_hub import HfApi

    api = HfApi()
    api.create_repo(repo_id, repo_type="dataset", private=private, exist_ok=True)
    commit = api.upload_folder(
        folder_path=folder, repo_id=repo_id, repo_type="dataset", commit_message="cleaner build"
    )
    return commit.commit_url
