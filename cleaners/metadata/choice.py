"""A field's decision, explained: the candidate that won, those that lost, those ruled out.

``explain`` turns it into the compact form kept in ``signals.metadata``: the winning source,
the sources that said the same, and each other candidate as ``[source, value]``.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Candidate:
    source: str  # "ld:datePublished", "h1", "meta:author", "htmldate" ...
    value: Any  # a string, or a tuple of names


@dataclass
class Choice:
    winner: Candidate | None
    lost: list[Candidate] = field(default_factory=list)
    dropped: dict[Candidate, str] = field(default_factory=dict)  # candidate -> why ruled out

    @property
    def value(self) -> Any:
        return self.winner.value if self.winner else None

    def explain(self, same: Callable[[Any, Any], bool]) -> dict[str, Any]:
        """``{"source", "agree", "lost", "dropped"}``, empty parts left out."""
        out: dict[str, Any] = {"source": self.winner.source if self.winner else None}
        agree = [c.source for c in self.lost if self.winner and same(c.value, self.value)]
        lost = [[c.source, _plain(c.value)] for c in self.lost
                if not (self.winner and same(c.value, self.value))]
        dropped = [[c.source, _plain(c.value), why] for c, why in self.dropped.items()]
        for name, part in (("agree", agree), ("lost", lost), ("dropped", dropped)):
            if part:
                out[name] = part
        return out


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def override(choice: Choice, source: str, value: Any) -> Choice:
    """``choice`` with a new winner (an input hint, a line of the text); the old one lost."""
    lost = ([choice.winner] if choice.winner else []) + choice.lost
    return Choice(Candidate(source, value), lost, choice.dropped)
