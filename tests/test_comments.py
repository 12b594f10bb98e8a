"""Reader comment threads on dumps: the thread after the article goes whatever the blog
engine's signature looks like; the article's own dateline, a live blog's timed entries and
a short exchange quoted in the story never start one."""
from __future__ import annotations

from dataclasses import replace

import pytest

from cleaners.config import Config
from cleaners.pipeline import process
from cleaners.read.rawdoc import RawDoc
from tests.conftest import ROOT
from tests.test_dumps import seed_paragraphs, wrap

SEEDS = sorted((ROOT / "seeds").glob("*.txt"))


def other_paragraphs() -> list[str]:
    """Readers' comments: paragraphs of another outlet's report (real prose, another text)."""
    text = SEEDS[2].read_text(encoding="utf-8").split("\n", 1)[1]
    return [" ".join(p.split()) for p in text.split("\n\n") if len(p.split()) >= 12][:4]


def clean(text: str, config: Config | None = None) -> dict:
    raw = RawDoc(id="t", source="t.txt", format="text", content=text)
    return process(raw, config or Config()).to_dict()


# three blog engines' signatures, each with the comment before or after it
WORDPRESS = ("{name} says:\nOctober {day}, 2012 at {hour}:24 am\n\n{comment}\n\nReply", "before")
TYPEPAD = ("{comment}\n\nPosted by: {name} | October {day}, 2012 at {hour}:56 AM", "after")
NUMBERED = ("on {day} Oct 2012 at {hour}:14 pm{n} {name}\n\n{comment}", "before")
NAMES = ("Timon Piccini", "Anna M.", "David Lippman", "Marc Garneau")


def thread(engine: str, head: str) -> str:
    comments = [engine.format(name=name, day=10 + n, hour=n + 1, n=n + 1, comment=comment)
                for n, (name, comment) in enumerate(zip(NAMES, other_paragraphs()))]
    return head + "\n\n" + "\n\n".join(comments)


@pytest.mark.parametrize("engine,head", [(WORDPRESS[0], "4 Responses to \u201cPutin and India\u201d"),
                                         (TYPEPAD[0], "Comments"),
                                         (NUMBERED[0], "4 Comments \u00bb")])
def test_a_comment_thread_after_the_article_goes(engine: str, head: str) -> None:
    story = seed_paragraphs()
    text = "\n\n".join(story) + "\n\n" + thread(engine, head)
    rec = clean(text)
    assert rec["body"].split("\n\n") == story
    gone = {c["text"]: c.get("why") for c in rec["changes"] if c["action"].startswith("drop_")}
    assert head in gone
    for comment in other_paragraphs():
        assert gone[comment].startswith("comment thread: ")
    kept = clean(text, replace(Config(), text=replace(Config().text, cut_comments=False)))
    assert not [c for c in kept["changes"] if (c.get("why") or "").startswith("comment thread")]


def test_a_wrapped_dump_loses_its_thread_too() -> None:
    story = seed_paragraphs()
    text = wrap(story + thread(WORDPRESS[0], "Leave a Reply").split("\n\n"), 80)
    assert clean(text)["body"].split("\n\n") == story


def test_the_articles_own_dateline_never_starts_a_thread() -> None:
    """A short post under a dateline, then its thread: the post stays whole (the first
    'comment' would be the article itself, so the thread starts at the next signature)."""
    story = seed_paragraphs()[:2]
    dateline = "Posted by Dan Meyer on October 25, 2012 at 7:00 pm"
    text = (dateline + "\n\n" + "\n\n".join(story) + "\n\n"
            + thread(WORDPRESS[0], "4 Responses"))
    body = clean(text)["body"]
    assert all(p in body for p in story)
    assert other_paragraphs()[1] not in body


def test_a_live_blog_keeps_its_timed_entries() -> None:
    """Entries stamped with a time of day and no date or signature are the article."""
    story = seed_paragraphs()
    text = "\n\n".join(f"{10 + n}:{15 * (n % 4):02d} IST\n\n{p}" for n, p in enumerate(story))
    rec = clean(text)
    assert not [c for c in rec["changes"] if (c.get("why") or "").startswith("comment thread")]
    assert all(p in rec["body"] for p in story)


def test_two_quoted_replies_are_not_a_thread() -> None:
    story = seed_paragraphs()
    exchange = ("Anna M. says:\nOctober 15, 2012 at 6:24 am\n\n" + other_paragraphs()[0]
                + "\n\nDavid Lippman says:\nOctober 15, 2012 at 7:01 am\n\n" + other_paragraphs()[1])
    text = "\n\n".join(story[:3]) + "\n\n" + exchange + "\n\n" + "\n\n".join(story[3:])
    rec = clean(text)
    assert not [c for c in rec["changes"] if (c.get("why") or "").startswith("comment thread")]
