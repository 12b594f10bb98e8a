"""Page metadata read from real-looking pages: title, authors, date, credit and language."""
from __future__ import annotations

import json

from lxml import html as lxml_html

from cleaners.config import Config, LanguageConfig
from cleaners.language import choose_language, detect_language
from cleaners.metadata import page_metadata
from cleaners.metadata.authors import split_names
from cleaners.metadata.dates import parse_date
from cleaners.metadata.title import strip_site
from cleaners.pipeline import process
from cleaners.read.rawdoc import RawDoc

ARTICLE_LD = {
    "@context": "https://schema.org",
    "@graph": [
        {"@type": "WebSite", "name": "Abendpost", "url": "https://www.abendpost.example/"},
        {"@type": "NewsArticle", "headline": "Stadtrat beschließt neuen Radweg am Fluss",
         "datePublished": "2024-05-03T15:47:42+02:00", "dateModified": "2024-05-06T09:00:00+02:00",
         "author": [{"@type": "Person", "name": "Anna Berger und Jonas Weber"},
                    {"@type": "Organization", "name": "dpa"}],
         "publisher": {"@type": "Organization", "name": "Abendpost"}},
    ],
}

GERMAN_BODY = (
    "Der Stadtrat hat am Donnerstagabend mit großer Mehrheit beschlossen, entlang des Flusses "
    "einen neuen Radweg zu bauen. Die Arbeiten sollen im kommenden Frühjahr beginnen und etwa "
    "zwei Jahre dauern. Anwohner hatten sich seit langem für eine sichere Verbindung zwischen "
    "der Altstadt und den neuen Wohngebieten im Norden eingesetzt. Die Kosten von rund vier "
    "Millionen Euro teilen sich die Stadt und das Land.")


def page(head: str, body: str, lang: str = "de") -> str:
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">{head}</head>'
            f"<body>{body}</body></html>")


def ld_script(data: dict) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


SIDEBAR = (
    '<aside class="related"><h2>Mehr zum Thema</h2><article>'
    '<a href="/alt">Radweg-Streit im Vorjahr</a><span class="byline">Von Peter Alt</span>'
    '<time datetime="2023-01-10T08:00:00+01:00">10.01.2023</time></article></aside>')

FULL_PAGE = page(
    '<title>Stadtrat beschließt neuen Radweg am Fluss | Abendpost</title>'
    '<meta property="og:site_name" content="Abendpost">'
    '<meta property="og:title" content="Stadtrat beschließt neuen Radweg am Fluss - Abendpost">'
    + ld_script(ARTICLE_LD),
    '<header><a class="logo">Abendpost</a></header><main><article>'
    "<h1>Stadtrat beschließt neuen Radweg am Fluss</h1>"
    '<p class="byline">Von Anna Berger und Jonas Weber, dpa</p>'
    + "".join(f"<p>{GERMAN_BODY}</p>" for _ in range(3)) + "</article>" + SIDEBAR + "</main>")


def meta_of(html: str):
    return page_metadata(lxml_html.document_fromstring(html), None)


def test_title_without_site_suffix() -> None:
    html = page('<title>Ampel fällt aus – Chaos am Ring | Abendpost</title>'
                '<meta property="og:site_name" content="Abendpost">'
                '<meta property="og:title" '
                'content="Ampel fällt aus – Chaos am Ring | Abendpost">',
                "<h1>Ampel fällt aus – Chaos am Ring</h1><p>Text.</p>")
    assert meta_of(html).title == "Ampel fällt aus – Chaos am Ring"


def test_site_suffix_with_date_and_section_labels() -> None:
    sites = {"dw", "dwcom"}
    assert strip_site("Wahl in Russland: Was nun? | DW | 28.04.2023", sites) == \
        "Wahl in Russland: Was nun?"
    assert strip_site("DW - Wahl in Russland", sites) == "Wahl in Russland"
    # a dash inside the headline is not a separator unless the site follows it
    headline = "Post-Vac-Syndrom: Was wissen wir?"
    assert strip_site(headline, sites) == headline


def test_authors_split_cleaned_and_agency_credit() -> None:
    meta = meta_of(FULL_PAGE)
    assert meta.title == "Stadtrat beschließt neuen Radweg am Fluss"
    assert meta.authors == ["Anna Berger", "Jonas Weber"]  # the agency is the credit
    assert meta.credit == "dpa"
    assert meta.site == "Abendpost"


def test_split_names_prefixes_roles_and_emails() -> None:
    assert split_names("By Jane Doe and John Roe") == ["Jane Doe", "John Roe"]
    assert split_names("Von: JÖRG MEIER") == ["JÖRG MEIER"]
    assert split_names("Por María López y Juan Pérez") == ["María López", "Juan Pérez"]
    assert split_names("Jon King, News Reporter") == ["Jon King"]
    assert split_names("Par Claire Martin (avec AFP)") == ["Claire Martin"]
    assert split_names("https://www.example.com/authors/jane-doe/") == []
    assert split_names("d.kuckelkorn@zeitung.example") == []
    assert split_names("Deutsche Presse-Agentur") == ["Deutsche Presse-Agentur"]
    # a date after the name goes, its month only when a day or year followed
    assert split_names("Andrew Gerrand 4 August 2010") == ["Andrew Gerrand"]
    assert split_names("By Haley Hoekstra •  March 12, 2025") == ["Haley Hoekstra"]
    assert split_names("Posted by Damien Walter on Friday, December 19") == ["Damien Walter"]
    assert split_names("Brian May 12 March") == ["Brian May"]
    assert split_names("Peter March") == ["Peter March"]


def test_date_is_the_articles_not_a_related_posts() -> None:
    meta = meta_of(FULL_PAGE)
    assert meta.date == "2024-05-03T15:47:42+02:00"  # datePublished, not modified or sidebar


def test_byline_in_sidebar_is_not_an_author() -> None:
    html = page('<meta property="og:title" content="Neue Brücke eröffnet">',
                "<article><h1>Neue Brücke eröffnet</h1>"
                '<div class="byline">Von Lena Hofmann</div><p>Text.</p></article>' + SIDEBAR)
    assert meta_of(html).authors == ["Lena Hofmann"]


def test_byline_in_the_articles_own_footer_or_aside() -> None:
    """HTML's sectioning: an <aside> or <footer> inside the <article> is the article's own
    (its author box), a teaser block inside it is not."""
    body = "<article><h1>Neue Brücke eröffnet</h1><p>Text.</p>{}</article>"
    own = body.format('<footer><div class="author"><a rel="author">Halina Goetz</a></div>'
                      "</footer>")
    assert meta_of(page("", own)).authors == ["Halina Goetz"]
    aside = body.format('<aside><address><a rel="author">Adam Roberts</a></address></aside>')
    assert meta_of(page("", aside)).authors == ["Adam Roberts"]
    teaser = body.format('<aside class="related-posts"><span class="byline">by Peter Alt</span>'
                         "</aside>")
    assert meta_of(page("", teaser)).authors == []


def test_byline_with_its_date_and_a_name_particle() -> None:
    html = page("", '<article><h1>Neue Brücke eröffnet</h1><p class="author">Nick van Mead '
                "2022-11-23T08:10+02:00</p><p>Text.</p></article>")
    assert meta_of(html).authors == ["Nick van Mead"]


def test_meta_date_and_author_without_json_ld() -> None:
    html = page('<meta property="article:published_time" content="2023-04-28T19:20:36Z">'
                '<meta property="article:modified_time" content="2023-05-01T10:00:00Z">'
                '<meta name="author" content="Erik Lund og Kari Nordmann">', "<p>Tekst.</p>",
                lang="no")
    meta = meta_of(html)
    assert meta.date == "2023-04-28T19:20:36+00:00"
    assert meta.authors == ["Erik Lund", "Kari Nordmann"]
    assert meta.language == "no"


def test_site_name_is_a_credit_never_an_author() -> None:
    only_site = page('<meta property="og:site_name" content="Abendpost">'
                     '<meta name="author" content="Abendpost">', "<p>Text.</p>")
    assert meta_of(only_site).authors == []
    assert meta_of(only_site).credit == "Abendpost"
    with_person = page('<meta property="og:site_name" content="Abendpost">'
                       '<meta name="author" content="Abendpost">',
                       '<p class="byline">Von Lena Hofmann</p>')
    assert meta_of(with_person).authors == ["Lena Hofmann"]


def test_page_metadata_does_not_modify_the_tree() -> None:
    tree = lxml_html.document_fromstring(FULL_PAGE)
    before = lxml_html.tostring(tree)
    page_metadata(tree, None)
    assert lxml_html.tostring(tree) == before


def test_parse_date_forms() -> None:
    assert parse_date("2024-05-03") == "2024-05-03"
    assert parse_date("Fri Apr 28 19:20:36 CEST 2023").startswith("2023-04-28T19:20:36")
    assert parse_date("not a date") is None


def test_language_of_a_non_english_page_that_declares_english() -> None:
    zulu = ("Uhulumeni wesifundazwe uthe uzoqhubeka nokwakha izindlu ezintsha ezindaweni "
            "zasemakhaya. Abahlali bathi sebelinde isikhathi eside ukuthi bathole amanzi "
            "ahlanzekile nogesi. Umkhandlu uthembise ukuthi umsebenzi uzoqala ngenyanga ezayo.")
    assert choose_language(zulu, "en", LanguageConfig()) == "zu"
    assert choose_language("Kurz.", "de", LanguageConfig()) == "de"  # too short: declared
    assert detect_language(GERMAN_BODY, LanguageConfig(), "langdetect") == "de"


def test_whole_html_path_fills_the_record() -> None:
    raw = RawDoc(id="p1", source="p1.html", format="html", content=FULL_PAGE.encode("utf-8"),
                 is_html=True, url=None)
    art = process(raw, Config())
    assert art.status == "ok", art.error
    assert art.title == "Stadtrat beschließt neuen Radweg am Fluss"
    assert art.authors == ["Anna Berger", "Jonas Weber"]
    assert art.date.startswith("2024-05-03")
    assert art.language == "de"
    assert art.credit == "dpa"


def test_byline_name_beats_a_login_in_page_metadata():
    from cleaners.metadata.authors import choose_authors, split_names
    from cleaners.metadata.choice import Candidate

    cands = [Candidate("ld", ("andrew.keaveney",)), Candidate("byline", ("Denise Everheart",))]
    assert choose_authors(cands, lambda n: False).winner.source == "byline"
    cands = [Candidate("ld", ("Jane Roe",)), Candidate("byline", ("Denise Everheart",))]
    assert choose_authors(cands, lambda n: False).winner.source == "ld"
    assert split_names("Name *") == [] and split_names("The Author") == []


def test_a_json_ld_author_given_by_id_is_the_person_of_that_id() -> None:
    graph = {"@context": "https://schema.org", "@graph": [
        {"@type": "NewsArticle", "headline": "Hafen erweitert", "author": {"@id": "#/person/7"}},
        {"@type": "Person", "@id": "#/person/7", "name": "Marta Keller"}]}
    assert meta_of(page(ld_script(graph), "<p>Text.</p>")).authors == ["Marta Keller"]


def test_a_one_word_name_counts_only_after_an_explicit_by() -> None:
    assert meta_of(page("", '<p class="byline">By Clay</p>', "en")).authors == ["Clay"]
    assert meta_of(page("", '<p class="byline">Posted by BeauHD</p>', "en")).authors == ["BeauHD"]
    assert meta_of(page("", '<p class="byline">Clay</p>', "en")).authors == []


def test_an_organisation_in_the_byline_is_the_credit() -> None:
    meta = meta_of(page("", '<p class="byline">By the Lavazza Team</p>', "en"))
    assert meta.authors == [] and "Lavazza" in meta.credit


def test_one_scholar_author_per_tag_written_family_first() -> None:
    head = ('<meta name="citation_author" content="Okafor, Chidi">'
            '<meta name="citation_author" content="Lindqvist, Sara">')
    assert meta_of(page(head, "<p>Text.</p>", "en")).authors == ["Chidi Okafor", "Sara Lindqvist"]


def test_a_headline_escaped_twice_reads_as_written() -> None:
    head = '<meta property="og:title" content="And finally&amp;amp;#8230; the bridge opens">'
    assert meta_of(page(head, "<p>Text.</p>", "en")).title == "And finally\u2026 the bridge opens"


def test_a_site_login_is_no_author_but_a_first_name_is() -> None:
    admin = page('<meta name="author" content="admin">', "<p>Text.</p>", "en")
    assert meta_of(admin).authors == []
    named = page('<meta name="author" content="Kristin">',
                 '<p class="byline">By Kristin Wells</p>', "en")
    assert meta_of(named).authors == ["Kristin"]
    login = page('<meta name="author" content="kwells_22">',
                 '<p class="byline">By Kristin Wells</p>', "en")
    assert meta_of(login).authors == ["Kristin Wells"]


def test_the_comparison_key_keeps_exactly_the_letters_and_digits_of_every_code_point() -> None:
    import sys

    from cleaners.metadata.text import NOT_ALNUM, key

    every = "".join(map(chr, range(sys.maxunicode + 1)))
    assert NOT_ALNUM.sub("", every) == "".join(filter(str.isalnum, every))
    assert key("Ｔｈｅ  Daily—Courier’s ½ ﬁnal") == "thedailycouriers12final"
