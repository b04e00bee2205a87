"""A reproducible dedup benchmark: `python -m bench --help`.

It writes a corpus with known clusters of drafts (`corpus.py`), runs `cleaner build` and, when installed,
datatrove and text-dedup on it (`measure.py`, `peers.py`), scores what each removed (`score.py`) and
reports the figures with the machine they were measured on (`report.py`).

This package imports nothing on load: `peer_driver.py` runs under another interpreter (the peers' venv).
"""
