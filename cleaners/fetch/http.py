"""Fetch one URL over HTTP(S), treating every URL, redirect and response as hostile (issue 8).

Each hop of a redirect chain is checked like the first: the scheme must be http or https,
and every address the host resolves to must be public unless the config allows it. The
request is then sent to the checked address itself (the URL's host replaced by the IP,
with the Host header and TLS server name kept), so a second DNS answer cannot swap in an
internal address between the check and the connection. Bodies are read as a stream and
cut at ``max_bytes`` after decompression; a watchdog bounds the whole exchange by
``timeout``. Nothing is rendered or executed: the result is bytes.
"""
from __future__ import annotations

import ipaddress
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from email.message import Message

import httpx

from cleaners.config import FetchConfig
from cleaners.fetch.limiter import HostLimiter

SCHEMES = ("http", "https")
REDIRECTS = {301, 302, 303, 307, 308}
BACKOFF = 0.25  # seconds before the first retry, doubled for each further one
TRANSIENT_KINDS = {"timeout", "connection"}
ACCEPT = "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml," \
         "application/xml;q=0.9,text/*;q=0.8,*/*;q=0.5"

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class FetchError(Exception):
    """A URL that could not be fetched; ``kind`` is a short stable code for the record."""

    def __init__(self, kind: str, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.status = status

    @property
    def transient(self) -> bool:
        """Worth retrying: the same request may well succeed in a moment."""
        if self.kind in TRANSIENT_KINDS:
            return True
        return self.kind == "http_status" and self.status is not None and (
            self.status == 429 or self.status >= 500)


@dataclass(frozen=True)
class Fetched:
    url: str
    final_url: str
    status: int
    content_type: str
    body: bytes
    fetched_at: str  # ISO 8601, UTC

    @property
    def charset(self) -> str | None:
        """The charset the Content-Type header declares, if any."""
        header = Message()
        header["content-type"] = self.content_type
        return header.get_param("charset") if self.content_type else None  # type: ignore[return-value]

    @property
    def media_type(self) -> str:
        return self.content_type.split(";", 1)[0].strip().lower()


@dataclass(frozen=True)
class Target:
    """A checked hop: what to connect to and what to tell the server it is."""

    url: httpx.URL          # as requested, for messages and redirects
    connect_url: httpx.URL  # the host replaced by the checked address
    host: str               # for SNI, certificate checking and the limiter


def make_client() -> httpx.Client:
    """A client for :func:`fetch`; share one across threads to reuse its TLS context.

    No keep-alive: connections are opened to a checked IP, and a pooled connection made
    for one host name must never carry a request for another name on the same address.
    No proxies from the environment: they would connect to names we did not check.
    """
    return httpx.Client(follow_redirects=False, trust_env=False,
                        limits=httpx.Limits(max_keepalive_connections=0))


def fetch(url: str, config: FetchConfig, limiter: HostLimiter | None = None,
          client: httpx.Client | None = None) -> Fetched:
    """GET ``url`` within the config's limits; raises :class:`FetchError`.

    Timeouts, connection errors, 429 and 5xx are retried ``config.retries`` times with a
    short backoff; each attempt has the whole ``config.timeout`` budget.
    """
    own = client is None
    client = client or make_client()
    try:
        for attempt in range(config.retries):
            try:
                return _fetch_once(url, config, limiter, client)
            except FetchError as exc:
                if not exc.transient:
                    raise
            time.sleep(BACKOFF * 2 ** attempt)
        return _fetch_once(url, config, limiter, client)
    finally:
        if own:
            client.close()


def _fetch_once(url: str, config: FetchConfig, limiter: HostLimiter | None,
                client: httpx.Client) -> Fetched:
    """One attempt: follow up to ``max_redirects`` redirects, checking every hop."""
    deadline = time.monotonic() + config.timeout
    current = url
    for _ in range(config.max_redirects + 1):
        target = check_url(current, config)
        if limiter is not None:
            deadline += limiter.wait(target.host)  # politeness is not the server's time
        status, content_type, body, location = _exchange(client, target, config, deadline)
        if location is None:
            return Fetched(url=url, final_url=str(target.url), status=status,
                           content_type=content_type, body=body,
                           fetched_at=datetime.now(timezone.utc).isoformat(timespec="seconds"))
        current = _join(target.url, location)
    raise FetchError("too_many_redirects", f"more than {config.max_redirects} redirects from {url}")


def _join(base: httpx.URL, location: str) -> str:
    try:
        return str(base.join(location))
    except (httpx.InvalidURL, ValueError) as exc:
        raise FetchError("bad_url", f"unusable redirect target {location[:200]!r}: {exc}") from None


def check_url(url: str, config: FetchConfig) -> Target:
    """Parse ``url``, check its scheme and resolve its host to an allowed address."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, ValueError, TypeError) as exc:
        raise FetchError("bad_url", f"not a usable URL {url[:200]!r}: {exc}") from None
    if parsed.scheme not in SCHEMES:
        raise FetchError("bad_scheme", f"only http and https are fetched, not {parsed.scheme[:20]}:")
    host = parsed.raw_host.decode("ascii").lower()
    if not host:
        raise FetchError("bad_url", f"no host in {url[:200]!r}")
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    address = _allowed_address(host, port, config)
    connect = parsed.copy_with(host=str(address), userinfo=b"", fragment=None)
    return Target(url=parsed.copy_with(fragment=None), connect_url=connect, host=host)


def _allowed_address(host: str, port: int, config: FetchConfig) -> IPAddress:
    """The first address of ``host``, after checking that every one of them is allowed."""
    try:
        infos = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError) as exc:
        raise FetchError("connection", f"cannot resolve {host}: {exc}") from None
    addresses = [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos]
    allowed = {h.lower() for h in config.allow_hosts}
    if config.allow_private or host in allowed:
        return addresses[0]
    for address in addresses:
        if is_internal(address) and str(address) not in allowed:
            raise FetchError("private_address",
                             f"{host} resolves to {address}, which is not a public address")
    return addresses[0]


def is_internal(address: IPAddress) -> bool:
    """Private, loopback, link-local, reserved, multicast, unspecified or otherwise not global."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    return (address.is_private or address.is_loopback or address.is_link_local
            or address.is_reserved or address.is_multicast or address.is_unspecified
            or not address.is_global)


def _exchange(client: httpx.Client, target: Target, config: FetchConfig,
              deadline: float) -> tuple[int, str, bytes, str | None]:
    """(status, content type, body, redirect location or None) of one request."""
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise FetchError("timeout", f"no time left for {target.url} within {config.timeout} s")
    request = client.build_request(
        "GET", target.connect_url, timeout=remaining,
        headers={"Host": target.url.netloc.decode("ascii"), "User-Agent": config.user_agent,
                 "Accept": ACCEPT, "Accept-Encoding": "gzip, deflate"},
        extensions={"sni_hostname": target.host})
    try:
        response = client.send(request, stream=True)
        try:
            with _watchdog(response, deadline):
                return _receive(response, target, config, deadline)
        finally:
            response.close()
    except httpx.TimeoutException:
        raise FetchError("timeout", f"{target.url} took over {config.timeout} s") from None
    except httpx.TransportError as exc:
        if time.monotonic() >= deadline:  # the watchdog cut the connection
            raise FetchError("timeout", f"{target.url} took over {config.timeout} s") from None
        kind = "tls" if _caused_by_tls(exc) else "connection"
        raise FetchError(kind, f"{target.url}: {type(exc).__name__}: {exc}") from None


def _caused_by_tls(exc: BaseException) -> bool:
    """A certificate or handshake failure: not transient, unlike a refused connection."""
    chain: BaseException | None = exc
    for _ in range(8):  # exception chains are short; the bound guards against a cycle
        if chain is None:
            return False
        if isinstance(chain, ssl.SSLError):
            return True
        chain = chain.__cause__ or chain.__context__
    return False


def _receive(response: httpx.Response, target: Target, config: FetchConfig,
             deadline: float) -> tuple[int, str, bytes, str | None]:
    status = response.status_code
    if status in REDIRECTS and "location" in response.headers:
        return status, "", b"", response.headers["location"]
    if not 200 <= status < 300:
        raise FetchError("http_status", f"{target.url} answered HTTP {status}", status)
    length = response.headers.get("content-length", "")
    if length.isdigit() and int(length) > config.max_bytes:
        raise FetchError("too_large", f"{target.url} declares {int(length):,} bytes, over the "
                         f"{config.max_bytes:,}-byte limit")
    body = _read_capped(response, config.max_bytes, deadline, str(target.url))
    return status, response.headers.get("content-type", ""), body, None


def _read_capped(response: httpx.Response, limit: int, deadline: float, url: str) -> bytes:
    """The decompressed body, refusing it as soon as it passes ``limit`` bytes."""
    inflate = _inflater(response.headers.get("content-encoding", ""), url)
    parts: list[bytes] = []
    size = 0
    for chunk in response.iter_raw():
        if time.monotonic() >= deadline:
            raise httpx.ReadTimeout("total time exceeded")
        try:
            out = inflate.decompress(chunk, limit - size + 1) if inflate else chunk
        except zlib.error as exc:
            raise FetchError("bad_encoding", f"{url}: the compressed body is corrupt: {exc}") from None
        size += len(out)
        if size > limit or (inflate and inflate.unconsumed_tail):
            raise FetchError("too_large", f"{url} sent over {limit:,} bytes")
        parts.append(out)
    if time.monotonic() >= deadline:  # the watchdog may end a body early rather than fail it
        raise httpx.ReadTimeout("total time exceeded")
    return b"".join(parts)


def _inflater(encoding: str, url: str):  # -> zlib decompress object | None
    """A bounded decompressor for the encodings we ask for (gzip, deflate)."""
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return None
    if encoding in ("gzip", "x-gzip", "deflate"):
        return zlib.decompressobj(wbits=47)  # 32 + 15: zlib or gzip header, detected
    raise FetchError("bad_encoding", f"{url} sent content-encoding {encoding[:40]!r}, "
                     "which was not asked for")


@contextmanager
def _watchdog(response: httpx.Response, deadline: float) -> Iterator[None]:
    """Shut the socket at the deadline: a server dripping one byte per second would
    otherwise never trip the per-read timeout."""
    stream = response.extensions.get("network_stream")
    sock = stream.get_extra_info("socket") if stream is not None else None
    if sock is None:
        yield
        return

    def cut() -> None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    timer = threading.Timer(max(0.0, deadline - time.monotonic()), cut)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
