"""Screenshots of the Prefect UI showing a newsclean flow run and its artifacts.

Starts ``prefect server start`` (temporary home) and the reports' static server that
``newsclean serve`` runs, runs the flow once over seeds/ against them, then drives headless
Chromium (Debian ``chromium``, over the DevTools protocol) to the flow run's page, its
Artifacts tab (descriptions with the run's counts), the summary, source-table and report-link
artifacts, and the URL that link holds (the report over HTTP), saving PNGs (docs/prefect-*.png
by default). The run's config also names a feed that answers 500, so the run is one with
warnings; two more runs follow (one with a config file that does not exist, one with
nothing new) and the runs list shows the three outcomes (docs/prefect-runs.png).

Usage: python scripts/ui_screenshot.py [--out DIR] [--chromium PATH]
"""
from __future__ import annotations

import argparse
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from http.server import ThreadingHTTPServer
from pathlib import Path

from prefect_server import free_port, local_server, stop
from websockets.sync.client import connect

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--hide-scrollbars",
                  "--window-size=1440,1000"]
WIDTH, HEIGHT = 1440, 1000
SETTLE_SECONDS = 2.0


sys.path.insert(0, str(ROOT))
from cleaners.config import load_config  # noqa: E402
from newsclean.serve import serve_reports  # noqa: E402
from scheduled_runs import Feed, serve_feed  # noqa: E402


def failing_feed() -> tuple[ThreadingHTTPServer, str]:
    """scheduled_runs.py's feed server, answering 500."""
    Feed.failing = True
    return serve_feed()


def write_config(tmp: Path, feed: str) -> Path:
    """An inbox of seeds/ and one empty file (an error record, to show the errors listed),
    in batches of 2 (to show batching), and a feed that fails; reports served on a free
    port."""
    inbox = tmp / "inbox"
    shutil.copytree(ROOT / "seeds", inbox)
    (inbox / "empty.txt").write_bytes(b"")
    config = tmp / "newsclean.toml"
    config.write_text(f"[run]\nbatch_size = 2\n[sources]\n"
                      f"inbox = {json.dumps(str(inbox))}\nfeeds = [{json.dumps(feed)}]\n"
                      f"[schedule]\nreports = {json.dumps(str(tmp / 'reports'))}\n"
                      f"report_port = {free_port()}\n[fetch]\nretries = 0\n"
                      'allow_hosts = ["127.0.0.1"]\n', encoding="utf-8")
    return config


def run_flow(config: Path | str, env: dict[str, str]) -> str:
    """One flow run in a child process, without the flow's retries; returns its id."""
    code = ("import sys; from flows.ingest import ingest; "
            "s = ingest.with_options(retries=0)(sys.argv[1], return_state=True); "
            "print(s.state_details.flow_run_id)")
    out = subprocess.run([sys.executable, "-c", code, str(config)], env=env, check=True,
                         capture_output=True, text=True, cwd=ROOT)
    return out.stdout.strip().splitlines()[-1]


def artifacts(env: dict[str, str], run_id: str) -> dict[str, dict]:
    """Artifact key -> artifact for the run."""
    body = json.dumps({"artifacts": {"flow_run_id": {"any_": [run_id]}}}).encode()
    req = urllib.request.Request(f"{env['PREFECT_API_URL']}/artifacts/filter", data=body,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        return {a["key"]: a for a in json.loads(resp.read()) if a.get("key")}


class Browser:
    """Headless Chromium driven over the DevTools protocol: load a page, wait for its text,
    click a tab, capture a PNG."""

    def __init__(self, chromium: str, profile: Path) -> None:
        self.proc = subprocess.Popen([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
                                      "--remote-debugging-port=0", "about:blank"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 60
        while not port_file.exists() or not port_file.read_text().strip():
            if time.monotonic() > deadline:
                raise TimeoutError("chromium did not open its DevTools port")
            time.sleep(0.2)
        port = port_file.read_text().split()[0]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as resp:
            page = next(t for t in json.loads(resp.read()) if t["type"] == "page")
        self.ws = connect(page["webSocketDebuggerUrl"], max_size=None)
        self.next_id = 0
        self.send("Emulation.setDeviceMetricsOverride", width=WIDTH, height=HEIGHT,
                  deviceScaleFactor=1, mobile=False)

    def send(self, method: str, **params: object) -> dict:
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv(timeout=60))
            if message.get("id") == self.next_id:
                return message.get("result", {})

    def text(self) -> str:
        result = self.send("Runtime.evaluate", expression="document.body.innerText",
                           returnByValue=True)
        return str(result.get("result", {}).get("value", ""))

    def wait_for(self, *needles: str, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while not all(n in self.text() for n in needles):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{needles} not on the page: {self.text()[:500]!r}")
            time.sleep(0.5)
        time.sleep(SETTLE_SECONDS)  # let charts and fonts finish drawing

    def goto(self, url: str, *needles: str) -> None:
        self.send("Page.navigate", url=url)
        self.wait_for(*needles)

    def click(self, label: str, *needles: str) -> None:
        self.send("Runtime.evaluate", expression=(
            "[...document.querySelectorAll('*')].find(e => !e.childElementCount && "
            f"e.textContent.trim() === {json.dumps(label)})?.click()"))
        self.wait_for(*needles)

    def scroll_to(self, heading: str) -> None:
        """Bring the heading that starts with ``heading`` to the top of the view."""
        self.send("Runtime.evaluate", expression=(
            "[...document.querySelectorAll('h1,h2,h3')].find(e => "
            f"e.textContent.trim().startsWith({json.dumps(heading)}))?.scrollIntoView()"))
        time.sleep(SETTLE_SECONDS)

    def shot(self, target: Path) -> None:
        data = self.send("Page.captureScreenshot", format="png")["data"]
        target.write_bytes(base64.b64decode(data))
        print(f"wrote {target}")

    def close(self) -> None:
        self.ws.close()
        stop(self.proc)


def capture(browser: Browser, ui: str, run_id: str, found: dict[str, dict], out: Path) -> None:
    browser.goto(f"{ui}/runs/flow-run/{run_id}", "Completed with warnings", "Finished in state")
    browser.shot(out / "prefect-flow-run.png")
    browser.click("Artifacts", "newsclean-summary", "newsclean-sources", "articles:")
    browser.shot(out / "prefect-artifacts.png")
    browser.goto(f"{ui}/artifacts/artifact/{found['newsclean-summary']['id']}", "Largest stories")
    browser.scroll_to("Largest stories")  # stories by headline, errors by input
    browser.shot(out / "prefect-summary.png")
    browser.goto(f"{ui}/artifacts/artifact/{found['newsclean-sources']['id']}", "failed")
    browser.shot(out / "prefect-sources.png")
    link = found["newsclean-report"]
    browser.goto(f"{ui}/artifacts/artifact/{link['id']}", "report.html of")
    browser.shot(out / "prefect-report-link.png")
    browser.goto(link["data"].rsplit("(", 1)[1].rstrip(")"), "Sources", "Stories")
    browser.shot(out / "prefect-report.png")
    browser.goto(f"{ui}/runs", "Completed with warnings", "Config error", "Completed")
    browser.shot(out / "prefect-runs.png")


def main(out: Path, chromium: str) -> int:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        feed_server, feed = failing_feed()
        config = write_config(tmp, feed)
        reports = serve_reports(load_config(config).schedule)
        with local_server(tmp / "home", tmp / "server.log") as env:
            run_id = run_flow(config, env)  # with warnings: the feed fails
            run_flow(tmp / "nope.toml", env)  # a config error
            config.write_text(config.read_text().replace(f"feeds = [{json.dumps(feed)}]\n",
                                                         ""))
            run_flow(config, env)  # clean, nothing new
            browser = Browser(chromium, tmp / "profile")
            try:
                capture(browser, env["PREFECT_API_URL"].removesuffix("/api"), run_id,
                        artifacts(env, run_id), out)
            finally:
                browser.close()
                reports.shutdown()
                feed_server.shutdown()
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "chromium")
    args = parser.parse_args()
    os.environ.setdefault("DO_NOT_TRACK", "1")
    sys.exit(main(args.out, args.chromium))
