"""Ingestion: what is new in the inbox and the feeds, and what a second run skips."""
from __future__ import annotations

import json
import os
from pathlib import Path

from pytest_httpserver import HTTPServer

from cleaners.config import FetchConfig, ReadConfig
from cleaners.fetch.ingest import (IngestReport, MemoryRetries, MemorySeen, fetch_feeds,
                                   inbox_key, new_inbox_files, normalize_url, url_key)
from cleaners.read import iter_inputs
from cleaners.store import Store

CONFIG = FetchConfig(allow_hosts=("127.0.0.1",), retries=0, timeout=3.0, per_host_delay=0.0)
PAGE = "<html><head><title>{0}</title></head><body><article><h1>{0}</h1><p>{1}</p></article>" \
       "</body></html>"




def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def accounted(report: IngestReport) -> bool:
    return report.items == (report.fetched + report.failed + report.repeated
                            + report.skipped_seen + report.deferred + report.waiting)


# --- inbox -----------------------------------------------------------------------------

def test_inbox_second_scan_finds_nothing_new(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    (inbox / "sub").mkdir(parents=True)
    for name in ("b.html", "a.txt", "sub/c.jsonl", ".hidden.txt"):
        (inbox / name).write_text("x")
    seen = MemorySeen()
    first = new_inbox_files(inbox, seen)
    assert [p.relative_to(inbox).as_posix() for p in first] == ["a.txt", "b.html", "sub/c.jsonl"]
    seen.add([inbox_key(p) for p in first])
    assert new_inbox_files(inbox, seen) == []
    (inbox / "d.txt").write_text("new")
    assert [p.name for p in new_inbox_files(inbox, seen)] == ["d.txt"]


def test_inbox_file_rewritten_is_new_again(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("first")
    seen = MemorySeen([inbox_key(path)])
    assert new_inbox_files(tmp_path, seen) == []
    path.write_text("second, longer")
    assert new_inbox_files(tmp_path, seen) == [path]


def test_inbox_symlink_outside_is_ignored(tmp_path: Path) -> None:
    inbox, outside = tmp_path / "inbox", tmp_path / "secret.txt"
    inbox.mkdir()
    outside.write_text("secret")
    os.symlink(outside, inbox / "link.txt")
    (inbox / "real.txt").write_text("x")
    assert [p.name for p in new_inbox_files(inbox, MemorySeen())] == ["real.txt"]


# --- URL keys --------------------------------------------------------------------------

def test_normalize_url() -> None:
    assert normalize_url("HTTPS://News.Example:443/a/b?id=3&utm_source=rss&UTM_medium=x"
                         "&fbclid=abc#comments") == "https://news.example/a/b?id=3"
    assert normalize_url("http://news.example") == "http://news.example/"
    assert normalize_url("http://news.example:8080/a?b=%20c") == "http://news.example:8080/a?b=%20c"


# --- feed runs -------------------------------------------------------------------------

def rss(*items: tuple[str, str, str]) -> bytes:
    entries = "".join(f"<item><title>{title}</title><link>{link}</link><guid>{guid}</guid>"
                      "<pubDate>Tue, 10 Jun 2025 09:41:01 +0000</pubDate></item>"
                      for title, link, guid in items)
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>{entries}' \
           "</channel></rss>".encode()


def serve_site(http: HTTPServer) -> str:
    """A feed of six items: two pages, a copy of one under another URL, the same URL with a
    tracking parameter, a 404 and an image."""
    feed = rss(("Talks", "/a", "../../etc/passwd"), ("Summit", "/b", "g-b"),
               ("Copy", "/copy-of-a", "g-c"), ("Talks again", "/a?utm_source=rss#top", "g-a2"),
               ("Gone", "/gone", "g-d"), ("Photo", "/photo", "g-e"))
    http.expect_request("/feed.xml").respond_with_data(feed, content_type="application/rss+xml")
    http.expect_request("/a").respond_with_data(PAGE.format("Talks", "Ministers met."),
                                                content_type="text/html; charset=utf-8")
    http.expect_request("/copy-of-a").respond_with_data(PAGE.format("Talks", "Ministers met."),
                                                        content_type="text/html")
    http.expect_request("/b").respond_with_data(
        PAGE.format("Summit", "Le café était fermé.").encode("cp1252"),
        content_type="text/html; charset=windows-1252")
    http.expect_request("/gone").respond_with_data("", status=404)
    http.expect_request("/photo").respond_with_data(b"\x89PNG\r\n\x1a\n", content_type="image/png")
    return http.url_for("/feed.xml")


def test_feed_run_writes_pages_and_failures(http: HTTPServer, tmp_path: Path) -> None:
    out = tmp_path / "out" / "feeds.jsonl"
    report = fetch_feeds([serve_site(http)], CONFIG, MemorySeen(), out, max_items=100)
    assert (report.feeds, report.items, report.new) == (1, 6, 5)
    assert (report.fetched, report.failed, report.skipped_seen) == (2, 2, 2)  # copy, same URL
    assert accounted(report) and report.feed_errors == []
    records = read_jsonl(out)
    by_title = {r["title"]: r for r in records}
    assert set(by_title) == {"Talks", "Summit", "Gone", "Photo"}
    assert by_title["Talks"]["url"] == http.url_for("/a")
    assert by_title["Talks"]["id"] == "../../etc/passwd"  # data, never a path
    assert by_title["Talks"]["date"] == "2025-06-10T09:41:01+00:00"
    assert "Le café était fermé." in by_title["Summit"]["html"]
    assert by_title["Gone"]["error"]["kind"] == "http_status"
    assert by_title["Photo"]["error"]["kind"] == "not_html"
    assert sorted(p.name for p in out.parent.iterdir()) == ["feeds.jsonl"]


def test_feed_records_are_read_by_the_jsonl_reader(http: HTTPServer, tmp_path: Path) -> None:
    out = tmp_path / "feeds.jsonl"
    fetch_feeds([serve_site(http)], CONFIG, MemorySeen(), out, max_items=100)
    docs = {doc.hints.get("title"): doc for doc in iter_inputs([out], ReadConfig())}
    assert docs["Summit"].is_html and "café" in docs["Summit"].content
    assert docs["Summit"].hints["date"] == "2025-06-10T09:41:01+00:00"
    assert docs["Gone"].error is not None and docs["Photo"].error is not None


def test_second_feed_run_fetches_nothing_new(http: HTTPServer, tmp_path: Path) -> None:
    feed_url = serve_site(http)
    seen = MemorySeen()
    first = fetch_feeds([feed_url], CONFIG, seen, tmp_path / "1.jsonl", max_items=100)
    seen.add(first.keys)
    requests_before = len(http.log)
    second = fetch_feeds([feed_url], CONFIG, seen, tmp_path / "2.jsonl", max_items=100)
    assert len(http.log) == requests_before + 1  # the feed itself, no page
    assert (second.new, second.fetched, second.failed, second.skipped_seen) == (0, 0, 0, 6)
    assert second.keys == [] and read_jsonl(tmp_path / "2.jsonl") == []


def test_keys_are_not_marked_by_the_run(http: HTTPServer, tmp_path: Path) -> None:
    seen = MemorySeen()
    fetch_feeds([serve_site(http)], CONFIG, seen, tmp_path / "o.jsonl", max_items=100)
    assert seen.keys == set()  # the caller marks them once the batch is processed


def test_max_items_defers_the_rest(http: HTTPServer, tmp_path: Path) -> None:
    feed_url = serve_site(http)
    seen = MemorySeen()
    first = fetch_feeds([feed_url], CONFIG, seen, tmp_path / "1.jsonl", max_items=2)
    assert (first.new, first.deferred, first.fetched + first.failed) == (5, 3, 2)
    assert accounted(first)
    seen.add(first.keys)
    second = fetch_feeds([feed_url], CONFIG, seen, tmp_path / "2.jsonl", max_items=100)
    assert second.new == 3 and accounted(second)


def test_transient_failures_are_retried_next_run(http: HTTPServer, tmp_path: Path) -> None:
    http.expect_request("/feed.xml").respond_with_data(rss(("Busy", "/busy", "g1")))
    http.expect_request("/busy").respond_with_data("", status=503)
    seen = MemorySeen()
    report = fetch_feeds([http.url_for("/feed.xml")], CONFIG, seen, tmp_path / "o.jsonl", 10)
    assert report.failed == 1 and report.keys == []
    assert read_jsonl(tmp_path / "o.jsonl")[0]["error"]["kind"] == "http_status"


def test_bad_feeds_are_reported_not_fatal(http: HTTPServer, tmp_path: Path) -> None:
    http.expect_request("/ok.xml").respond_with_data(rss(("A", "/a", "g1")))
    http.expect_request("/a").respond_with_data(PAGE.format("A", "Text."), content_type="text/html")
    http.expect_request("/html").respond_with_data(b"\x00\x01binary", content_type="text/html")
    feeds = ["file:///etc/passwd", "http://169.254.169.254/feed", http.url_for("/missing.xml"),
             http.url_for("/html"), http.url_for("/ok.xml")]
    report = fetch_feeds(feeds, CONFIG, MemorySeen(), tmp_path / "o.jsonl", 10)
    assert [e["kind"] for e in report.feed_errors] == ["bad_scheme", "private_address",
                                                       "http_status", "bad_feed"]
    assert report.fetched == 1


def test_unsafe_item_links_become_error_records(http: HTTPServer, tmp_path: Path) -> None:
    http.expect_request("/feed.xml").respond_with_data(rss(
        ("Meta", "http://169.254.169.254/latest/meta-data/", "g1"),
        ("Local", "file:///etc/passwd", "g2"), ("Port", "http://news.example:port/", "g3"),
        ("Bracket", "http://[::1", "g4")))
    report = fetch_feeds([http.url_for("/feed.xml")], CONFIG, MemorySeen(),
                         tmp_path / "o.jsonl", 10)
    kinds = {r["title"]: r["error"]["kind"] for r in read_jsonl(tmp_path / "o.jsonl")}
    assert kinds == {"Meta": "private_address", "Local": "bad_scheme", "Port": "bad_url"}
    assert report.failed == 3 and len(report.keys) == 3  # permanent: not tried again
    assert report.items == 3  # 'http://[::1' is no link at all


# --- pages that fail back off (issue 35) ------------------------------------------------

HOUR = 3600.0


class Clock:
    """Time for the backoff, moved by hand: no sleeping."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def page_requests(http: HTTPServer, path: str) -> int:
    return sum(1 for request, _ in http.log if request.path == path)


def busy_feed(http: HTTPServer) -> str:
    http.expect_request("/feed.xml").respond_with_data(rss(("Busy", "/busy", "g1")))
    http.expect_request("/busy").respond_with_data("", status=503)
    return http.url_for("/feed.xml")


def test_failing_page_backs_off_then_is_given_up(http: HTTPServer, tmp_path: Path,
                                                 store_path: str) -> None:
    feed_url, clock, seen = busy_feed(http), Clock(), MemorySeen()
    with Store(store_path) as store:
        def run(name: str) -> IngestReport:
            report = fetch_feeds([feed_url], CONFIG, seen, tmp_path / name, 10,
                                 retries=store.retries, clock=clock)
            store.retries.record(report.retries)
            seen.add(report.keys)
            assert accounted(report)
            return report

        first = run("1.jsonl")  # the first failure is reported once, as an error record
        assert first.failed == 1 and read_jsonl(tmp_path / "1.jsonl")[0]["error"]["kind"] \
            == "http_status"
        [pending] = store.retries.pending()
        assert (pending.failures, pending.retry_at) == (1, clock.now + HOUR)
        clock.now += HOUR - 1  # not due yet: the page is not asked for, nothing is written
        second = run("2.jsonl")
        assert (second.waiting, second.failed, page_requests(http, "/busy")) == (1, 0, 1)
        assert read_jsonl(tmp_path / "2.jsonl") == []
        for delay, failures in ((1, 2), (6 * HOUR, 3), (24 * HOUR - 1, 3), (1, 4)):
            clock.now += delay
            report = run("n.jsonl")
            assert read_jsonl(tmp_path / "n.jsonl") == []  # a repeated error is no news
            assert [p.failures for p in store.retries.pending()] == [failures][:failures < 4]
        assert (report.repeated, [p.url for p in report.given_up]) == (1, [http.url_for("/busy")])
        assert report.given_up[0].failures == 4 and store.retries.pending() == []
        assert page_requests(http, "/busy") == 4
        clock.now += 100 * 24 * HOUR  # given up: never asked for again
        assert run("last.jsonl").skipped_seen == 1 and page_requests(http, "/busy") == 4


def test_page_that_recovers_is_ingested(http: HTTPServer, tmp_path: Path) -> None:
    feed_url, clock, retries = busy_feed(http), Clock(), MemoryRetries()
    first = fetch_feeds([feed_url], CONFIG, MemorySeen(), tmp_path / "1.jsonl", 10,
                        retries=retries, clock=clock)
    retries.record(first.retries)
    http.clear_all_handlers()
    http.expect_request("/feed.xml").respond_with_data(rss(("Busy", "/busy", "g1")))
    http.expect_request("/busy").respond_with_data(PAGE.format("Back", "It works."),
                                                   content_type="text/html")
    clock.now += HOUR
    second = fetch_feeds([feed_url], CONFIG, MemorySeen(), tmp_path / "2.jsonl", 10,
                         retries=retries, clock=clock)
    retries.record(second.retries)
    assert (second.fetched, second.recovered, second.repeated) == (1, 1, 0)
    assert "It works." in read_jsonl(tmp_path / "2.jsonl")[0]["html"]
    assert retries.pages == {} and url_key(http.url_for("/busy")) in second.keys


def test_gone_pages_are_given_up_at_once(http: HTTPServer, tmp_path: Path) -> None:
    """404 and 410 say the page is not there; asking again gets the same answer."""
    http.expect_request("/feed.xml").respond_with_data(rss(("Gone", "/gone", "g1"),
                                                           ("Removed", "/removed", "g2")))
    http.expect_request("/gone").respond_with_data("", status=404)
    http.expect_request("/removed").respond_with_data("", status=410)
    report = fetch_feeds([http.url_for("/feed.xml")], CONFIG, MemorySeen(), tmp_path / "o.jsonl",
                         10, retries=MemoryRetries(), clock=Clock())
    assert report.failed == 2 and report.retries == [] and len(report.keys) == 2


def test_unreachable_host_backs_off(http: HTTPServer, tmp_path: Path) -> None:
    http.expect_request("/feed.xml").respond_with_data(rss(("Down", "http://127.0.0.1:9/a", "g")))
    clock = Clock()
    report = fetch_feeds([http.url_for("/feed.xml")], CONFIG, MemorySeen(), tmp_path / "o.jsonl",
                         10, retries=MemoryRetries(), clock=clock)
    [retry] = report.retries
    assert (retry.kind, retry.failures, retry.retry_at) == ("connection", 1, clock.now + HOUR)
