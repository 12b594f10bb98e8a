"""Counts in words, for every place a person reads one (terminal, summary.md, report.html,
the flows' artifacts): ``1 input``, ``2 inputs``, never ``1 inputs``."""
from __future__ import annotations


def plural(n: int, one: str, many: str | None = None) -> str:
    """``n`` with its noun, singular for exactly one: ``plural(1, "story", "stories")``."""
    return f"{n:,} {one if n == 1 else many or one + 's'}"
