"""The report server of ``newsclean serve`` (newsclean/serve.py) on 127.0.0.1: a run's report
files and story pages (``report/stories-NNNN.html``) answer 200; listings, the store under ``.newsclean/``, other files and anything outside
the reports folder answer 404, however the path is spelled (``..``, percent-encoded dots and
slashes, symlinks pointing out)."""
from __future__ import annotations

import http.client
from collections.abc import Iterator
from pathlib import Path

import pytest

from cleaners.config import ScheduleConfig

RUN = "20261207T120000-clever-fox"
SERVED = ("report.html", "summary.md", "articles.jsonl", "corrections.jsonl",
          "report/stories-0001.html", "report/stories-0012.html")
REFUSED = [
    "/", "/?", f"/{RUN}", f"/{RUN}/", "/.newsclean/", "/.newsclean/index.sqlite",
    "/%2enewsclean/index.sqlite", "/%2Enewsclean/index.sqlite",
    f"/{RUN}/../.newsclean/index.sqlite", f"/{RUN}/%2e%2e/.newsclean/index.sqlite",
    f"/{RUN}%2f..%2f.newsclean%2findex.sqlite", "/..%2fsecret.txt", "/%2e%2e/secret.txt",
    "/../secret.txt", "/%2e%2e%2fsecret.txt", f"/{RUN}/..%2f..%2fsecret.txt",
    f"/{RUN}/../../secret.txt", "//secret.txt", "/out/report.html", "/linked/report.html",
    f"/{RUN}/plan.json", f"/{RUN}/.newsclean/plan.json", f"/{RUN}/report.html/",
    f"/{RUN}/report.html%00", f"/{RUN}\\..\\..\\secret.txt", f"/{RUN}/sub/report.html",
    "/.hidden/report.html", "/secret.txt", "/reports/secret.txt",
    # the story pages: report/stories-NNNN.html of a run, nothing else under report/
    f"/{RUN}/report/", f"/{RUN}/report", f"/{RUN}/report/plan.json",
    f"/{RUN}/report/stories-1.html", f"/{RUN}/report/stories-0001.htm",
    f"/{RUN}/report/stories-0001.html/", f"/{RUN}/report/report.html",
    f"/{RUN}/sub/stories-0001.html", f"/{RUN}/stories-0001.html", "/report/stories-0001.html",
    f"/{RUN}/report/../report/stories-0001.html", f"/{RUN}/report%2fstories-0001.html/x",
    f"/{RUN}/report/%2e%2e/%2e%2e/secret.txt", "/.hidden/report/stories-0001.html",
    f"/{RUN}/report/stories-0002.html", "/linked/report/stories-0001.html"]


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, Path]]:
    """A reports folder with one run, the store and a run's spool beside it, a secret
    outside, a run folder that is a symlink out and a report file that is one; served by
    :func:`newsclean.serve.serve_reports` on a free port."""
    from newsclean.serve import serve_reports

    tmp_path = tmp_path_factory.mktemp("served")
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    reports = tmp_path / "reports"
    run = reports / RUN
    (run / ".newsclean").mkdir(parents=True)
    (run / ".newsclean" / "plan.json").write_text("{}", encoding="utf-8")
    (run / "plan.json").write_text("{}", encoding="utf-8")
    (run / "sub").mkdir()
    (run / "sub" / "report.html").write_text("<html>", encoding="utf-8")
    (run / "report").mkdir()
    for name in SERVED:
        (run / name).write_text(f"{name} of the run\n", encoding="utf-8")
    (run / "report" / "plan.json").write_text("{}", encoding="utf-8")
    (run / "report" / "stories-0002.html").symlink_to(tmp_path / "secret.txt")
    (reports / ".hidden" / "report").mkdir(parents=True)
    (reports / ".hidden" / "report" / "stories-0001.html").write_text("<html>", encoding="utf-8")
    (reports / ".newsclean").mkdir()
    (reports / ".newsclean" / "index.sqlite").write_bytes(b"SQLite format 3\x00")
    (reports / ".hidden").mkdir(exist_ok=True)
    (reports / ".hidden" / "report.html").write_text("<html>", encoding="utf-8")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "report.html").write_text("secret", encoding="utf-8")
    (reports / "out").symlink_to(tmp_path / "out", target_is_directory=True)
    (reports / "linked").mkdir()
    (reports / "linked" / "report.html").symlink_to(tmp_path / "secret.txt")
    (reports / "linked" / "report").symlink_to(tmp_path / "out", target_is_directory=True)
    (tmp_path / "out" / "stories-0001.html").write_text("secret", encoding="utf-8")
    port = free_port()
    server = serve_reports(ScheduleConfig(reports=str(reports), report_port=port))
    try:
        yield port, run
    finally:
        server.shutdown()
        server.server_close()


def request(port: int, path: str, method: str = "GET") -> tuple[int, bytes, str]:
    """The path sent as written (http.client neither normalises nor re-encodes it)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(method, path)
        resp = conn.getresponse()
        return resp.status, resp.read(), resp.getheader("Content-Type") or ""
    finally:
        conn.close()


def test_a_runs_report_files_are_served(served) -> None:
    port, run = served
    for name in SERVED:
        status, body, kind = request(port, f"/{RUN}/{name}")
        assert (status, body) == (200, (run / name).read_bytes()), name
    assert request(port, f"/{RUN}/report.html")[2] == "text/html; charset=utf-8"
    assert request(port, f"/{RUN}/report/stories-0001.html")[2] == "text/html; charset=utf-8"
    status, body, _ = request(port, f"/{RUN}/report.html", "HEAD")
    assert status == 200 and body == b""
    assert request(port, f"/{RUN}/report%2Ehtml")[0] == 200  # an encoded dot is still a dot


@pytest.mark.parametrize("path", REFUSED)
def test_nothing_else_is_served(served, path: str) -> None:
    port, _ = served
    status, body, _ = request(port, path)
    assert status == 404, (path, status)
    assert b"secret" not in body and b"SQLite" not in body and b"of the run" not in body


def test_other_methods_are_refused(served) -> None:
    port, _ = served
    assert request(port, f"/{RUN}/report.html", "POST")[0] == 501
    assert request(port, f"/{RUN}/report.html", "PUT")[0] == 501
