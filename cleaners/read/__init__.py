"""Read step: every input file, JSONL line and WARC response record becomes one RawDoc.

Readers never raise for bad input: a file or record that cannot be read becomes a RawDoc
carrying an error, so the invariant "one output record per input" holds by construction.
"""
from cleaners.read.files import iter_inputs
from cleaners.read.rawdoc import RawDoc

__all__ = ["RawDoc", "iter_inputs"]
