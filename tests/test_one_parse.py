"""One parse, one extraction: a page is parsed once and every step reads that tree.

Each lxml entry point that builds a tree from markup is wrapped for the test; trafilatura,
htmldate and jusText all reach lxml through these (``lxml.html``'s parsers call
``etree.fromstring`` at call time), so a reader that parses the page again is counted.
"""
from __future__ import annotations

import gzip
from collections import Counter
from pathlib import Path

import pytest
import trafilatura
from lxml import etree

from cleaners.config import Config, ExtractConfig
from cleaners.extract import parse_html
from cleaners.pipeline import process
from cleaners.read.rawdoc import RawDoc
from tests.pages import ARTICLE_HTML

WCXB_DEV = Path(__file__).resolve().parents[2] / "shared/bench/extraction/wcxb_dev"
PARSERS = ("fromstring", "HTML", "XML", "parse", "fromstringlist")


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> Counter:
    """Calls of lxml's parsers and of trafilatura.extract, by name."""
    calls: Counter = Counter()

    def wrap(owner: object, name: str) -> None:
        original = getattr(owner, name)

        def counting(*args, **kwargs):
            calls[name] += 1
            return original(*args, **kwargs)
        monkeypatch.setattr(owner, name, counting)
    for name in PARSERS:
        wrap(etree, name)
    wrap(trafilatura, "extract")
    return calls


def _process(html: bytes, url: str | None = None):
    return process(RawDoc(id="page", source="page.html", format="html", content=html,
                          is_html=True, url=url), Config())


def parses(calls: Counter) -> int:
    return sum(calls[name] for name in PARSERS)


def test_the_counter_sees_a_parse(counted: Counter) -> None:
    """The wrapper counts lxml.html's own parsing (the guard below cannot pass vacuously)."""
    parse_html(ARTICLE_HTML, ExtractConfig())
    assert parses(counted) == 1
    trafilatura.extract(ARTICLE_HTML)  # parses the markup itself (more than once)
    assert parses(counted) > 2 and counted["extract"] == 1


def test_an_article_page_is_parsed_once_and_extracted_once(counted: Counter) -> None:
    art = _process(ARTICLE_HTML.encode())
    assert art.status == "ok" and "harbour renovation" in art.body
    assert parses(counted) == 1
    assert counted["extract"] == 1


@pytest.mark.skipif(not (WCXB_DEV / "html/0001.html.gz").exists(), reason="no ../shared WCXB")
def test_a_real_article_is_parsed_once_and_extracted_once(counted: Counter) -> None:
    """A WCXB dev article (WordPress, JSON-LD, lists in its body)."""
    html = gzip.decompress((WCXB_DEV / "html/0001.html.gz").read_bytes())
    art = _process(html)
    assert art.status == "ok" and art.date.startswith("2025-09-04")
    assert parses(counted) == 1
    assert counted["extract"] == 1


def test_trafilatura_leaves_the_tree_it_is_given_as_it_was() -> None:
    """Every redo and reader may take the one tree: trafilatura works on its own copy."""
    tree = parse_html(ARTICLE_HTML, ExtractConfig())
    before = etree.tostring(tree)
    assert trafilatura.extract(tree, fast=True) and trafilatura.extract(tree, fast=False)
    assert etree.tostring(tree) == before
