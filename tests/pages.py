"""Real-looking inputs built in the tests: an article page and WARC records."""
from __future__ import annotations

ARTICLE_HTML = """<!DOCTYPE html>
<html lang="en"><head><title>City approves harbour budget | The Example Times</title>
<meta property="og:site_name" content="The Example Times"></head>
<body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li></ul></nav>
<article>
<h1>City approves harbour budget</h1>
<p>The city council on Monday approved the proposed budget for the harbour renovation,
ending a two-year dispute over how the works would be paid for. The Mayor said the vote
was a turning point for the waterfront and its businesses.</p>
<p>Under the plan, the city will borrow 40 million euros over ten years, while the port
authority covers the rest from berth fees. Opposition members argued that the repayment
schedule leaves too little room for other investments in the coming decade.</p>
<p>Work on the northern quay is expected to start in the spring and to last until the
end of next year, according to the port authority's chief engineer.</p>
</article>
<footer><p>Copyright 2024 The Example Times. All rights reserved.</p></footer>
</body></html>"""


def warc_record(uri: str, content_type: str, payload: bytes) -> bytes:
    """One WARC/1.0 response record holding an HTTP 200 response."""
    http = (f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {len(payload)}\r\n\r\n").encode() + payload
    head = (f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {uri}\r\n"
            f"WARC-Date: 2024-03-04T10:00:00Z\r\nWARC-Record-ID: <urn:uuid:{abs(hash(uri)):032x}>\r\n"
            f"Content-Type: application/http; msgtype=response\r\n"
            f"Content-Length: {len(http)}\r\n\r\n").encode()
    return head + http + b"\r\n\r\n"
