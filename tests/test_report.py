"""The run report: summary numbers, summary.md and report.html on the seeds' real run, and the
page rendered in headless Chromium (no console errors, the story of five reports shown)."""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from lxml import html as lxml_html

from cleaners.report import markdown_summary, source_rows, summarize, write_report
from cleaners.report.browser import CHROMIUM
from cleaners.report.stats import chrome_words, source_of
from tests.conftest import SEEDS, run_records

FIRST = "001_94717b999ff50f1a"  # the earliest-dated seed: 2023-12-27


@pytest.fixture(scope="module")
def seeds_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict]]:
    out = tmp_path_factory.mktemp("seeds-run")
    return out, run_records([SEEDS], out)


@pytest.fixture(scope="module")
def seeds_report(seeds_run: tuple[Path, list[dict]]) -> Path:
    out, _ = seeds_run
    paths = write_report(out)
    assert paths == [out / "report.html", out / "summary.md"]
    return out


def page(run_dir: Path):
    return lxml_html.fromstring((run_dir / "report.html").read_text(encoding="utf-8"))


def test_summarize_counts_the_seeds(seeds_run: tuple[Path, list[dict]]) -> None:
    _, records = seeds_run
    stats = summarize(iter(records))
    assert (stats.total, stats.kept, stats.duplicates, stats.story_count) == (5, 5, 0, 1)
    assert not stats.kinds
    story = stats.stories[0]
    assert story.size == 5 and story.first == FIRST
    dates = [next(r["date"] for r in records if r["id"] == i) for i in story.members]
    assert dates[0] == "2023-12-27" and dates[-1] is None  # date order, undated last
    removed = sum(chrome_words(r["changes"])[1] for r in records)
    assert removed == stats.chrome_words > 0  # 001 loses a tweet embed footer, others menus


def test_source_rows(seeds_run: tuple[Path, list[dict]]) -> None:
    _, records = seeds_run
    [row] = source_rows(summarize(records))
    body = sum(len(re.findall(r"\w+", r["body"])) for r in records)
    removed = sum(chrome_words(r["changes"])[1] for r in records)
    assert row["source"] == str(SEEDS) and row["articles"] == 5
    assert (row["skipped"], row["errors"]) == (0, 0)
    assert row["chrome_share"] == round(removed / (removed + body), 4)
    completeness = [r["scores"]["completeness"] for r in records]
    assert row["mean_completeness"] == round(sum(completeness) / 5, 4)


def test_source_is_site_then_host_then_directory() -> None:
    assert source_of({"site": "The Hindu", "url": "https://x.org/a"}) == "The Hindu"
    assert source_of({"site": None, "url": "https://www.thehindu.com/a", "source": "a/b"}) \
        == "thehindu.com"
    assert source_of({"site": None, "url": None, "source": "crawl/feed.jsonl#3"}) == "crawl"


def test_summary_md(seeds_report: Path) -> None:
    text = (seeds_report / "summary.md").read_text(encoding="utf-8")
    assert "- **articles in**: 5" in text and "- **stories**: 1" in text
    # source, articles, skipped, errors, duplicates, completeness, originality, chrome share
    assert re.search(r"^\| \S*seeds \| 5 \| 0 \| 0 \| 0 \| 0\.\d\d \| 0\.\d\d \| 0\.\d\d \|$",
                     text, re.M)
    # a story is shown by its best headline (its id, s-000_52dd1108271556ea, tells a reader
    # nothing; its untitled first report's lead is a cut sentence): the earliest report with
    # a title, beside the report that started it
    row = (r"^\| Putin extends invitation to Modi for Russia visit, says he has kept him "
           r"posted on Ukraine situation \| 5 \| "
           r"2023-12-27 – 2023-12-28 \| ")
    assert re.search(row + rf"{FIRST} \|$", text, re.M) and "s-000_" not in text
    assert markdown_summary(summarize([])).startswith("# newsclean run summary")
    # the reasons for removals, counted over the records' changes
    removed = dict(re.findall(r"^\| chrome \| (\w+) \| (\d+) \|$", text, re.M))
    assert {"drop_tail", "drop_byline", "drop_paywall"} <= set(removed)


def test_report_shows_the_story(seeds_report: Path, seeds_run: tuple[Path, list[dict]]) -> None:
    _, records = seeds_run
    doc = page(seeds_report)
    [story] = doc.xpath("//details[contains(@class, 'story')]")
    articles = story.xpath(".//details[contains(@class, 'article')]")
    assert [a.get("id") for a in articles][0] == f"a-{FIRST}"
    assert sorted(a.get("id") for a in articles) == sorted(f"a-{r['id']}" for r in records)
    assert [a.get("data-first") for a in articles].count("true") == 1
    assert "first report" in articles[0].xpath("./summary")[0].text_content()
    # the cleaned text is there, with each reused passage marked and linked to its source
    by_id = {r["id"]: r for r in records}
    for art in articles:
        rec = by_id[art.get("id")[2:]]
        assert art.xpath(".//div[@class='text']")[0].text_content() == rec["body"]
        marks = art.xpath(".//mark[@class='reused']")
        assert "".join(m.text_content() for m in marks) == "".join(
            rec["body"][i] for i in sorted({i for p in rec["reused"]
                                            for i in range(p["start"], p["end"])}))
        assert {m.xpath("./a/@href")[0] for m in marks} == \
            {f"#a-{p['source_id']}" for p in rec["reused"]}
        for mark in marks:
            target = mark.xpath("./a/@href")[0][1:]
            assert doc.get_element_by_id(target) is not None
    # what cleaning removed, from changes (001 lost a tweet's embed footer)
    first = doc.get_element_by_id(f"a-{FIRST}")
    assert "— Dr. S. Jaishankar (@DrSJaishankar) December 27, 2023" in first.text_content()
    assert "key_facts" in first.text_content()  # the completeness parts behind the score


def test_report_is_self_contained(seeds_report: Path) -> None:
    text = (seeds_report / "report.html").read_text(encoding="utf-8")
    doc = lxml_html.fromstring(text)
    assert not doc.xpath("//script[@src] | //link[@href] | //img | //iframe")
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", text)
    assert len(doc.xpath("//svg")) >= 4  # two score distributions, sources, the timeline


def test_duplicates_fold_and_errors_list(seeds_run: tuple[Path, list[dict]],
                                         tmp_path: Path) -> None:
    _, records = seeds_run
    copy = {**records[2], "id": "copy-of-002", "duplicate_of": records[2]["id"],
            "source": "mirror/copy.html", "site": None, "url": "https://www.mirror.example/x"}
    error = {**records[0], "id": "broken", "status": "error", "body": None, "story": None,
             "error": {"kind": "broken_html", "message": "no <body> & nothing to read"},
             "scores": {"completeness": None, "originality": None}, "first_report": None}
    (tmp_path / "articles.jsonl").write_text(
        "".join(json.dumps(r) + "\n" for r in [*records, copy, error]), encoding="utf-8")
    write_report(tmp_path)
    doc = page(tmp_path)
    canonical = doc.get_element_by_id(f"a-{records[2]['id']}")
    assert canonical.xpath(".//details[@id='a-copy-of-002']")
    assert "mirror.example" in {r["source"] for r in source_rows(summarize([copy]))}
    assert doc.get_element_by_id("n-duplicates").text == "1"
    errors = doc.get_element_by_id("e-error-broken_html")
    assert "no <body> & nothing to read" in errors.text_content()
    md = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert "- **errors**: 1 (broken_html 1)" in md and "- **duplicates**: 1" in md


def test_later_stories_are_brief_beyond_the_text_budget(seeds_run, tmp_path: Path) -> None:
    """Past the budget a story lists its reports in one row each, texts left in the JSONL."""
    out, _ = seeds_run
    (tmp_path / "articles.jsonl").write_bytes((out / "articles.jsonl").read_bytes())
    write_report(tmp_path, full_budget=0)
    doc = page(tmp_path)
    rows = doc.xpath("//table[@class='brief']//tr[starts-with(@id, 'a-')]")
    assert len(rows) == 5 and not doc.xpath("//div[@class='text']")


def test_hostile_text_is_escaped_and_empty_runs_render(seeds_run, tmp_path: Path) -> None:
    _, records = seeds_run
    evil = "</div></details><script>alert(1)</script><img src=x onerror=alert(2)>"
    rec = {**records[0], "title": evil, "body": records[0]["body"] + "\n\n" + evil,
           "site": evil, "changes": [{"step": "chrome", "action": "drop_navigation",
                                      "text": evil, "count": 2}]}
    (tmp_path / "articles.jsonl").write_text(json.dumps(rec) + "\n", encoding="utf-8")
    write_report(tmp_path)
    doc = page(tmp_path)
    assert len(doc.xpath("//script")) == 1 and not doc.xpath("//img")
    assert doc.xpath("//div[@class='text']")[0].text_content().endswith(evil)
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "articles.jsonl").write_text("", encoding="utf-8")
    write_report(empty)
    assert page(empty).get_element_by_id("n-in").text == "0"


needs_chromium = pytest.mark.skipif(not Path(CHROMIUM).exists() and not os.environ.get("CI"),
                                    reason=f"{CHROMIUM} absent (CI installs it)")


@needs_chromium
def test_report_renders_in_chromium(seeds_report: Path, tmp_path: Path) -> None:
    from cleaners.report.browser import Page

    with Page() as tab:
        seconds = tab.open(seeds_report / "report.html")
        assert tab.errors() == []
        shown = tab.evaluate("""Array.from(document.querySelectorAll('details.story'))
            .filter(s => s.open).map(s => ({
              reports: Array.from(s.querySelectorAll('details.article'))
                .filter(a => a.getClientRects().length).map(a => a.id),
              first: Array.from(s.querySelectorAll('details.article[data-first=true]'))
                .map(a => a.querySelector('.badge.first') && a.id)}))""")
        assert len(shown) == 1 and len(shown[0]["reports"]) == 5
        assert shown[0]["first"] == [f"a-{FIRST}"]
        # following a reused passage's link opens the earlier article it came from
        opened = tab.evaluate("""new Promise(done => {
            const link = document.querySelector('mark.reused a');
            const target = document.getElementById(link.getAttribute('href').slice(1));
            link.click();
            setTimeout(() => done([target.id, target.open]), 100);})""")
        assert opened[1] is True and opened[0].startswith("a-")
        shot = tab.screenshot(tmp_path / "report.png")
        assert tab.errors() == []
    assert shot.stat().st_size > 10_000 and seconds < 10
