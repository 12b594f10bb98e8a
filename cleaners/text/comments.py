"""Reader comment threads on text that lost its markup.

A thread is a run of short *signature* lines, each a commenter's name with a date and a
time or a reply prompt ('by randfish on November 9, 2010 at 8:23 am. Reply #', 'Posted by:
Dan | September 13, 2012 at 05:56 AM', '#1.1 - Tue Jul 24, 2012 10:35 AM EDT', 'Ann says:'),
with readers' prose between them. Its prose reads like the article's, so the line model
keeps much of it; its signatures do not. From the thread's head ('53 Responses to ...',
'Leave a Reply', 'Discuss this post') or its first signature, the rest of the dump goes.

An article's own dateline ('October 25th, 2012 by Dan Meyer') stands before its first prose
paragraph and never starts a thread; a live blog's entries carry a time but no date and no
signature, so they never make one.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from itertools import accumulate

from cleaners.text import lines as L
from cleaners.text.layout import Line
from cleaners.text.linefeatures import COMMENT_HEAD

DIGIT = re.compile(r"\d")
CLOCK = re.compile(r"\b\d{1,2}:\d{2}(?::\d{2})?\s*(?:[ap]\.?m\b|[A-Z]{2,4}\b)?", re.I)
AGO = re.compile(r"\b\d+\s+(?:minutes?|hours?|days?|weeks?|months?|years?)\s+ago\b", re.I)
SIGNED = re.compile(r"^\W*(?:posted |written |submitted )?by\b|\b(?:says|said|wrote)\W*$|"
                    r"\breply\b|\bpermalink\b|^\W*#\d", re.I)
HEAD = re.compile(r"\bcomment|\bdiscuss|^\W*\d+\s+(?:responses?|replies|thoughts|reactions)\b",
                  re.I)  # 'Comments', 'Discuss this post', '53 Responses to ...'
MAX_SIGNATURE_WORDS = 25
MAX_COMMENT_WORDS = 300  # median prose between two signatures of a thread; a head's reach
MIN_SIGNATURES = 3  # a thread: three signed comments (two could be a quoted exchange)
MIN_ARTICLE_WORDS = 30  # prose words the dump must keep before a thread is cut, and at
# least those of the thread's first comment: else the 'thread' may start at the byline


def is_signature(text: str) -> bool:
    """A comment's signature line: dated and timed, or a name with a date or a prompt."""
    if len(text) > 200:
        return False
    if not DIGIT.search(text):  # no date, no time: a 'says:' or 'Reply' line at most
        return len(text) <= 100 and bool(COMMENT_HEAD.match(text))
    if len(L.words(text)) > MAX_SIGNATURE_WORDS:
        return False
    dated = bool(L.HAS_DATE.search(text) or AGO.search(text))
    timed = bool(CLOCK.search(text))
    return (dated and timed) or bool(COMMENT_HEAD.match(text)) or (
        (dated or timed) and bool(SIGNED.search(text)))


def is_dated(text: str) -> bool:
    return bool(L.HAS_DATE.search(text) or AGO.search(text) or CLOCK.search(text))


def signatures(lines: list[Line], first_body: int) -> list[list[int]]:
    """The signature lines after the first prose paragraph, those with no words between
    them taken together ('Ann says:' over its date, a 'Reply' over the next name)."""
    groups: list[list[int]] = []
    for i in range(first_body + 1, len(lines)):
        if lines[i].prose or not is_signature(lines[i].text):
            continue
        if groups and not any(ln.words for ln in lines[groups[-1][-1] + 1:i]):
            groups[-1].append(i)
        else:
            groups.append([i])
    return groups


def thread_start(lines: list[Line], first_body: int) -> tuple[int, int] | None:
    """(first line of the comment thread, its signed comments), or None. The thread starts
    at the first dated signature after the first prose paragraph (or at a head line just
    before it) that the article outweighs: the prose kept before it must hold more words
    than the first comment, else that 'comment' is the article under its own dateline and
    the next signature is tried."""
    groups = signatures(lines, first_body)
    signed = [g[0] for g in groups]
    words = _upto(lines, lambda ln: True)  # words[i]: the words of lines[:i]
    prose = _upto(lines, lambda ln: ln.prose)
    kept = _upto(lines, lambda ln: ln.prose and ln.drop is None)
    for k in range(len(groups) - MIN_SIGNATURES + 1):
        if not any(is_dated(lines[i].text) for i in groups[k]):  # 'Like!' may be the article's
            continue
        gaps = sorted(words[b] - words[a + 1] for a, b in zip(signed[k:], signed[k + 1:]))
        if gaps[len(gaps) // 2] > MAX_COMMENT_WORDS:
            continue
        start = head_of(lines, signed[k], first_body)
        if kept[start] >= max(MIN_ARTICLE_WORDS, prose[signed[k + 1]] - prose[start]):
            return start, len(groups) - k
    return None


def _upto(lines: list[Line], counts: Callable[[Line], bool]) -> list[int]:
    """Running word totals of the lines ``counts`` takes: [0, after line 0, ...]."""
    return [0, *accumulate(ln.words if counts(ln) else 0 for ln in lines)]


def head_of(lines: list[Line], first: int, first_body: int) -> int:
    """The thread's head line ('53 Comments', 'Discuss this post') within a comment's
    words before its first signature (a signature may follow its comment), else ``first``."""
    words = 0
    for i in range(first - 1, first_body, -1):
        words += lines[i].words
        if words > MAX_COMMENT_WORDS:
            break
        if not lines[i].prose and HEAD.search(lines[i].text) and len(L.words(lines[i].text)) <= 20:
            return i
    return first


def cut_comments(lines: list[Line], first_body: int) -> int | None:
    """Drop the comment thread, if the dump has one; where it starts (the article guard
    measures the article before it)."""
    found = thread_start(lines, first_body)
    if found is None:
        return None
    start, signatures = found
    lines[start].tail_marker = True
    for line in lines[start:]:
        if line.drop is None:
            line.drop, line.why = "comments", f"comment thread: {signatures} signed comments"
    return start
