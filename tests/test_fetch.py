"""Fetching hostile URLs and feeds: schemes, redirects, internal addresses, size, time, rate.

A real HTTP(S) server on 127.0.0.1 (pytest-httpserver) answers; 127.0.0.1 is allowed
explicitly in the config, as it is internal and refused by default.
"""
from __future__ import annotations

import datetime
import gzip
import socket
import ssl
import threading
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from cleaners.config import FetchConfig
from cleaners.fetch.feeds import FeedError, read_feed
from cleaners.fetch.http import fetch, FetchError
from cleaners.fetch.limiter import HostLimiter

LOCAL = FetchConfig(allow_hosts=("127.0.0.1",), retries=0, timeout=3.0, per_host_delay=0.0)
FEED_BASE = "https://news.example/feeds/world/rss.xml"




@pytest.fixture
def no_connect(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if any outgoing connection is attempted."""
    def refuse(*args, **kwargs):
        raise AssertionError("a connection was attempted")
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


def fetch_error(url: str, config: FetchConfig = LOCAL) -> FetchError:
    with pytest.raises(FetchError) as info:
        fetch(url, config)
    return info.value


# --- schemes and addresses -------------------------------------------------------------

@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/pub/x",
                                 "data:text/html,<script>alert(1)</script>",
                                 "javascript:alert(1)", "gopher://127.0.0.1:70/1"])
def test_only_http_and_https(url: str, no_connect: None) -> None:
    assert fetch_error(url).kind == "bad_scheme"


def test_redirect_to_file_is_refused(http: HTTPServer) -> None:
    http.expect_request("/r").respond_with_data("", status=302,
                                                headers={"Location": "file:///etc/passwd"})
    assert fetch_error(http.url_for("/r")).kind == "bad_scheme"


def test_redirect_loop_is_capped(http: HTTPServer) -> None:
    http.expect_request("/loop").respond_with_data("", status=301, headers={"Location": "/loop"})
    config = FetchConfig(allow_hosts=("127.0.0.1",), retries=0, max_redirects=3)
    assert fetch_error(http.url_for("/loop"), config).kind == "too_many_redirects"
    assert len(http.log) == 4  # the first request and three redirects, no more


def test_redirects_are_followed_with_relative_locations(http: HTTPServer) -> None:
    http.expect_request("/old").respond_with_data("", status=308, headers={"Location": "new#x"})
    http.expect_request("/new").respond_with_data("<p>here</p>", content_type="text/html")
    page = fetch(http.url_for("/old"), LOCAL)
    assert (page.final_url, page.body, page.url) == (http.url_for("/new"), b"<p>here</p>",
                                                      http.url_for("/old"))


def test_loopback_refused_unless_allowed(http: HTTPServer) -> None:
    http.expect_request("/a").respond_with_data("ok")
    refused = fetch_error(http.url_for("/a"), FetchConfig(retries=0))
    assert refused.kind == "private_address" and http.log == []
    assert fetch(http.url_for("/a"), LOCAL).body == b"ok"
    assert fetch(http.url_for("/a"), FetchConfig(allow_private=True)).body == b"ok"


@pytest.mark.parametrize("url", [
    "http://10.1.2.3/", "http://192.168.0.1/", "http://169.254.169.254/latest/meta-data/",
    "http://[::1]/", "http://0.0.0.0/", "http://2130706433/", "http://0x7f.1/",
    "http://[::ffff:127.0.0.1]/", "http://100.64.0.1/", "http://224.0.0.1/",
    "http://[fe80::1]/", "http://240.0.0.1/"])
def test_internal_addresses_refused_without_connecting(url: str, no_connect: None) -> None:
    assert fetch_error(url, FetchConfig(retries=0)).kind == "private_address"


def test_allowing_one_address_does_not_allow_others(no_connect: None) -> None:
    assert fetch_error("http://10.0.0.1/", LOCAL).kind == "private_address"


def test_redirect_hops_are_checked(http: HTTPServer) -> None:
    http.expect_request("/r").respond_with_data(
        "", status=302, headers={"Location": "http://169.254.169.254/latest/meta-data/"})
    assert fetch_error(http.url_for("/r")).kind == "private_address"
    assert len(http.log) == 1


def test_connects_to_the_checked_address(http: HTTPServer, monkeypatch) -> None:
    """The host is resolved once per hop: a second answer (DNS rebinding) is never used."""
    real = socket.getaddrinfo
    answers = iter(["127.0.0.1"] + ["10.0.0.1"] * 5)
    calls = []

    def rebinding(host, *args, **kwargs):
        if host == "rebind.test":
            calls.append(host)
            return real(next(answers), *args, **kwargs)
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    http.expect_request("/a").respond_with_data("ok")
    page = fetch(f"http://rebind.test:{http.port}/a", LOCAL)
    assert page.body == b"ok" and len(calls) == 1
    assert http.log[0][0].headers["Host"] == f"rebind.test:{http.port}"
    assert http.log[0][0].headers["User-Agent"] == LOCAL.user_agent


# --- HTTPS: the checked IP is dialled, the certificate is checked against the name -----

def _certificate(tmp: Path, name: str) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = tmp / "cert.pem", tmp / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def test_https_by_address_checks_the_certificate_name(tmp_path: Path, monkeypatch) -> None:
    cert, key = _certificate(tmp_path, "news.test")
    served = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    served.load_cert_chain(cert, key)
    real = socket.getaddrinfo
    monkeypatch.setattr(socket, "getaddrinfo", lambda host, *a, **k: real(
        "127.0.0.1" if host.endswith(".test") else host, *a, **k))
    client = httpx.Client(verify=ssl.create_default_context(cafile=str(cert)), trust_env=False,
                          limits=httpx.Limits(max_keepalive_connections=0))
    httpserver = HTTPServer(host="127.0.0.1", port=0, ssl_context=served)
    httpserver.start()
    try:
        httpserver.expect_request("/a").respond_with_data("secure")
        page = fetch(f"https://news.test:{httpserver.port}/a", LOCAL, client=client)
        assert page.body == b"secure"
        with pytest.raises(FetchError) as info:
            fetch(f"https://other.test:{httpserver.port}/a", LOCAL, client=client)
        assert info.value.kind == "tls"
    finally:
        httpserver.stop()
        client.close()


# --- size, time, retries ---------------------------------------------------------------

def test_size_cap_with_content_length(http: HTTPServer) -> None:
    http.expect_request("/big").respond_with_data("x" * 5000)
    config = FetchConfig(allow_hosts=("127.0.0.1",), retries=0, max_bytes=1000)
    assert fetch_error(http.url_for("/big"), config).kind == "too_large"


def test_size_cap_while_streaming(http: HTTPServer) -> None:
    def endless(request: Request) -> Response:
        return Response((b"x" * 1000 for _ in range(10_000)))  # chunked, no length

    http.expect_request("/stream").respond_with_handler(endless)
    config = FetchConfig(allow_hosts=("127.0.0.1",), retries=0, max_bytes=50_000)
    assert fetch_error(http.url_for("/stream"), config).kind == "too_large"


def test_gzip_bomb_is_cut_at_the_cap(http: HTTPServer) -> None:
    bomb = gzip.compress(b"\0" * 50_000_000)  # 50 MB in ~50 KB
    http.expect_request("/bomb").respond_with_data(bomb, headers={"Content-Encoding": "gzip"})
    tracemalloc.start()
    try:
        assert fetch_error(http.url_for("/bomb")).kind == "too_large"
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 3 * LOCAL.max_bytes


def test_gzip_body_is_inflated(http: HTTPServer) -> None:
    http.expect_request("/gz").respond_with_data(gzip.compress(b"<p>hello</p>"),
                                                 headers={"Content-Encoding": "gzip"})
    assert fetch(http.url_for("/gz"), LOCAL).body == b"<p>hello</p>"


def test_total_time_is_bounded(http: HTTPServer) -> None:
    def drip(request: Request) -> Response:
        def body() -> Iterator[bytes]:
            for _ in range(10):
                yield b"x"
                time.sleep(0.8)  # each byte within the read timeout; the next after the deadline
        return Response(body())

    http.expect_request("/slow").respond_with_handler(drip)
    config = FetchConfig(allow_hosts=("127.0.0.1",), retries=0, timeout=1.0)
    start = time.monotonic()
    assert fetch_error(http.url_for("/slow"), config).kind == "timeout"
    assert time.monotonic() - start < 1.4  # cut at the deadline, not at the byte after it


def test_retry_on_503_then_success(http: HTTPServer) -> None:
    http.expect_oneshot_request("/flaky").respond_with_data("busy", status=503)
    http.expect_request("/flaky").respond_with_data("ok")
    config = FetchConfig(allow_hosts=("127.0.0.1",), retries=2)
    assert fetch(http.url_for("/flaky"), config).body == b"ok"
    assert len(http.log) == 2


def test_retries_are_bounded_and_404_is_not_retried(http: HTTPServer) -> None:
    http.expect_request("/down").respond_with_data("", status=503)
    http.expect_request("/gone").respond_with_data("", status=404)
    config = FetchConfig(allow_hosts=("127.0.0.1",), retries=1)
    down = fetch_error(http.url_for("/down"), config)
    assert (down.kind, down.status, len(http.log)) == ("http_status", 503, 2)
    assert fetch_error(http.url_for("/gone"), config).status == 404
    assert len(http.log) == 3


# --- per-host rate ---------------------------------------------------------------------

class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_host_limiter_spaces_requests_per_host() -> None:
    clock = FakeClock()
    limiter = HostLimiter(2.0, clock=clock, sleep=clock.sleep)
    assert limiter.wait("a.example") == 0
    assert limiter.wait("b.example") == 0  # another host is not held up
    assert limiter.wait("A.example") == 2.0
    assert clock.now == 102.0
    clock.now += 5
    assert limiter.wait("a.example") == 0


def test_host_limiter_is_thread_safe() -> None:
    clock = FakeClock()
    pauses: list[float] = []
    limiter = HostLimiter(1.0, clock=clock, sleep=pauses.append)  # time stands still
    threads = [threading.Thread(target=limiter.wait, args=("h.example",)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(pauses) == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]  # one distinct slot each


# --- feeds -----------------------------------------------------------------------------

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>World</title><link>https://news.example/</link>
<item><title>Talks in Moscow</title><link>/world/talks?utm_source=rss</link>
<guid isPermaLink="false">story-1</guid><pubDate>Tue, 10 Jun 2025 09:41:01 +0200</pubDate></item>
<item><title>Absolute</title><link>https://other.example/a</link></item>
<item><title>No link</title><description>nothing to fetch</description></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Blog</title><id>urn:blog</id>
<updated>2025-06-10T10:00:00Z</updated>
<entry><title>Relative</title><link rel="alternate" href="posts/b.html"/><id>urn:b</id>
<updated>2025-06-10T10:00:00Z</updated><published>2025-06-09T08:00:00+02:00</published></entry>
</feed>"""

LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
""" + b"".join(b'<!ENTITY %s "%s">\n' % (bytes([98 + i]), (b"&%s;" % bytes([97 + i])) * 10)
               for i in range(9)) + b"""]>
<rss version="2.0"><channel><title>&j;</title><item><title>&j;</title><link>/x</link>
<description>&j;&j;&j;</description></item></channel></rss>"""


def test_rss_links_made_absolute() -> None:
    items = read_feed(RSS, FEED_BASE)
    assert [i.url for i in items] == ["https://news.example/world/talks?utm_source=rss",
                                      "https://other.example/a"]
    assert items[0].title == "Talks in Moscow" and items[0].guid == "story-1"
    assert items[0].published == "2025-06-10T07:41:01+00:00"
    assert items[1].published is None


def test_atom_links_made_absolute() -> None:
    [item] = read_feed(ATOM, FEED_BASE)
    assert item.url == "https://news.example/feeds/world/posts/b.html"
    assert (item.guid, item.published) == ("urn:b", "2025-06-09T06:00:00+00:00")


def test_billion_laughs_is_refused_in_bounded_memory() -> None:
    tracemalloc.start()
    try:
        with pytest.raises(FeedError) as info:
            read_feed(LAUGHS, FEED_BASE)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert info.value.kind == "unsafe_feed" and peak < 1_000_000


def test_utf16_entity_declarations_are_seen() -> None:
    with pytest.raises(FeedError):
        read_feed(LAUGHS.replace(b'encoding="utf-8"', b"").decode().encode("utf-16"), FEED_BASE)


def test_external_entity_is_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    xxe = (b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file://%s">]>'
           b'<rss version="2.0"><channel><item><title>&x;</title><link>/a</link></item>'
           b'</channel></rss>' % str(secret).encode())
    with pytest.raises(FeedError) as info:
        read_feed(xxe, FEED_BASE)
    assert "TOP-SECRET" not in str(info.value)


def test_a_body_naming_a_file_is_not_opened(tmp_path: Path) -> None:
    """feedparser opens a string that names a file; read_feed must hand it a stream."""
    local = tmp_path / "local.xml"
    local.write_bytes(RSS)
    for body in (str(local).encode(), f"file://{local}".encode()):
        with pytest.raises(FeedError):
            read_feed(body, FEED_BASE)


def test_oversized_and_non_feeds_are_refused() -> None:
    with pytest.raises(FeedError) as info:
        read_feed(RSS, FEED_BASE, max_bytes=100)
    assert info.value.kind == "too_large"
    with pytest.raises(FeedError) as info:
        read_feed(b"\x89PNG\r\n\x1a\n\0\0\0", FEED_BASE)
    assert info.value.kind == "bad_feed"
    assert read_feed(b'<rss version="2.0"><channel><title>t</title></channel></rss>',
                     FEED_BASE) == []
