"""The dedupe and story indexes in the store: loaded whole when a run starts, and after each
batch only what the batch changed is written (new records, touched LSH buckets, changed
union-find parents, touched stories and document frequencies)."""
from __future__ import annotations

import json
from collections import Counter


import numpy as np

from cleaners.config import DedupeConfig, StoriesConfig
from cleaners.corpus.dedupe import DedupeIndex, Signed
from cleaners.corpus.docfreq import KEY, Delta, DocFreq, term_keys
from cleaners.corpus.stories import DAY, StoryIndex
from cleaners.store import Store
from cleaners.store.tables import chunks, unsigned
from cleaners.store.tables import signed as signed_key

DEDUPE_KEYS = ("num_perm", "seed", "bands", "rows", "shingle_words")


class DedupeTables:
    """Loads a :class:`DedupeIndex` from the store and saves what each batch changed."""

    def __init__(self, store: Store, config: DedupeConfig) -> None:
        self.store = store
        store.check_settings("dedupe", {k: getattr(config, k) for k in DEDUPE_KEYS})
        self.index = DedupeIndex(config)
        self._load()
        self.saved = len(self.index)
        self.saved_parent = np.asarray(self.index.parent, dtype=np.int64)
        self.saved_superseded = len(self.index.superseded)

    def _load(self) -> None:
        index, db = self.index, self.store.db
        rows = db.execute("SELECT id, date, parent, size, sig FROM records ORDER BY idx").fetchall()
        index._grow(len(rows))
        for i, (art_id, date, parent, size, sig) in enumerate(rows):
            index.ids.append(art_id)
            index.dates.append(date)
            index.parent.append(parent)
            index.sizes[i] = size
            index.sigs[i] = np.frombuffer(sig, dtype=np.uint32)
        index.superseded = dict(db.execute("SELECT old, new FROM superseded ORDER BY rowid"))
        index.dirty.clear()

    def prepare(self, signed: Signed) -> None:
        """Load the exact keys and LSH buckets a batch looks up (and no others): the
        buckets of a large index would otherwise hold ~3 KB of Python objects per article."""
        index, db = self.index, self.store.db
        index.exact, index.buckets = {}, {}
        keys = sorted({signed_key(k) for k in signed.keys})
        bands = sorted({signed_key(k) for row in signed.bands for k in row})
        for part in chunks(keys):
            marks = ",".join("?" * len(part))
            index.exact.update((unsigned(k), v) for k, v in db.execute(
                f"SELECT key, idx FROM exact WHERE key IN ({marks})", part))
        for part in chunks(bands):
            marks = ",".join("?" * len(part))
            for key, idxs in db.execute(f"SELECT key, idxs FROM bands WHERE key IN ({marks})",
                                        part):
                held = np.frombuffer(idxs, dtype=np.int32).tolist()
                index.buckets[unsigned(key)] = held[0] if len(held) == 1 else held

    def save(self) -> None:
        """Write the changes since the last save; call inside the batch's transaction."""
        index, db = self.index, self.store.db
        n = len(index)
        db.executemany("INSERT INTO records VALUES (?, ?, ?, ?, ?, ?)", (
            (i, index.ids[i], index.dates[i], index.parent[i], int(index.sizes[i]),
             index.sigs[i].tobytes()) for i in range(self.saved, n)))
        parent = np.asarray(index.parent, dtype=np.int64)
        moved = np.flatnonzero(parent[:self.saved] != self.saved_parent[:self.saved])
        db.executemany("UPDATE records SET parent = ? WHERE idx = ?",
                       ((int(parent[i]), int(i)) for i in moved))
        exact, rows = [], []
        for key in index.dirty:
            if key in index.exact:
                exact.append((signed_key(key), index.exact[key]))
            held = index.buckets.get(key)
            if held is not None:
                idxs = held if isinstance(held, list) else [held]
                rows.append((signed_key(key), np.asarray(idxs, dtype=np.int32).tobytes()))
        db.executemany("INSERT OR REPLACE INTO exact VALUES (?, ?)", exact)
        db.executemany("INSERT OR REPLACE INTO bands VALUES (?, ?)", rows)
        items = list(index.superseded.items())[self.saved_superseded:]
        db.executemany("INSERT INTO superseded VALUES (?, ?)", items)
        self.saved, self.saved_parent = n, parent
        self.saved_superseded = len(index.superseded)
        index.dirty.clear()


STORY_KEYS = ("max_words",)
DF_RUNS = 32  # saved document-frequency deltas before they are compacted into one


class StoryTables:
    """Loads a :class:`StoryIndex` (centroids, document frequencies) and saves its changes."""

    def __init__(self, store: Store, config: StoriesConfig) -> None:
        self.store = store
        store.check_settings("stories", {k: getattr(config, k) for k in STORY_KEYS})
        db = store.db
        docs = int(store.get_meta("stories.docs") or 0)
        newest = store.get_meta("stories.newest")
        newest = float(newest) if newest else None
        horizon = newest - config.retire_days * DAY if newest is not None else None
        rows = db.execute("SELECT data FROM stories WHERE last IS NULL OR last >= ? ORDER BY id",
                          (horizon if horizon is not None else float("-inf"),))
        stories = [json.loads(data) for (data,) in rows]
        self.freq, self.runs = self._load_df()
        terms = sorted({t for story in stories for t in story["centroid"]})
        df = Counter(self.freq.get(terms))
        self.index = StoryIndex.from_dict({"docs": docs, "df": df, "stories": stories}, config)
        self.index.newest = newest
        self.index.reload = self.open_on
        self.index.load_df = self.freq.get

    def _load_df(self) -> tuple[DocFreq, int]:
        """The document frequencies: the sum of the saved deltas, and how many there are."""
        rows = self.store.db.execute("SELECT keys, counts FROM df_runs ORDER BY n").fetchall()
        deltas = [Delta.from_bytes(keys, counts) for keys, counts in rows]
        return DocFreq(Delta.summed([d.keys for d in deltas], [d.counts for d in deltas])), len(rows)

    def _save_df(self) -> None:
        """Save the batch's delta; past ``DF_RUNS`` deltas, replace them all by their sum."""
        index, db = self.index, self.store.db
        delta = Delta.of(index.df_added)
        self.freq.merge(delta)
        if self.runs >= DF_RUNS:
            db.execute("DELETE FROM df_runs")
            delta, self.runs = self.freq.whole(), 0
        db.execute("INSERT INTO df_runs (keys, counts) VALUES (?, ?)", delta.to_bytes())
        self.runs += 1
        index.df_added.clear()

    def open_on(self, days: list[int], window: float, skip: set[str],
                terms: set[str]) -> list[dict]:
        """Stored stories open on any of ``days`` (day numbers since the epoch) whose centroid
        holds one of ``terms``, but those in ``skip`` (in memory already). Only the term
        hashes of the stories in the span are read (a short row each), and only the matches'
        JSON (bench/load.py: reading and parsing every story in the span was a fifth of the
        main process' CPU by 40,000 inputs)."""
        db, found = self.store.db, {}
        for start, end in _spans(days, window):
            for sid, blob in db.execute(
                    "SELECT id, terms FROM story_terms WHERE last >= ? AND first <= ?", (start, end)):
                if sid not in skip:
                    found[sid] = blob
        if not found:
            return []
        ids, blobs = list(found), list(found.values())
        keys = np.frombuffer(b"".join(blobs), dtype=KEY)
        owner = np.repeat(np.arange(len(ids)), [len(b) // keys.itemsize for b in blobs])
        hits = np.unique(owner[np.isin(keys, term_keys(terms))])
        return [json.loads(db.execute("SELECT data FROM stories WHERE id = ?",
                                      (ids[i],)).fetchone()[0])
                for i in sorted(hits, key=ids.__getitem__)]

    def save(self) -> None:
        index, db = self.index, self.store.db
        gone = [sid for sid in index.dirty if sid not in index.stories]
        for table in ("stories", "story_terms"):
            db.executemany(f"DELETE FROM {table} WHERE id = ?", ((sid,) for sid in gone))
        kept = [(sid, story) for sid in sorted(index.dirty) if (story := index.stories.get(sid))]
        db.executemany("INSERT OR REPLACE INTO stories VALUES (?, ?, ?, ?)", (
            (sid, story.start, story.last, json.dumps(vars(story))) for sid, story in kept))
        db.executemany("INSERT OR REPLACE INTO story_terms VALUES (?, ?, ?, ?)", (
            (sid, story.start, story.last, term_keys(story.centroid).tobytes())
            for sid, story in kept))
        self._save_df()
        self.store.set_meta("stories.docs", str(index.docs))
        if index.newest is not None:
            self.store.set_meta("stories.newest", repr(index.newest))
        index.dirty.clear()


def _spans(days: list[int], window: float) -> list[tuple[float, float]]:
    """The time spans within ``window`` of the sorted ``days``, overlapping ones merged."""
    spans: list[tuple[float, float]] = []
    for day in days:
        start, end = day * DAY - window, (day + 1) * DAY + window
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return spans
