"""The page's defusing before the parse: start tags over 20,000 characters lose their
attributes (libxml2 checks attributes pairwise; htmldate scans every value), found by a
block test (:func:`cleaners.extract.parse._oversized`) that must agree with the regex."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cleaners.config import Config
from cleaners.extract.parse import OVERSIZED_TAG, _oversized, defuse_html
from cleaners.pipeline import process
from cleaners.read.rawdoc import RawDoc
from tests.pages import ARTICLE_HTML

# lengths around the 10,000-character blocks and the 20,000-character run
LENGTHS = st.sampled_from([0, 1, 2, 9_998, 9_999, 10_000, 10_001, 19_998, 19_999, 20_000,
                           20_001, 30_000])
PIECES = st.one_of(
    st.tuples(st.just("text"), LENGTHS),  # a run of letters and spaces
    st.tuples(st.just("open"), st.sampled_from(["<img", "<a", "<x-y:z", "<", "<1"])),
    st.tuples(st.just("close"), st.just(">")),
)


def page_of(pieces: list[tuple[str, object]]) -> str:
    out = []
    for kind, value in pieces:
        out.append(("ab c" * (int(value) // 4 + 1))[:int(value)] if kind == "text" else str(value))
    return "".join(out)


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, max_size=8))
def test_the_block_test_finds_exactly_what_the_regex_finds(pieces) -> None:
    html = page_of(pieces)
    assert _oversized(html) == (OVERSIZED_TAG.search(html) is not None)


def test_an_inlined_image_loses_its_attributes_and_the_article_stays() -> None:
    """A 60,000-character data URI in the article's <img> (an inlined photo): the tag is
    emptied, once, and the page's article is extracted as without it."""
    blob = "data:image/png;base64," + "iVBORw0KGgo" * 5_500
    html = ARTICLE_HTML.replace("<h1>", f'<img alt="harbour" src="{blob}"><h1>')
    defused, dropped = defuse_html(html)
    assert dropped == 1 and blob not in defused and "<img>" in defused
    plain = process(RawDoc(id="a", source="a.html", format="html", content=ARTICLE_HTML,
                           is_html=True), Config())
    heavy = process(RawDoc(id="b", source="b.html", format="html", content=html,
                           is_html=True), Config())
    assert heavy.body == plain.body and "borrow 40 million euros" in heavy.body
    assert any(c.action == "drop_attributes" for c in heavy.changes)


def test_the_shortest_oversized_tag_is_found_at_every_offset() -> None:
    """The shortest tag the regex takes (``<a`` and 20,000 blanks) at each offset against
    the blocks is found; one blank shorter it is left alone."""
    shortest, short = "<a" + " " * 20_000 + ">", "<a" + " " * 19_999 + ">"
    assert OVERSIZED_TAG.fullmatch(shortest) and not OVERSIZED_TAG.search(short)
    for offset in range(10_010):
        pad = "<p>" + "x" * offset
        assert _oversized(pad + shortest), offset
        assert not _oversized(pad + short), offset
