"""Corpus-level steps: duplicates, stories and scores across the records of a run."""
