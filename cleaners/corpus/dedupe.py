"""Exact and near-duplicate detection over batches of articles (MinHash-LSH).

Exact copies share the hash of the normalised body (``minhash.exact_key``). Near copies
(wire copy, light edits, a truncated or paywalled copy, other chrome, mojibake, a new
title) are found with MinHash-LSH on word shingles: the LSH bands are set so that pairs
well below the decision threshold still become candidates (the S-curve midpoint is far
below it), and every candidate is verified on the signatures: estimated Jaccard ``J``
and estimated containment ``|A∩B| / min(|A|,|B|) = J(|A|+|B|) / ((1+J) min)`` from the
stored shingle-set sizes, so a prefix of the original (a truncated copy) still counts.

Clusters and the canonical copy: a record joins the cluster of its best verified match
(highest containment, then Jaccard); clusters are never merged through a record, which
keeps one chance match from chaining two stories together. The canonical member is the
one with the earliest date, then first seen (undated records sort after dated ones;
dates compare as ISO strings). ``duplicate_of`` names it; it is null for the canonical
record and for unique ones.

An earlier-dated copy arriving in a later batch becomes the cluster's canonical: its own
``duplicate_of`` stays null (its ``signals["dedupe"]`` says which record it matched and
which canonical it ``supersedes``), records of the same batch are re-pointed in place,
and later records point at it. Records of earlier batches are not touched (they may be
written already); ``DedupeIndex.repointed`` maps each superseded canonical id to its new
canonical so a store can rewrite ``duplicate_of`` of those records (the old canonical
itself and every record whose ``duplicate_of`` is the old id).

All state is plain data in ``DedupeIndex`` (lists, dicts of ints, numpy arrays). With an
:class:`Archive` (a store) given to its constructor it reads the saved records from it, looks
up only the exact keys and LSH buckets each batch needs, and hands what changed to
:meth:`DedupeIndex.pending` for the archive to save.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from cleaners.config import DedupeConfig
from cleaners.corpus.minhash import Signer, band_keys, exact_key, shingle_hashes, tokens
from cleaners.record import Article

UNDATED = "\uffff"  # sorts after every ISO date


@dataclass
class Signed:
    """What dedupe computes of a batch before it needs the index (a worker can do it): for
    each article with words (``rows``: positions in the batch) the exact key, the MinHash
    signature, its LSH band keys and the number of distinct shingles."""

    rows: list[int]
    keys: list[int]
    sigs: np.ndarray
    bands: list[list[int]]
    sizes: list[int]


def sign_batch(arts: list[Article], config: DedupeConfig, signer: Signer | None = None) -> Signed:
    """The articles' exact keys and signatures. Tokens are hashed one article at a time: a
    whole batch's token lists were 20 MB of str objects at once (200 web pages)."""
    rows, keys, shingles = [], [], []
    for i, art in enumerate(arts):
        toks = tokens(art.body or "") if art.live else []
        if toks:
            rows.append(i)
            keys.append(exact_key(toks))
            shingles.append(shingle_hashes(toks, config.shingle_words))
    sigs = (signer or Signer(config.num_perm, config.seed)).sign(shingles)
    bands = band_keys(sigs, config.bands, config.rows).tolist()
    return Signed(rows, keys, sigs, bands, [len(s) for s in shingles])


Record = tuple[str, str, int, int, np.ndarray]  # id, date, parent, size, signature


class Archive(Protocol):
    def records(self) -> list[Record]:
        """The saved records in the order seen."""

    def superseded(self) -> dict[int, int]:
        """Saved canonicals an earlier-dated copy replaced -> the replacement."""

    def lookup(self, keys: list[int], bands: list[int]) -> tuple[dict[int, int],
                                                                dict[int, int | list[int]]]:
        """The saved exact keys and LSH buckets among ``keys`` and ``bands``."""


@dataclass
class Changes:
    """What an index changed since it was last saved."""

    records: list[tuple[int, str, str, int, int, bytes]]  # new: idx, id, date, parent, size, sig
    moved: list[tuple[int, int]]  # (new parent, idx) of earlier records
    exact: list[tuple[int, int]]  # (key, idx)
    buckets: list[tuple[int, list[int]]]  # (band key, records)
    superseded: list[tuple[int, int]]


@dataclass
class Match:
    kind: str  # "exact" | "near"
    of: int
    jaccard: float
    containment: float


class DedupeIndex:
    """Every record seen so far, as plain data (see the module docstring)."""

    def __init__(self, config: DedupeConfig | None = None, archive: Archive | None = None) -> None:
        self.config = config or DedupeConfig()
        if self.config.bands * self.config.rows > self.config.num_perm:
            raise ValueError("bands * rows must not exceed num_perm")
        self.signer = Signer(self.config.num_perm, self.config.seed)
        self.ids: list[str] = []
        self.dates: list[str] = []
        self.parent: list[int] = []  # union-find; a root is its cluster's canonical
        self.exact: dict[int, int] = {}  # normalised-body hash -> first record
        self.buckets: dict[int, int | list[int]] = {}  # band key -> record(s)
        self.sigs = np.zeros((0, self.config.num_perm), dtype=np.uint32)
        self.sizes = np.zeros(0, dtype=np.int32)  # distinct shingles per record
        self.superseded: dict[int, int] = {}  # canonical of an earlier batch -> replacement
        self._batch: dict[int, Article] = {}  # this batch's records, while it is added
        self.dirty: set[int] = set()  # exact and band keys changed since last saved
        self.archive = archive
        if archive is not None:
            self._restore(archive.records())
            self.superseded = archive.superseded()
        self._saved = (len(self.ids), np.asarray(self.parent, dtype=np.int64), len(self.superseded))

    def _restore(self, records: list[Record]) -> None:
        self._grow(len(records))
        for i, (art_id, date, parent, size, sig) in enumerate(records):
            self.ids.append(art_id)
            self.dates.append(date)
            self.parent.append(parent)
            self.sizes[i], self.sigs[i] = size, sig

    def pending(self) -> Changes:
        """What changed since the last call, for an archive to save."""
        saved, saved_parent, saved_superseded = self._saved
        parent = np.asarray(self.parent, dtype=np.int64)
        moved = np.flatnonzero(parent[:saved] != saved_parent[:saved])
        buckets = [(k, held if isinstance(held, list) else [held]) for k in sorted(self.dirty)
                   if (held := self.buckets.get(k)) is not None]
        changes = Changes(
            [(i, self.ids[i], self.dates[i], self.parent[i], int(self.sizes[i]),
              self.sigs[i].tobytes()) for i in range(saved, len(self))],
            [(int(parent[i]), int(i)) for i in moved],
            [(k, self.exact[k]) for k in sorted(self.dirty) if k in self.exact], buckets,
            list(self.superseded.items())[saved_superseded:])
        self._saved = (len(self), parent, len(self.superseded))
        self.dirty.clear()
        return changes

    def __len__(self) -> int:
        return len(self.ids)

    def add_batch(self, arts: list[Article], signed: Signed | None = None) -> None:
        """Set ``duplicate_of`` and ``signals["dedupe"]`` on the batch's records, in place.

        Records whose status is not "ok" or whose body has no words are skipped untouched.
        ``signed`` is :func:`sign_batch` of ``arts``, when a worker computed it already.
        """
        if signed is None:
            signed = sign_batch(arts, self.config, self.signer)
        if self.archive is not None:  # only the keys and buckets this batch looks up
            self.exact, self.buckets = self.archive.lookup(
                sorted(set(signed.keys)), sorted({k for row in signed.bands for k in row}))
        live = [arts[i] for i in signed.rows]
        first = len(self.ids)
        self._grow(len(live))
        for k, art in enumerate(live):
            self._add(art, signed.keys[k], signed.sigs[k], signed.bands[k], signed.sizes[k])
        self._settle(live, first)

    def _grow(self, extra: int) -> None:
        """Make room for ``extra`` more signature rows (capacity doubles)."""
        need = len(self.ids) + extra
        if need > len(self.sigs):
            cap = max(need, 2 * len(self.sigs), 1024)
            sigs = np.zeros((cap, self.config.num_perm), dtype=np.uint32)
            sigs[:len(self.ids)] = self.sigs[:len(self.ids)]
            sizes = np.zeros(cap, dtype=np.int32)
            sizes[:len(self.ids)] = self.sizes[:len(self.ids)]
            self.sigs, self.sizes = sigs, sizes

    def _add(self, art: Article, key: int, sig: np.ndarray, bands: list[int],
             size: int) -> None:
        idx = len(self.ids)
        match = self._exact(key) or self._near(sig, bands, size)
        self.ids.append(art.id)
        self.dates.append(art.date or UNDATED)
        self.parent.append(idx)
        self.sigs[idx], self.sizes[idx] = sig, size
        self._batch[idx] = art
        art.duplicate_of = None
        if match is None or (match.kind == "near" and key not in self.exact):
            self.exact[key] = idx
            self.dirty.add(key)
        if match is None or match.kind == "near":
            self._insert(idx, bands, size)
        if match is None:
            return
        art.signals["dedupe"] = self._evidence(match, self.ids[match.of])
        old = self._join(idx, match.of)
        if old is not None:
            art.signals["dedupe"]["supersedes"] = self.ids[old]
            if old in self._batch and "dedupe" not in self._batch[old].signals:
                self._batch[old].signals["dedupe"] = self._evidence(match, art.id)

    @staticmethod
    def _evidence(match: Match, of: str) -> dict[str, Any]:
        return {"kind": match.kind, "of": of, "jaccard": round(match.jaccard, 3),
                "containment": round(match.containment, 3)}

    def _exact(self, key: int) -> Match | None:
        idx = self.exact.get(key)
        return None if idx is None else Match("exact", idx, 1.0, 1.0)

    def _insert(self, idx: int, bands: list[int], size: int) -> None:
        if size < self.config.min_shingles:
            return
        self.dirty.update(bands)
        for key in bands:
            held = self.buckets.get(key)
            if held is None:
                self.buckets[key] = idx
            elif isinstance(held, list):
                held.append(idx)
            else:
                self.buckets[key] = [held, idx]

    def _candidates(self, bands: list[int]) -> np.ndarray:
        found: set[int] = set()
        for key in bands:
            held = self.buckets.get(key)
            if isinstance(held, list):
                found.update(held)
            elif held is not None:
                found.add(held)
        return np.fromiter(found, dtype=np.int64, count=len(found))

    def _near(self, sig: np.ndarray, bands: list[int], size: int) -> Match | None:
        """The best verified near match among the LSH candidates, if any."""
        cfg = self.config
        if size < cfg.min_shingles:
            return None
        cands = self._candidates(bands)
        if not len(cands):
            return None
        jac = (self.sigs[cands] == sig).mean(axis=1)
        other = self.sizes[cands].astype(np.float64)
        small, large = np.minimum(other, size), np.maximum(other, size)
        cont = np.minimum(1.0, jac * (other + size) / ((1.0 + jac) * small))
        ok = (cont >= cfg.min_containment) & (small >= cfg.min_size_ratio * large)
        if not ok.any():
            return None
        best = max(np.flatnonzero(ok), key=lambda i: (cont[i], jac[i], -cands[i]))
        return Match("near", int(cands[best]), float(jac[best]), float(cont[best]))

    def find(self, idx: int) -> int:
        """The canonical record of ``idx``'s cluster (with path halving)."""
        parent = self.parent
        while parent[idx] != idx:
            parent[idx] = parent[parent[idx]]
            idx = parent[idx]
        return idx

    def _join(self, idx: int, matched: int) -> int | None:
        """Put ``idx`` in ``matched``'s cluster; an earlier-dated record becomes canonical.

        Returns the canonical it superseded, if any.
        """
        root = self.find(matched)
        if (self.dates[idx], idx) >= (self.dates[root], root):
            self.parent[idx] = root
            return None
        self.parent[root] = idx
        if root not in self._batch:
            self.superseded[root] = idx
        return root

    @property
    def repointed(self) -> dict[str, str]:
        """Canonicals of earlier batches that an earlier-dated copy replaced: old id -> the
        cluster's canonical id now. Their records (and those whose ``duplicate_of`` is the
        old id) were emitted before; a store may rewrite them."""
        return {self.ids[old]: self.ids[self.find(new)] for old, new in self.superseded.items()}

    def _settle(self, live: list[Article], first: int) -> None:
        """Point the batch's records at their cluster's canonical as it stands now."""
        for k, art in enumerate(live):
            idx = first + k
            root = self.find(idx)
            art.duplicate_of = None if root == idx else self.ids[root]
            if "dedupe" in art.signals:
                art.signals["dedupe"]["canonical"] = root == idx
        self._batch = {}
