"""XHTML pages (an ``<?xml ... encoding="..."?>`` declaration first) extract like any page.

lxml refuses a str that carries an encoding declaration ("Unicode strings with encoding
declaration are not supported"); issue #15 found such pages as ``broken_html`` records.
The article text is real: paragraphs of a Les Echos live page (fundus fixture
``fr_LesEchos_V1``, ../shared/bench/metadata/fundus).
"""
from __future__ import annotations

import pytest

from cleaners.config import Config, ExtractConfig
from cleaners.extract import parse_html
from cleaners.extract.parse import defuse_html
from cleaners.pipeline import process
from cleaners.read.rawdoc import RawDoc

TITLE = "Europe : les ventes de voitures neuves ont progressé au premier semestre"
PARAGRAPHS = [
    "Le géant taïwanais des semi-conducteurs publie un bénéfice net en hausse de 36 % au "
    "deuxième trimestre sur un an à 247,8 milliards de dollars de Taïwan (7,6 milliards de "
    "dollars). Taiwan Semiconductor Manufacturing Company, qui compte parmi ses clients Apple "
    "et Nvidia, avait dégagé un bénéfice net de 181,8 milliards de dollars de Taïwan (5,6 "
    "milliards de dollars) à la même période de l'an dernier.",
    "L'entreprise installée à Göteborg a revu à la hausse ses prévisions pour l'ensemble du "
    "marché européen des poids lourds cette année, à 290.000 nouvelles unités, contre une "
    "prévision précédente à 280.000. Les prévisions pour le marché nord-américain des poids "
    "lourds sont restées inchangées à 290.000 unités.",
    "Le poids lourd mondial de la communication vise désormais une croissance organique de son "
    "revenu net entre 5 % et 6 % pour l'année, contre 4 % à 5 % précédemment. Et ce, « malgré "
    "un pessimisme ambiant » dû notamment « à l'incertitude politique en France mais surtout "
    "sur notre premier marché aux Etats-Unis », explique Arthur Sadoun.",
]


def xhtml_page(encoding: str) -> bytes:
    """An XHTML 1.0 news page as older CMSs serve it, encoded (and declared) in ``encoding``."""
    body = "\n".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    page = f"""<?xml version="1.0" encoding="{encoding}"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"
 "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="fr" lang="fr">
<head>
<meta http-equiv="Content-Type" content="text/html; charset={encoding}" />
<title>{TITLE} | Les Echos</title>
<meta property="og:title" content="{TITLE}" />
<meta name="author" content="Les Echos" />
<link rel="stylesheet" type="text/css" href="/css/site.css" />
</head>
<body>
<div id="header"><a href="/">Les Echos</a> <a href="/monde/">Monde</a> <a href="/bourse/">Bourse</a></div>
<div id="content">
<h1>{TITLE}</h1>
<p class="date">Publié le 18 juil. 2024 à 8:01</p>
{body}
</div>
<div id="footer"><p>© Les Echos 2024 - Tous droits réservés</p></div>
</body>
</html>
"""
    return page.encode(encoding, "xmlcharrefreplace")


@pytest.mark.parametrize("encoding", ["utf-8", "iso-8859-1"])
def test_xhtml_page_extracts_title_and_article(encoding: str) -> None:
    raw = RawDoc(id="p", source="p.html", format="html", content=xhtml_page(encoding),
                 is_html=True)
    art = process(raw, Config())
    assert art.status == "ok", art.error
    assert art.title == TITLE
    for paragraph in PARAGRAPHS:
        assert paragraph in art.body
    assert "Tous droits réservés" not in art.body
    assert art.language == "fr"


@pytest.mark.parametrize("encoding", ["utf-8", "iso-8859-1"])
def test_xhtml_without_meta_is_decoded_by_its_xml_declaration(encoding: str) -> None:
    meta = f'<meta http-equiv="Content-Type" content="text/html; charset={encoding}" />\n'
    data = xhtml_page(encoding).replace(meta.encode(), b"")
    assert b"charset" not in data
    art = process(RawDoc(id="p", source="p.html", format="html", content=data, is_html=True),
                  Config())
    assert art.status == "ok" and PARAGRAPHS[1] in art.body
    expected = ("utf-8", "utf-8") if encoding == "utf-8" else ("cp1252", "xml")
    assert (art.signals["encoding"], art.signals["encoding_from"]) == expected


def test_declaration_is_dropped_before_every_reader_of_the_page() -> None:
    text = xhtml_page("iso-8859-1").decode("cp1252")
    defused, oversized = defuse_html(text)
    assert oversized == 0 and defused.lstrip().startswith("<!DOCTYPE")
    # parse_html copes on its own too (callers that parse without defusing)
    tree = parse_html(text, ExtractConfig())
    assert tree.findtext(".//h1") == TITLE


def test_justext_fallback_reads_a_legacy_page_as_its_text() -> None:
    """jusText gets the decoded page as UTF-8 bytes; the page's own charset=iso-8859-1
    must not make it decode them again as latin-1 ('gÃ©ant', every paragraph 'bad')."""
    from cleaners.extract.html import _justext

    text, _ = defuse_html(xhtml_page("iso-8859-1").decode("cp1252"))
    paragraphs = _justext(text, "fr").splitlines()
    assert all(p in paragraphs for p in PARAGRAPHS)


# -- XHTML 1.0 Strict, as bytes and as text, after a BOM or blank lines ----------------------

# fundus fixture au_WestAustralian_V1 (../shared/bench/metadata/fundus/gold.jsonl)
STRICT_TITLE = ("Climate change: Labor on track to hit 2030 target as Chris Bowen heralds "
                "\u2018pragmatic\u2019 approach to energy shift")
STRICT_PARAGRAPHS = [
    "The Federal Government is on track to hit its 2030 emissions reduction target, according "
    "to new modelling that minister Chris Bowen will use to defend Labor\u2019s \u201cpragmatic\u201d "
    "climate policies.",
    "Mr Bowen\u2019s annual climate statement on Thursday will reveal Australia is projected to "
    "cut emissions 42.6 per cent on 2005 levels by 2030 \u2013 just shy of Labor\u2019s 43 per cent "
    "target.",
    "The latest \u201cbaseline\u201d forecast from the Department of Climate Change and Energy "
    "represents a significant improvement from 12 months ago, which showed pollution was on "
    "track to fall 37 per cent by the end of the decade.",
    "The passage of laws to introduce vehicle efficiency standards to accelerate the shift to "
    "electric cars from January 1 and the expanded capacity investment scheme are the major "
    "factors behind the fall.",
]


def strict_page() -> str:
    """An XHTML 1.0 Strict article page declared iso-8859-1 (what legacy CMSs send as
    windows-1252: its curly quotes and dashes are not in latin-1)."""
    body = "\n".join(f"<p>{p}</p>" for p in STRICT_PARAGRAPHS)
    return f"""<?xml version="1.0" encoding="iso-8859-1"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN"
  "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" lang="en">
<head>
<title>{STRICT_TITLE} | The West Australian</title>
<link rel="canonical" href="https://thewest.com.au/politics/federal-politics/c-16879335" />
</head>
<body>
<div id="nav"><ul><li><a href="/">Home</a></li><li><a href="/politics">Politics</a></li>
<li><a href="/business">Business</a></li></ul></div>
<div id="story">
<h1>{STRICT_TITLE}</h1>
<p class="byline">Headshot of Daniel Mercer</p>
{body}
</div>
<div id="footer"><p>&#169; 2024 West Australian Newspapers Limited</p></div>
</body>
</html>
"""


def assert_article(art) -> None:
    assert art.status == "ok", art.error
    for paragraph in STRICT_PARAGRAPHS:
        assert paragraph in art.body
    assert "West Australian Newspapers Limited" not in art.body


@pytest.mark.parametrize("lead", ["", "\ufeff", "\n\n  ", "\ufeff\r\n"],
                         ids=["plain", "bom", "blank-lines", "bom-newline"])
@pytest.mark.parametrize("kind", ["bytes", "str"])
def test_an_xhtml_strict_page_as_bytes_or_text_extracts(lead: str, kind: str) -> None:
    """As bytes a BOM is UTF-8's (the page re-encoded, its declaration kept), else the page
    is in windows-1252; as text (a JSONL record's html) the declaration was decoded with it."""
    page = lead + strict_page()
    if kind == "str":
        content: bytes | str = page
    elif lead.startswith("\ufeff"):
        content = b"\xef\xbb\xbf" + page[1:].encode("utf-8")
    else:
        content = page.encode("cp1252")
    art = process(RawDoc(id="p", source="p.xhtml", format="html", content=content,
                         is_html=True), Config())
    assert_article(art)
    assert art.title == STRICT_TITLE


def test_xhtml_through_every_reader(tmp_path) -> None:
    """A .xhtml file, an extensionless one, a JSONL record's html (text with its declaration)
    and WARC records served as XHTML, as XML or unlabelled; an RSS feed in a WARC record is
    not a page."""
    import json

    from tests.conftest import run_records
    from tests.pages import warc_record

    data = strict_page().encode("cp1252")
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "a.xhtml").write_bytes(data)
    (inputs / "b").write_bytes(b"\xef\xbb\xbf" + strict_page().encode("utf-8"))
    (inputs / "c.jsonl").write_text(json.dumps({"id": "c", "html": strict_page()}) + "\n")
    rss = b'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel></channel></rss>'
    (inputs / "d.warc").write_bytes(
        warc_record("https://thewest.com.au/a", "application/xhtml+xml", data)
        + warc_record("https://thewest.com.au/b", "application/xml", data)
        + warc_record("https://thewest.com.au/c", "application/octet-stream", data)
        + warc_record("https://thewest.com.au/feed", "text/xml", rss))
    records = {r["id"]: r for r in run_records([inputs], tmp_path / "out")}
    pages = ["a", "b", "c", "d:1", "d:2", "d:3"]
    for rid in pages:
        assert records[rid]["status"] == "ok", (rid, records[rid]["error"])
        assert all(p in records[rid]["body"] for p in STRICT_PARAGRAPHS), rid
    assert records["d:4"]["error"]["kind"] == "not_html"
