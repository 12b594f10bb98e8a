"""Term -> stories postings that cost little for the many terms only one story has: a term
maps to one story id (a str) until a second story shares it (then a set). Measured on
bench/load.py: 257,000 terms over 1,937 stories took 100 MB as sets of one."""
from __future__ import annotations

from collections.abc import Iterable


class Postings:
    def __init__(self) -> None:
        self._map: dict[str, str | set[str]] = {}

    def __len__(self) -> int:
        return len(self._map)

    def get(self, term: str) -> Iterable[str]:
        held = self._map.get(term)
        if held is None:
            return ()
        return (held,) if isinstance(held, str) else held

    def add(self, term: str, sid: str) -> None:
        held = self._map.get(term)
        if held is None:
            self._map[term] = sid
        elif isinstance(held, str):
            if held != sid:
                self._map[term] = {held, sid}
        else:
            held.add(sid)

    def add_all(self, terms: Iterable[str], sid: str) -> None:
        for term in terms:
            self.add(term, sid)

    def remove_all(self, terms: Iterable[str], sid: str) -> None:
        for term in terms:
            held = self._map.get(term)
            if held == sid:
                del self._map[term]
            elif isinstance(held, set):
                held.discard(sid)
                if len(held) == 1:
                    self._map[term] = held.pop()
