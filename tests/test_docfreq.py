"""Document frequencies kept as sorted term hashes: the same counts as a Counter, through
merges, saved deltas and their compaction."""
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from cleaners.corpus.stories.docfreq import Delta, DocFreq

TERMS = st.text(alphabet="abcdefgh n:", min_size=1, max_size=6)
BATCHES = st.lists(st.lists(st.sets(TERMS, max_size=8), max_size=6), max_size=6)


@settings(max_examples=60, deadline=None)
@given(BATCHES)
def test_merged_deltas_count_like_a_counter(batches):
    truth, freq, saved = Counter(), DocFreq(), []
    for docs in batches:
        added = Counter(t for doc in docs for t in doc)
        truth.update(added)
        delta = Delta.of(added)
        freq.merge(delta)
        saved.append(Delta.from_bytes(*delta.to_bytes()))
        probe = sorted(truth) + ["never seen"]
        assert freq.get(probe) == {t: truth[t] for t in truth}
    loaded = DocFreq(Delta.summed([d.keys for d in saved], [d.counts for d in saved]))
    assert loaded.get(sorted(truth)) == dict(truth)
    compacted = DocFreq(Delta.from_bytes(*freq.whole().to_bytes()))
    assert compacted.get(sorted(truth)) == dict(truth)
    assert len(compacted) == len(truth)


def test_real_terms_of_a_seed_article():
    from pathlib import Path

    from cleaners.corpus.stories.terms import term_counts
    text = sorted(Path(__file__).resolve().parent.parent.joinpath("seeds").glob("*.txt"))[0]
    terms = term_counts(None, text.read_text(encoding="utf-8"), 300)
    freq = DocFreq()
    freq.merge(Delta.of(Counter(terms.keys())))
    freq.merge(Delta.of(Counter(list(terms)[:10])))
    got = freq.get(list(terms))
    assert len(got) == len(terms) > 100
    assert sum(got.values()) == len(terms) + 10
