"""The report at scale (issue 36 item 5): a run of 2,400 records synthesized from the seeds'
real records splits into report.html and bounded story pages, every story and report shows
once, every link between the files resolves to a file and an anchor that exist, each file
opens in headless Chromium with no console error and a link into a page opens the report
it names; the score badges are explained, a story with an untitled first report is named by
its best headline, the plots have readable axes."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from lxml import html as lxml_html

from cleaners.report import write_report
from cleaners.report.plots import histogram, nice_ticks, source_bars
from tests.conftest import SEEDS, run_records
from tests.test_report import needs_chromium

SIZES = [120, 80, 45] + [12] * 20 + [4] * 150 + [1] * 1_415  # 2,400 reports, 1,588 stories
ERRORS = 30
HEADLINE = "Best headline of the largest story"
BOUNDS = {"full_budget": 300_000, "index_bytes": 400_000, "page_bytes": 250_000}


def story(base: list[dict], sid: int, size: int) -> list[dict]:
    """``size`` reports of one story from the seeds' records: every 7th a copy of the first
    (one a copy of a copy), the others reusing a passage of the first; the sixth report of
    each story of 12 (texts inline in report.html) and the first of every 50th story reuse
    one of another story (links across files)."""
    out = []
    for i in range(size):
        rec = {**base[(sid + i) % len(base)]}
        rid = f"r{sid:04d}-{i:03d}"
        rec.update(id=rid, story=f"s-{sid:04d}", first_report=i == 0, duplicate_of=None,
                   site=f"site{(sid + i) % 12}.example", url=f"https://site.example/{rid}",
                   date=f"2024-{1 + sid % 12:02d}-{1 + i % 28:02d}", reused=[])
        if sid == 0:  # untitled first report; later reports share a headline
            rec["title"] = None if i == 0 else HEADLINE if i % 3 == 0 else f"Other {i}"
        if i and i % 7 == 0:
            rec.update(duplicate_of=out[0]["id"] if i != 14 else out[7]["id"],
                       body=out[0]["body"])
        elif i or sid % 50 == 49:
            other = f"r{sid + 150 if size == 12 else sid - 40:04d}-000"
            src = out[0] if i and (size != 12 or i != 5) else {"id": other}
            text = rec["body"][:80]
            rec["reused"] = [{"text": text, "start": 0, "end": len(text),
                              "source_id": src["id"], "share": 0.05}]
        out.append(rec)
    return out


def error(n: int) -> dict:
    return {"id": f"e{n:03d}", "source": f"crawl/e{n}.html", "status": "error", "body": None,
            "error": {"kind": "broken_html", "message": f"input {n}"}, "story": None,
            "scores": {}, "changes": [], "site": "bad.example"}


@pytest.fixture(scope="module")
def big_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path], list[dict]]:
    base = run_records([SEEDS], tmp_path_factory.mktemp("seeds"))
    records = [r for sid, size in enumerate(SIZES) for r in story(base, sid, size)]
    records += [error(n) for n in range(ERRORS)]
    out = tmp_path_factory.mktemp("big")
    (out / "articles.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records),
                                        encoding="utf-8")
    paths = write_report(out, **BOUNDS)
    return out, paths, records


def parse(path: Path):
    return lxml_html.parse(str(path)).getroot()


def test_the_report_splits_into_bounded_pages(big_run) -> None:
    out, paths, records = big_run
    html = [out / "report.html", *sorted((out / "report").glob("stories-*.html"))]
    assert paths == [out / "report.html", out / "summary.md", *html[1:]]
    assert len(html) >= 5
    sizes = [p.stat().st_size for p in html]
    # the stories of each file by estimate; the summary, sources and errors come on top
    assert sizes[0] < 2 * BOUNDS["index_bytes"] and max(sizes[1:]) < 1.5 * BOUNDS["page_bytes"]
    stories = [s for p in html for s in parse(p).xpath("//details[contains(@class,'story')]")]
    assert len(stories) == len(SIZES)  # each story once, largest first across the files
    shown = [int(s.xpath("./summary/span[@class='size']")[0].text) for s in stories]
    assert shown == sorted(SIZES, reverse=True)
    ids = [i for p in html for i in parse(p).xpath("//*[starts-with(@id,'a-')]/@id")]
    assert sorted(ids) == sorted(f"a-{r['id']}" for r in records)  # reports and error rows
    first = parse(html[0])
    assert "the rest are on" in first.xpath("//nav[@class='pager']")[0].text_content()
    assert len(first.xpath("//nav[@class='pager']//a/@href")) == 2 * (len(html) - 1)


def test_every_link_resolves(big_run) -> None:
    """Links between the files name a file that exists and an anchor in it, including
    reused passages whose source sits in another file."""
    out, _, _ = big_run
    html = [out / "report.html", *sorted((out / "report").glob("stories-*.html"))]
    anchors = {p.resolve(): set(parse(p).xpath("//@id")) for p in html}
    across = 0
    for page in html:
        for href in parse(page).xpath("//a/@href"):
            if href.startswith("https:"):
                continue
            name, _, anchor = href.partition("#")
            target = (page.parent / name).resolve() if name else page.resolve()
            assert target in anchors, (page.name, href)
            assert not anchor or anchor in anchors[target], (page.name, href)
            across += bool(name and anchor)
    assert across >= 10  # reused passages and duplicates linked in other files


def test_stale_pages_go_when_the_report_shrinks(big_run, tmp_path: Path) -> None:
    out, _, _ = big_run
    (tmp_path / "articles.jsonl").write_bytes((out / "articles.jsonl").read_bytes())
    many = write_report(tmp_path, **BOUNDS)
    fewer = write_report(tmp_path, **{**BOUNDS, "page_bytes": 1_000_000})
    assert 3 < len(fewer) < len(many)
    assert sorted((tmp_path / "report").glob("*")) == fewer[2:]
    one = write_report(tmp_path, index_bytes=10**9)  # every story in report.html
    assert one == [tmp_path / "report.html", tmp_path / "summary.md"]
    assert not list((tmp_path / "report").glob("*"))


def test_badges_are_explained_and_stories_named_by_headline(big_run) -> None:
    out, _, _ = big_run
    index = parse(out / "report.html")
    legend = index.xpath("//p[@class='legend']")[0].text_content()
    assert "C completeness" in legend and "O originality" in legend
    assert "first report" in legend and "duplicate" in legend
    badge = index.xpath("//span[@class='scores' and @title]")[0]
    assert re.fullmatch(r"C \d\.\d\d · O \d\.\d\d", badge.text)
    assert re.match(r"completeness \d\.\d\d · originality \d\.\d\d", badge.get("title"))
    page = parse(out / "report" / "stories-0001.html")
    assert page.xpath("//p[@class='legend']") and page.xpath("//a[@href='../report.html']")
    [largest] = index.xpath("//details[@id='s-s-0000']/summary/b")
    assert largest.text == HEADLINE  # the title most reports share, not a cut lead sentence


def test_plots_have_readable_axes() -> None:
    assert nice_ticks(0) == [0] and nice_ticks(7) == [0, 2, 4, 6, 8]
    assert nice_ticks(1234) == [0, 500, 1000, 1500]
    svg = lxml_html.fromstring(histogram([0.1] * 37 + [0.9] * 5, "completeness"))
    labels = [t.text for t in svg.xpath("//text[@text-anchor='end']")]
    assert labels == ["0", "10", "20", "30", "40"]
    rows = [{"source": f"s{i}", "articles": 10, "mean_completeness": i / 10,
             "mean_originality": 0.5} for i in range(4)]
    bars = lxml_html.fromstring(source_bars(rows))
    assert [t.text for t in bars.xpath("//text[@text-anchor='middle']")] == \
        ["0", "0.25", "0.5", "0.75", "1"]


@needs_chromium
def test_each_file_opens_without_errors_and_links_open_their_report(big_run) -> None:
    from cleaners.report.browser import Page

    out, _, _ = big_run
    pages = sorted((out / "report").glob("stories-*.html"))
    with Page() as tab:
        for path in [out / "report.html", pages[0], pages[-1]]:
            seconds = tab.open(path)
            assert tab.errors() == [] and seconds < 10, path.name
        tab.open(out / "report.html")
        # a reused passage whose source is in another file: following it opens that report
        href = tab.evaluate("""(() => { const a = Array.from(document.querySelectorAll(
            'mark.reused a')).find(a => a.getAttribute('href').startsWith('report/'));
            a.click(); return a.getAttribute('href'); })()""")
        tab.wait_event("Page.loadEventFired")
        state = tab.evaluate("""new Promise(done => setTimeout(() => {
            const el = document.getElementById(location.hash.slice(1));
            done([location.pathname.split('/').pop(), el.id,
                  el.closest('details').open]); }, 100))""")
        assert state == [href.split("/")[1].split("#")[0], href.split("#")[1], True]
        assert tab.errors() == []
