"""Term -> stories postings that cost little for the many terms few stories share: a term
maps to one story id (a str), a tuple of up to ``SMALL`` ids, or a set beyond that.
Measured on bench/load.py: 257,000 terms over 1,937 stories took 100 MB as sets of one;
with 4,182 stories, 157,000 sets took 93 MB of the 200 MB the stories held."""
from __future__ import annotations

from collections.abc import Iterable

SMALL = 8  # a tuple of 8 is ~120 bytes, a set of 2 already 216


class Postings:
    def __init__(self) -> None:
        self._map: dict[str, str | tuple[str, ...] | set[str]] = {}

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
                self._map[term] = (held, sid)
        elif sid not in held:
            if isinstance(held, set):
                held.add(sid)
            elif len(held) < SMALL:
                self._map[term] = (*held, sid)
            else:
                self._map[term] = {*held, sid}

    def add_all(self, terms: Iterable[str], sid: str) -> None:
        for term in terms:
            self.add(term, sid)

    def remove_all(self, terms: Iterable[str], sid: str) -> None:
        for term in terms:
            held = self._map.get(term)
            if held is None or isinstance(held, str):
                if held == sid:
                    del self._map[term]
                continue
            if sid not in held:
                continue
            left = tuple(s for s in held if s != sid) if isinstance(held, tuple) else held - {sid}
            if len(left) == 1:
                self._map[term] = next(iter(left))
            elif isinstance(left, set) and len(left) <= SMALL:
                self._map[term] = tuple(sorted(left))
            else:
                self._map[term] = left
