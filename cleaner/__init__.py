"""cleaner: scraped Chinese policy documents -> a clean, deduplicated, auditable Hugging Face dataset."""
