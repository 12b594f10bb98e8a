"""Text dumps by other renderers: hard-wrapped text is judged by blocks, lists keep their
lines, a menu is never the title, a lone first-line headline is, and a cut that would lose
the article backs off."""
from __future__ import annotations

import textwrap

from cleaners.config import Config
from cleaners.pipeline import process
from cleaners.read.rawdoc import RawDoc
from cleaners.text.layout import split_lines, wrap_width
from tests.conftest import ROOT

SEED = sorted((ROOT / "seeds").glob("*.txt"))[0]


def seed_paragraphs() -> list[str]:
    text = SEED.read_text(encoding="utf-8").split("\n", 1)[1]  # the dump header goes
    paragraphs = [" ".join(p.split()) for p in text.split("\n\n") if len(p.split()) >= 12]
    return paragraphs[:6]


def wrap(paragraphs: list[str], width: int, margin: int = 0) -> str:
    return "\n\n".join(textwrap.fill(p, width, initial_indent=" " * margin,
                                     subsequent_indent=" " * margin) for p in paragraphs)


def clean(text: str) -> dict:
    return process(RawDoc(id="t", source="t.txt", format="text", content=text), Config()).to_dict()


def test_hard_wrapped_paragraphs_become_blocks_again() -> None:
    story = seed_paragraphs()
    for width, margin in ((72, 0), (80, 3), (100, 2)):
        text = wrap(story, width, margin)
        assert wrap_width(text) is not None
        lines = split_lines(text)[0]
        assert [ln.text for ln in lines] == story, width
        assert max(ln.wrapped for ln in lines) >= 3


def test_unwrapped_text_and_lists_keep_their_lines() -> None:
    story = seed_paragraphs()
    assert wrap_width("\n\n".join(story)) is None  # one paragraph a line: not wrapped
    menu = ["  * Home", "  * India", "  * World", "  * Business", "  * Sports"]
    lines = split_lines("\n".join(menu) + "\n\n" + wrap(story, 80))[0]
    assert [ln.text for ln in lines[:5]] == [m.strip() for m in menu]
    assert all(ln.wrapped == 1 for ln in lines[:5])


def test_a_wrap_is_read_from_the_lines_it_broke_whatever_the_menus() -> None:
    """A wrapped page whose menus and teasers outnumber its paragraph lines (Dragnet wrap100:
    390 of 1,381 dumps went unread so): the paragraphs still come back as blocks. Teasers
    that end near the width but whose next line would have fitted read no wrap."""
    story = seed_paragraphs()
    teasers = [f"{city} restaurant news of the week" for city in (
        "Boston", "Chicago", "Denver", "Seattle", "Austin", "Miami", "Dallas", "Houston",
        "Atlanta", "Portland", "Phoenix", "Detroit")]
    text = "\n".join(teasers * 4) + "\n\n" + wrap(story, 80) + "\n\n" + "\n".join(teasers)
    assert wrap_width(text) == 80  # the share of full lines (0.3 of all) called it unwrapped
    assert [ln.text for ln in split_lines(text)[0] if ln.wrapped > 1] == story
    ragged = "\n".join(f"{t} and {t}" for t in teasers[:12])  # 60-80 characters, unbroken
    assert wrap_width(ragged + "\n\n" + "\n\n".join(story)) is None
    # a list of full-width items is no evidence either way: an item never continues a line
    items = "\n".join(f"  \u2022 {t} and its wine bars - 10 February 2026"
                      for t in teasers * 4)
    assert wrap_width(wrap(story, 80) + "\n\n" + items) == 80


def test_a_wrapped_dump_keeps_its_story_and_loses_its_menu() -> None:
    story = seed_paragraphs()
    menu = "Home | India | World | Business | Sports | Opinion | Videos | Photos | Live TV"
    text = (menu + "\n\n" + wrap(story, 80) + "\n\nRelated Posts\n\n"
            + "\n".join(["Modi thanks Putin for the invitation", "India and Russia sign pact",
                         "Jaishankar meets Lavrov in Moscow"]))
    rec = clean(text)
    assert rec["status"] == "ok"
    assert rec["body"].split("\n\n") == story
    assert rec["title"] != menu


def test_a_menu_line_above_the_headline_is_not_the_title() -> None:
    story = seed_paragraphs()
    headline = "Putin hails steady ties with India"
    text = ("Home | India | World | Business | Sports | Opinion\n\n" + headline + "\n\n"
            + "\n\n".join(story))
    assert clean(text)["title"] == headline


def test_a_short_headline_alone_on_the_first_line_is_the_title() -> None:
    story = seed_paragraphs()
    rec = clean("Radcliffe enjoys winning comeback\n\n\n" + "\n\n".join(story))
    assert rec["title"] == "Radcliffe enjoys winning comeback"
    assert rec["body"].split("\n\n") == story


def test_a_menu_after_a_skip_link_is_navigation_without_the_model() -> None:
    """'Skip to content' above the menu does not end the leading run of menu lines."""
    from dataclasses import replace
    story = seed_paragraphs()
    menu = ["Skip to content", "* Home", "* World", "* Business", "* Sport"]
    config = Config()
    config = replace(config, text=replace(config.text, line_model="off"))
    raw = RawDoc(id="t", source="t.txt", format="text", content="\n".join(menu) + "\n\n"
                 + "\n\n".join(story))
    rec = process(raw, config).to_dict()
    assert rec["body"].split("\n\n") == story
    assert {c["text"] for c in rec["changes"] if c["action"] == "drop_navigation"} == set(menu)


def test_a_blog_paragraph_closed_by_its_source_link_is_prose() -> None:
    """A 2012 blog post of one paragraph ending in its source's bracketed link ('... this
    budding critic. [LA Weekly]', Dragnet dev R786, in Markdown as html2text writes it): a
    paragraph, so the guard keeps it when the cut would lose it (it was a 'not prose'
    line, and the record kept 36 words of 'Welcome to Eater National' and a Facebook
    prompt). The shorter credit forms read the same; a link list does not."""
    import gzip

    import html2text

    page = gzip.decompress((ROOT.parent / "shared/bench/extraction/dragnet_dev/html/R786.html.gz")
                           .read_bytes()).decode("utf-8", "replace")
    markdown = html2text.HTML2Text()
    markdown.body_width = 0
    body = clean(markdown.handle(page))["body"] or ""
    assert "I carefully chose one meal after another the courses were" in body
    assert "the courses were very tiny and very unexpected" in body  # no ** left
    assert "budding critic. [LA Weekly]" in body
    from cleaners.text.lines import ends_prose
    assert ends_prose("said on Monday. (AP)") and ends_prose("a fine dish. (via Gawker)")
    assert not ends_prose("Home [News] [Sport]") and not ends_prose("see more [link]")


def test_markdown_emphasis_marks_go_and_the_words_stay() -> None:
    """html2text writes <strong>/<em> as ``**``/``_``: in a Markdown dump the marks go, the
    words stay, and what is not emphasis (a bullet, snake_case, arithmetic, a rating, a
    censored word, marks against a word) is left as it is."""
    from cleaners.text.layout import read_line

    def text(raw: str) -> str:
        return read_line(raw, 0, markdown=True)[0].text

    assert text("Opinionated chef **Claude Bosi** of two Michelin star **Hibiscus**launched "
                "a tirade") == ("Opinionated chef Claude Bosi of two Michelin star "
                                "**Hibiscus**launched a tirade")
    assert text("Where to Eat Pimento Cheese _Right Now_") == "Where to Eat Pimento Cheese Right Now"
    assert text("a *quick* and __plain__ note") == "a quick and plain note"
    for plain in ("* Home", "my_file_name.txt and 2 * 3 * 4", "rated 4* by 5* guests", "*** END ***",
                  'the "f****** grifters"', "f*ck and sh*t"):
        assert text(plain) == plain


def test_markdown_escapes_and_loose_strong_marks_go_in_a_markdown_dump() -> None:
    """html2text's escapes (``1\\.``, ``\\(IaaS\\)``) and the strong marks CommonMark would
    leave as they are (``**Wei Zheng, **Chief``) go from a Markdown dump (one with a link);
    in plain text every mark stays: a backslash is code (``\\d+\\.\\d+``), asterisks are the
    author's (a censored word, an italic aside)."""
    markdown = ("[Home](https://example.com/)\n\n"
                "1\\. Answer engines are becoming a new search frontier \\(IaaS\\)\n\n"
                "LinkedIn **Wei Zheng, **Chief Product Officer\n\n"
                "\\*not emphasis\\*")
    assert [line.text for line in split_lines(markdown)[0]] == [
        "Home", "1. Answer engines are becoming a new search frontier (IaaS)",
        "LinkedIn Wei Zheng, Chief Product Officer",
        "*not emphasis*"]
    plain = ("Match it with the pattern \\d+\\.\\d+ before the **first** dot\n\n"
             'They were "f****** grifters". *Sharks begin circling*')
    assert [line.text for line in split_lines(plain)[0]] == plain.split("\n\n")
