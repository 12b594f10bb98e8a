"""Originality against every recent earlier article: reuse is found whatever story the
derived text lands in, within the reuse window, and independent reports stay original."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaners.config import Config, StoriesConfig
from cleaners.corpus.reuse import ReuseIndex
from cleaners.corpus.stage import CorpusStage
from cleaners.store import Store

from tests.test_stories import CRICKET, LAVROV, STRIKES

RELEASE = STRIKES.body.split("\n\n")[1]  # the air force's figures, lifted word for word


def stream(*batches):
    """Run the corpus step over ``batches`` (lists of Articles) on a fresh store."""
    stage = CorpusStage(Config(), Store())
    for batch in batches:
        stage.add_batch(batch)
        stage.commit()
    return stage


def embedded(art_id: str, date: str):
    """The cricket report with a paragraph of the Kyiv strikes report inside, dated ``date``."""
    host = CRICKET.body.split("\n\n")
    return replace(CRICKET, id=art_id, date=date, body="\n\n".join([host[0], RELEASE, host[1]]))


def test_reuse_in_another_story_is_found_and_located() -> None:
    """The story step keeps the two reports apart; originality still finds the passage and
    where it came from."""
    source, derived = replace(STRIKES), embedded("cricket-and-strikes", "2023-12-30")
    stream([source], [derived])
    assert derived.story != source.story and derived.duplicate_of is None
    assert 0.3 < derived.scores["originality"] < 0.9
    assert {p["source_id"] for p in derived.reused} == {source.id}
    assert all(derived.body[p["start"]:p["end"]] == p["text"] and p["text"] in RELEASE
               for p in derived.reused)


def test_reuse_past_the_story_window_but_not_past_the_reuse_window() -> None:
    config = StoriesConfig()
    later, stale = embedded("later", "2024-02-15"), embedded("stale", "2024-06-16")
    assert 48 > config.window_days and 170 > config.reuse_days  # days after the source
    source = replace(STRIKES)
    stream([source], [later])
    assert later.scores["originality"] < 0.9
    assert {p["source_id"] for p in later.reused} == {source.id}
    stream([replace(STRIKES)], [stale])
    assert stale.scores["originality"] == 1.0 and stale.reused == []


def test_a_derived_text_of_another_story_is_low_and_independent_reports_stay_high() -> None:
    brief = replace(STRIKES, id="brief", date="2023-12-30", title=None,
                    body=RELEASE + " Ukraine asked for more air defence.")
    others = [replace(CRICKET), replace(LAVROV, date="2023-12-29")]
    stream([replace(STRIKES)] + others, [brief])
    assert brief.scores["originality"] < 0.2
    assert all(a.scores["originality"] == 1.0 for a in others)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 2**64 - 1), min_size=StoriesConfig().reuse_window, max_size=40),
       st.lists(st.integers(0, 2**64 - 1), max_size=30),
       st.lists(st.integers(0, 2**64 - 1), max_size=30))
def test_texts_sharing_a_window_of_5grams_share_an_anchor(run, left, right) -> None:
    """Winnowing's guarantee: a shared run of reuse_window 5-grams yields a shared anchor,
    whatever surrounds it."""
    index = ReuseIndex(StoriesConfig())
    one = np.array(left + run, dtype=np.uint64)
    two = np.array(run + right, dtype=np.uint64)
    assert set(index.anchors(one)) & set(index.anchors(two))
