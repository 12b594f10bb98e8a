"""Dates, titles and authors chosen from named candidates, and the record of that choice."""
from __future__ import annotations

import json
from datetime import date

from lxml import html as lxml_html

from cleaners.config import Config, MetadataConfig
from cleaners.metadata import page_metadata
from cleaners.metadata.authors import split_names
from cleaners.metadata.choice import Candidate
from cleaners.metadata.dates import choose_date
from cleaners.pipeline import process
from cleaners.read.rawdoc import RawDoc

NO_SEARCH = MetadataConfig(date_search=False)  # the page's own candidates only
CRAWLED = date(2024, 6, 1)
BODY = ("The council voted on Thursday evening to build a new cycle path along the river. "
        "Work is to begin next spring and take about two years. Residents have long asked "
        "for a safe link between the old town and the new housing estates in the north, "
        "and the cost of about four million euros is shared by the city and the state. ")


def page(head: str, body: str) -> str:
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">{head}</head>'
            f"<body>{body}</body></html>")


def ld(data: dict) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def meta_of(html: str, config: MetadataConfig = NO_SEARCH):
    return page_metadata(lxml_html.document_fromstring(html), None, config, CRAWLED)


RELATED = ('<aside class="related-posts"><h2>More from the city desk</h2><ul><li>'
           '<a href="/2024/05/20/bridge-repairs/">Bridge repairs start</a>'
           '<time datetime="2024-05-20T08:00:00Z">May 20, 2024</time></li></ul></aside>')


def test_a_related_block_with_a_newer_date_never_wins() -> None:
    html = page("<title>Council backs river cycle path</title>",
                '<article><header><h1>Council backs river cycle path</h1>'
                '<time datetime="2024-03-01T09:30:00Z">March 1, 2024</time></header>'
                f"<p>{BODY}</p></article>{RELATED}")
    meta = meta_of(html)
    assert meta.date == "2024-03-01T09:30:00+00:00"
    why = meta.choices["date"].explain(lambda a, b: a[:10] == b[:10])
    assert why["source"] == "time:headline"
    assert ["time:teaser", "2024-05-20T08:00:00+00:00", "teaser"] in why["dropped"]


def test_published_beats_modified_in_json_ld() -> None:
    html = page(ld({"@context": "https://schema.org", "@type": "NewsArticle",
                    "headline": "Council backs river cycle path",
                    "dateModified": "2024-05-06T09:00:00Z",
                    "datePublished": "2024-05-03T15:47:42Z"}), f"<p>{BODY}</p>")
    choice = meta_of(html).choices["date"]
    assert choice.value == "2024-05-03T15:47:42+00:00"
    assert choice.winner.source == "ld:datePublished"
    assert Candidate("ld:dateModified", "2024-05-06T09:00:00+00:00") in choice.lost


def test_the_url_of_another_page_is_no_date_of_this_one() -> None:
    html = page('<link rel="canonical" href="https://city.example/news/cycle-path">'
                '<meta property="article:published_time" content="2024-05-03">',
                f'<p>{BODY}</p><p><a href="https://city.example/2019/01/07/old-plan/">The '
                "2019 plan</a></p>")
    meta = meta_of(html)
    assert meta.date == "2024-05-03"
    assert all(c.source != "url" for c in meta.date_candidates)


def test_the_pages_own_url_dates_it_when_nothing_else_does() -> None:
    html = page('<link rel="canonical" href="https://city.example/2024/04/30/cycle-path/">',
                f"<p>{BODY}</p>")
    meta = meta_of(html)
    assert (meta.date, meta.choices["date"].winner.source) == ("2024-04-30", "url")


def test_a_date_after_the_crawl_or_far_before_the_others_is_dropped() -> None:
    config = MetadataConfig(date_search=False, date_outlier_days=365)
    future = [Candidate("meta:article:published_time", "2031-01-01"),
              Candidate("url", "2024-04-30")]
    assert choose_date(future, config, CRAWLED).value == "2024-04-30"
    assert choose_date(future, config, CRAWLED).dropped == {future[0]: "future"}
    stray = [Candidate("meta:date", "2003-01-01"), Candidate("time:headline", "2024-04-30"),
             Candidate("url", "2024-04-30")]
    assert choose_date(stray, config, CRAWLED).dropped == {stray[0]: "outlier"}


def test_a_list_of_posts_dates_nothing() -> None:
    posts = "".join(f'<div class="post-date">May {d}, 2024</div>' for d in (3, 9, 17, 21))
    html = page('<meta property="article:published_time" content="2024-02-02">',
                f"<h1>Council backs river cycle path</h1>{posts}<p>{BODY}</p>")
    assert meta_of(html).date == "2024-02-02"


def test_desks_teams_and_credentials_are_no_authors() -> None:
    assert split_names("Jane Doe, MD") == ["Jane Doe"]
    assert split_names("John Roe Ph.D.") == ["John Roe"]
    html = page('<meta name="author" content="The Investopedia Team">', f"<p>{BODY}</p>")
    meta = meta_of(html)
    assert (meta.authors, meta.credit) == ([], "The Investopedia Team")
    staff = page('<meta name="author" content="Reuters Staff">'
                 '<p class="byline">By Maria Lopez</p>', f"<p>{BODY}</p>")
    assert meta_of(staff).authors == ["Maria Lopez"]


def test_every_record_names_its_sources() -> None:
    html = page('<title>Council backs river cycle path | City News</title>'
                '<meta property="og:site_name" content="City News">'
                + ld({"@type": "NewsArticle", "headline": "Council backs river cycle path",
                      "datePublished": "2024-05-03", "author": {"name": "Maria Lopez"}}),
                f"<article><h1>Council backs river cycle path</h1>"
                + f"<p>{BODY}</p>" * 3 + "</article>")
    art = process(RawDoc(id="p", source="p.html", format="html", content=html.encode(),
                         is_html=True), Config())
    signals = art.signals["metadata"]
    assert signals["title"]["source"] == "ld" and "title" in signals["title"]["agree"]
    assert signals["date"]["source"] == "ld:datePublished"
    assert signals["authors"]["source"] == "ld"
    assert signals["language"]["source"] == "text"
    dump = RawDoc(id="d", source="d.txt", format="text",
                  content=f" date 2024-05-03\nCouncil backs river cycle path\n\n{BODY}\n".encode())
    art = process(dump, Config())
    assert art.date == "2024-05-03"
    assert art.signals["metadata"]["date"]["source"] == "dump_header"


def test_a_skipped_page_keeps_what_it_states() -> None:
    html = page('<meta property="og:title" content="Live: the council vote">'
                '<meta property="article:published_time" content="2024-05-03T10:00:00Z">',
                "<nav><a href='/'>Home</a></nav><p>Loading…</p>")
    art = process(RawDoc(id="s", source="s.html", format="html", content=html.encode(),
                         is_html=True), Config())
    assert art.status == "skipped"
    assert art.title == "Live: the council vote"
    assert art.date.startswith("2024-05-03")
    assert art.signals["metadata"]["date"]["source"] == "meta:article:published_time"


def test_the_headline_a_reader_sees_unless_it_is_a_logo() -> None:
    shown = page('<meta property="og:title" content="Council to build a cycle path: what we '
                 'know | City News">', "<h1>Council to build a cycle path</h1>"
                 f"<p>{BODY}</p>")
    # og:title's own wording differs; the <h1> the reader sees is contained in it
    choice = meta_of(shown).choices["title"]
    assert (choice.winner.source, choice.value) == ("h1", "Council to build a cycle path")
    logo = page('<meta property="og:title" content="Council backs river cycle path">',
                "<h1>City News</h1>" f"<p>{BODY}</p>")
    assert meta_of(logo).choices["title"].winner.source == "og"


def test_the_headline_on_the_page_beats_the_share_card_title() -> None:
    """WCXB dev page 0037: og:title is the share card's rewrite; the <h1> is the headline
    its gold (and its reader) has. A name-like <h1> ('City News' above) is no headline."""
    page_0037 = page('<meta property="og:title" content="Top 10 IT Security Best Practices '
                     'for 2025: Protect Your Business">',
                     "<h1>IT &amp; Cybersecurity Best Practices to Protect Your Business</h1>"
                     f"<p>{BODY}</p>")
    choice = meta_of(page_0037).choices["title"]
    assert (choice.winner.source, choice.value) == (
        "h1", "IT & Cybersecurity Best Practices to Protect Your Business")
    alone = page("", "<h1>City News</h1>" f"<p>{BODY}</p>")
    assert meta_of(alone).title == "City News"  # a name is still the title of a page with no other


def test_htmldate_searches_only_where_the_page_leaves_the_date_open() -> None:
    """A declared date that a visible dateline confirms outweighs whatever htmldate's search
    and the text could add, so the search is skipped; a page whose one date is a <time> by
    the headline (outvoted by a search and a text stamp together) is searched."""
    searched = MetadataConfig()
    confirmed = page(ld({"@type": "NewsArticle", "datePublished": "2024-05-03T10:00:00Z"}),
                     '<article><h1>Council backs new cycle path</h1><p class="post-date">'
                     f"Published May 3, 2024</p><p>{BODY}</p></article>")
    sources = [c.source for c in meta_of(confirmed, searched).date_candidates]
    assert "htmldate" not in sources and meta_of(confirmed, searched).date == "2024-05-03"
    open_page = page("", '<article><header><h1>Council backs new cycle path</h1><time '
                     f'datetime="2024-05-03">May 3, 2024</time></header><p>{BODY}</p></article>')
    meta = meta_of(open_page, searched)
    assert "htmldate" in [c.source for c in meta.date_candidates]
    assert meta.date and meta.date.startswith("2024-05-03")


def test_a_headline_field_loses_its_markdown_marks_and_wrapping_quotes() -> None:
    """Real WCXB dev pages: a JSON-LD headline in straight quotes, an og:title that kept the
    markdown '## ' of the post's source; the inner quotes of a quoted phrase stay."""
    quoted = page(ld({"@type": "BlogPosting",
                      "headline": '"What is Git and How Does Version Control Work?"'}),
                  f"<article><p>{BODY}</p></article>")
    assert meta_of(quoted).title == "What is Git and How Does Version Control Work?"
    marked = page('<meta property="og:title" content="## Hyper-Local Regolith Binding Agent '
                  'Optimization via Multi-Modal Data Fusion">', f"<article><p>{BODY}</p></article>")
    assert meta_of(marked).title.startswith("Hyper-Local Regolith Binding Agent")
    phrase = page(ld({"@type": "NewsArticle", "headline": '"Not guilty," the jury said'}),
                  f"<article><p>{BODY}</p></article>")
    assert meta_of(phrase).title == '"Not guilty," the jury said'


def test_the_standard_published_field_speaks_before_a_sites_own_meta_name() -> None:
    """fundus' Telegraph page: an analytics tag names the 2019 first version, schema.org
    microdata the 2023 article the reader sees (and the gold): the standard field wins."""
    html = page('<meta name="DCSext.articleFirstPublished" content="2019-02-05T16:07:00">',
                '<article><h1>The best heated clothes airers</h1><meta itemprop="name" '
                'content="x"><span itemprop="datePublished" content="2023-08-30T16:45:00+01:00">'
                f"</span><p>{BODY}</p></article>")
    choice = meta_of(html, NO_SEARCH).choices["date"]
    assert choice.value.startswith("2023-08-30")
    assert choice.winner.source == "itemprop:datePublished"
    assert ["meta:dcsext.articlefirstpublished"] == [c.source for c in choice.lost]


def test_a_copyright_notice_dates_nothing() -> None:
    """htmldate's last resort scans the whole page and turns "© 2023" into 2023-01-01 (on
    WCXB dev it dated 322 pages that carry no date); the search here stops before it, and
    still finds a date the page states."""
    from htmldate import find_date

    from cleaners.metadata.search import htmldate_search

    footer = '<div class="site-info">© 2023 The Example Times. All rights reserved.</div>'
    undated = page("<title>Cycle path</title>", f"<article><h1>Council backs new cycle "
                   f"path</h1><p>{BODY}</p></article>{footer}")
    tree = lxml_html.document_fromstring(undated)
    assert find_date(tree, original_date=True, extensive_search=True) == "2023-01-01"
    assert htmldate_search(tree, True) is None
    assert meta_of(undated, MetadataConfig()).date is None
    dated = undated.replace("<p>", '<p class="meta">Posted on 2024-05-03 by the desk</p><p>', 1)
    assert htmldate_search(lxml_html.document_fromstring(dated), True) == "2024-05-03"


def test_a_declared_section_after_the_headline_is_cut() -> None:
    """fundus kr_HankookIlbo_V2: every title the page declares ends "-정치ㅣ한국일보", the
    section the page names in content_category and then the site; the headline is neither.
    A headline that merely ends in a word the section also uses keeps it."""
    tail = "장동혁, 한동훈 제명했지만… '윤 어게인' 절연 ·외연 확장 부담 커졌다"
    hankook = page(f'<meta name="content_category" content="정치"><meta property="og:title" '
                   f'content="{tail}-정치ㅣ한국일보"><title>{tail}-정치ㅣ한국일보</title>',
                   f"<p>{BODY}</p>")
    assert meta_of(hankook).title == tail
    sport = page('<meta property="article:section" content="Sport">'
                 '<meta property="og:title" content="Council funds a new hall for school sport">',
                 f"<p>{BODY}</p>")
    assert meta_of(sport).title == "Council funds a new hall for school sport"


def test_the_headline_the_page_shows_and_shares_beats_a_search_headline() -> None:
    """fundus de_FAZ_V1: the JSON-LD headline is the search variant; the <h1> and og:title
    agree on the headline the reader sees (the gold). A JSON-LD that declares an
    alternativeHeadline says which headline is its main one: the <h1> wins only when it
    shows that alternative (fundus us_BusinessInsider_V1), else the JSON-LD headline does
    (fundus de_WAZ_V2)."""
    seo = "49-Euro-Ticket: Pendler sparen 60 Prozent bei Bus und Bahn"
    shown = "49-Euro-Ticket: Pendler zahlen 60 Prozent weniger"
    faz = page(ld({"@type": "NewsArticle", "headline": seo}) +
               f'<meta property="og:title" content="{shown}">', f"<h1>{shown}</h1><p>{BODY}</p>")
    choice = meta_of(faz).choices["title"]
    assert (choice.winner.source, choice.value) == ("h1", shown)
    assert ("ld", seo) in [(c.source, c.value) for c in choice.lost]
    dune = "Every outfit Zendaya has worn to promote the 'Dune' franchise, ranked"
    insider = page(ld({"@type": "NewsArticle", "alternativeHeadline": dune,
                       "headline": "Every outfit Zendaya has worn to promote 'Dune,' ranked"}),
                   f"<h1>{dune}</h1><p>{BODY}</p>")
    assert meta_of(insider).title == dune
    main = "Grünen-Spitze gegen Klöckner: Nun attackiert auch Ricarda Lang"
    h1 = "Streit um Julia Klöckner eskaliert: Ricarda Lang nennt sie eine Unternehmerin"
    waz = page(ld({"@type": "NewsArticle", "headline": main, "alternativeHeadline": main}) +
               f'<meta property="og:title" content="{h1}">', f"<h1>{h1}</h1><p>{BODY}</p>")
    assert meta_of(waz).choices["title"].winner.source == "ld"
    assert meta_of(waz).title == main


def test_a_kicker_span_in_the_headline_is_not_glued_to_it() -> None:
    """fundus lu_Tageblatt_V1: the <h1> holds a kicker span right before the headline's text
    ("Nationale DemoDer 9. Juli" in the element's flat text); a drop capital stays one word."""
    tageblatt = page("", "<h1> <span>Nationale Demo</span>Der 9. Juli naht: OGBL und LCGB "
                     f"demonstrieren Stärke</h1><p>{BODY}</p>")
    assert meta_of(tageblatt).title == "Nationale Demo Der 9. Juli naht: OGBL und LCGB " \
        "demonstrieren Stärke"
    dropcap = page("", f'<h1><span class="dropcap">C</span>ycle path opens</h1><p>{BODY}</p>')
    assert meta_of(dropcap).title == "Cycle path opens"
