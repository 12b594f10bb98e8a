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
