"""The corpus of bench/load.py: 100,000 real-looking inputs built from real articles and
real pages (see bench/load.py for what it holds), cached under the temp dir per version,
size and seed."""
from __future__ import annotations

import gzip
import html as htmllib
import json
import random
import re
import shutil
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from corpora import SENTENCE, real_articles, truncate

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
PAGES = SHARED / "bench/extraction/scrapinghub"
VERSION = 2  # bump when the corpus recipe changes: cached corpora of other versions are ignored
CACHE = Path(tempfile.gettempdir()) / "newsclean-bench-load"
START = date(2024, 3, 1)
DAYS = 56
SHARD = 1600  # inputs per shard directory (its JSONL file holds ~1,000 records)

CHROME = ["Share this article", "Share on Facebook", "Share on X", "Share via Email",
          "Subscribe to our newsletter", "Sign up for our daily briefing",
          "Get the latest headlines in your inbox every morning", "Related: {outlet} live",
          "Related Articles", "Read more:", "Most read", "Advertisement",
          "Listen to this article", "Follow us on Instagram", "Click here to read the full "
          "story on {outlet}", "© {outlet}. All rights reserved.", "Already a subscriber? Log in",
          "Continue reading", "Jetzt teilen", "Newsletter abonnieren"]
OUTLETS = ["The Daily Courier", "Wire Report", "Newsline 24", "Morgenpost", "El Diario",
           "Global Times Online", "Metro Herald", "Tagesblatt", "The Evening Post"]
HOSTS = ["dailycourier.example", "wirereport.example", "newsline24.example",
         "morgenpost.example", "eldiario.example", "metroherald.example", "tagesblatt.example"]
ISO_DATE = re.compile(r"20[0-2]\d-[01]\d-[0-3]\d")
PROSE_P = re.compile(r"(<p\b[^>]*>)([^<]{60,})(</p>)", re.I)
TEXT_NODE = re.compile(r">([^<]{60,})<")
_CP1252 = [bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in range(256)]



# ----------------------------------------------------------------------------- corpus


def mojibake(text: str) -> str:
    """UTF-8 bytes read as cp1252 (the bytes cp1252 leaves undefined read as Latin-1)."""
    return "".join(_CP1252[b] for b in text.encode("utf-8"))


def day_str(day: int) -> str:
    return (START + timedelta(days=max(0, min(DAYS + 5, day)))).isoformat()


@dataclass
class Origin:
    text: str
    lang: str
    publisher: str
    paras: list[list[str]]  # sentences per paragraph
    events: list[int]


@dataclass
class Texts:
    """The variant maker: real articles, sentence pools and vocabularies per language."""
    rng: random.Random
    origins: list[Origin] = field(default_factory=list)
    pools: dict[str, list[str]] = field(default_factory=dict)
    vocab: dict[str, list[str]] = field(default_factory=dict)
    by_day: dict[int, list[int]] = field(default_factory=dict)

    @classmethod
    def load(cls, rng: random.Random) -> "Texts":
        self = cls(rng)
        for row in real_articles(seeds=True):
            text = row["text"].strip()
            if len(text.split()) < 40 and len(text) < 400:
                continue
            lang = row["lang"]
            if row["origin"] == "scrapinghub" and sum(c.isascii() for c in text) < 0.8 * len(text):
                lang = "?"  # the ScrapingHub gold calls everything 'en'; some pages are not
            paras = [[s for s in SENTENCE.split(p.strip()) if s.strip()]
                     for p in text.split("\n\n") if p.strip()]
            self.origins.append(Origin(text, lang, row["publisher"], paras,
                                       sorted(rng.sample(range(DAYS), 5))))
            self.pools.setdefault(lang, []).extend(s for p in paras for s in p
                                                   if len(s.split()) >= 5)
        misc = [s for k, v in sorted(self.pools.items()) if len(v) < 1000 or k == "?" for s in v]
        self.pools = {k: v for k, v in self.pools.items() if len(v) >= 1000 and k != "?"}
        self.pools["misc"] = misc  # languages with few sentences borrow from each other
        self.vocab = {k: [w for s in v[:6000] for w in s.split() if w.isalpha()]
                      for k, v in self.pools.items()}
        for i, o in enumerate(self.origins):
            for d in o.events:
                for dd in (d, d + 1, d + 2):
                    self.by_day.setdefault(dd, []).append(i)
        return self

    def pick(self, day: int, english: bool = False) -> int:
        cands = self.by_day.get(day) or list(range(len(self.origins)))
        if english:
            cands = [i for i in cands if self.origins[i].lang == "en"] or \
                [i for i, o in enumerate(self.origins) if o.lang == "en"]
        return self.rng.choice(cands)

    def variant(self, oi: int) -> tuple[str, str]:
        """(title, body) of a new report derived from origin ``oi``."""
        rng, o = self.rng, self.origins[oi]
        pool = self.pools.get(o.lang) or self.pools["misc"]
        replace, drop = rng.uniform(0.35, 0.65), rng.uniform(0.0, 0.15)
        paras = []
        for p in o.paras:
            sents = []
            for s in p:
                r = rng.random()
                if r < drop:
                    continue
                sents.append(rng.choice(pool) if r < drop + replace else s)
            if sents:
                paras.append(" ".join(sents))
        if len(paras) > 4 and rng.random() < 0.6:
            middle = paras[1:-1]
            rng.shuffle(middle)
            paras = paras[:1] + middle + paras[-1:]
        body = "\n\n".join(paras) or o.text
        vocab = self.vocab.get(o.lang)
        if vocab:
            body = substitute(body, rng.uniform(0.03, 0.10), rng, vocab)
        if rng.random() < 0.06:
            body = truncate(body, rng.uniform(0.5, 0.9))
        first = SENTENCE.split(body.split("\n\n", 1)[0])[0].split()
        title = " ".join(first[:rng.randint(6, 12)]).rstrip(",.;:")
        return title, body

    def copy(self, title: str, body: str) -> tuple[str, str, str]:
        """(title, body, kind) of an exact or near copy."""
        rng = self.rng
        kind = rng.choice(["exact", "exact", "edit", "chrome", "truncate", "mojibake", "retitle"])
        if kind == "edit":
            body = substitute(body, rng.uniform(0.01, 0.05), rng,
                              self.vocab.get("en") or body.split())
        elif kind == "chrome":
            body = add_chrome(body, rng)
        elif kind == "truncate":
            body = truncate(body, rng.uniform(0.6, 0.95))
        elif kind == "mojibake":
            body = mojibake(body)
        elif kind == "retitle":
            title = f"{rng.choice(OUTLETS)}: {title}"
        return title, body, kind


def substitute(text: str, share: float, rng: random.Random, vocab: list[str]) -> str:
    words = text.split(" ")
    for i in rng.sample(range(len(words)), int(len(words) * share)):
        if "\n" not in words[i]:
            words[i] = rng.choice(vocab)
    return " ".join(words)


def add_chrome(text: str, rng: random.Random) -> str:
    outlet = rng.choice(OUTLETS)
    lines = [c.format(outlet=outlet) for c in rng.sample(CHROME, rng.randint(1, 4))]
    k = rng.randint(0, len(lines))
    head, tail = "\n".join(lines[:k]), "\n".join(lines[k:])
    return "\n\n".join(x for x in (head, text, tail) if x)


def load_pages() -> list[str]:
    return [gzip.decompress(p.read_bytes()).decode("utf-8", "replace")
            for p in sorted((PAGES / "html").glob("*.html.gz"))]


def render_page(page: str, body: str, day: str, rng: random.Random) -> str:
    """The page with its prose paragraphs holding ``body`` and its ISO dates moved to ``day``."""
    paras = [htmllib.escape(p, quote=False) for p in body.split("\n\n") if p.strip()]
    slots = list(PROSE_P.finditer(page))
    if len(slots) >= 2:
        out, last = [], 0
        for k, m in enumerate(slots):
            if k < len(slots) - 1:
                text = paras[k] if k < len(paras) else ""
            else:
                text = "</p>\n<p>".join(paras[k:]) if k < len(paras) else ""
            out += [page[last:m.start()], m.group(1), text, m.group(3)]
            last = m.end()
        out.append(page[last:])
        page = "".join(out)
    else:  # no plain prose paragraphs: light edits to the page's own text nodes
        words = [w for p in paras for w in p.split() if w.isalpha()] or ["news"]
        page = TEXT_NODE.sub(lambda m: ">" + substitute(m.group(1), 0.05, rng, words) + "<", page)
    return ISO_DATE.sub(day, page)


def kinds_for(n: int, rng: random.Random) -> list[str]:
    n_html, n_bad = n // 10, max(12, n // 100)
    n_html_jsonl, n_html_gz = n_html * 15 // 100, n_html // 10
    rest = n - n_html - n_bad
    n_txt = rest * 3 // 10
    kinds = (["html"] * (n_html - n_html_jsonl - n_html_gz) + ["html.gz"] * n_html_gz
             + ["jhtml"] * n_html_jsonl + ["txt"] * n_txt + ["jsonl"] * (rest - n_txt))
    bad = ["b-empty-txt", "b-empty-html", "b-binary-txt", "b-binary-html", "b-broken-json",
           "b-broken-json", "b-not-object", "b-no-text", "b-empty-text", "b-badutf8-json",
           "b-gzip-txt", "b-gzip-html", "b-undecodable-txt", "b-undecodable-html"]
    kinds += ["b-huge"] + [bad[i % len(bad)] for i in range(n_bad - 1)]
    rng.shuffle(kinds)
    return kinds


def build(n: int, seed: int, root: Path) -> dict:
    """Write the corpus under ``root/corpus``; returns the manifest."""
    rng = random.Random(seed)
    texts = Texts.load(rng)
    pages = load_pages()
    corpus = root / "corpus"
    kinds = kinds_for(n, rng)
    recent: list[tuple[int, str, str, int]] = []  # (origin, title, body, day) of recent texts
    recent_pages: list[tuple[str, int]] = []  # (relative path or jsonl key, day)
    manifest: dict = {"version": VERSION, "n": n, "seed": seed, "inputs": 0,
                      "html_files": [], "html_jsonl": {}, "kinds": Counter(), "copies": Counter()}
    page_bytes: dict[str, bytes] = {}  # html of recent pages for exact copies (bounded)
    t0 = time.perf_counter()
    for s0 in range(0, n, SHARD):
        shard = corpus / f"s{s0 // SHARD:03d}"
        shard.mkdir(parents=True, exist_ok=True)
        jsonl_lines: list[bytes] = []
        jname = f"r{s0 // SHARD:03d}.jsonl"
        for i in range(s0, min(n, s0 + SHARD)):
            kind = kinds[i]
            day = int(i * DAYS / n) + rng.randint(-2, 2)
            manifest["kinds"][kind] += 1
            if kind.startswith("b-"):
                line = write_bad(kind, i, shard, rng, pages)
                if line is not None:
                    jsonl_lines.append(line)
                continue
            # the article's text: a new report or a copy of a recent one
            if recent and rng.random() < 0.10:
                oi, title, body, d0 = rng.choice(recent[-3000:])
                title, body, ck = texts.copy(title, body)
                manifest["copies"][ck] += 1
                day = d0 + rng.randint(0, 3)
            else:
                oi = texts.pick(max(0, day), english=kind in ("html", "html.gz", "jhtml"))
                title, body = texts.variant(oi)
                if rng.random() < 0.05:
                    body = mojibake(body)
                if rng.random() < 0.3:
                    body = add_chrome(body, rng)
                recent.append((oi, title, body, day))
                if len(recent) > 6000:
                    del recent[:3000]  # copies come from the last 3,000 (same draws)
            ds = day_str(day)
            host = rng.choice(HOSTS)
            url = f"https://{host}/{ds[:4]}/{ds[5:7]}/story-{i}"
            if kind in ("html", "html.gz", "jhtml"):
                if recent_pages and rng.random() < 0.08 and recent_pages[-1][0] in page_bytes:
                    key = rng.choice([k for k, _ in recent_pages[-50:] if k in page_bytes])
                    data = page_bytes[key]  # the same page again (an exact copy)
                    manifest["copies"]["page-exact"] += 1
                else:
                    data = render_page(rng.choice(pages), body, ds, rng).encode("utf-8")
                if kind == "jhtml":
                    jsonl_lines.append(json.dumps({"id": f"j{i:06d}", "html": data.decode("utf-8"),
                                                   "url": url}, ensure_ascii=False).encode())
                    manifest["html_jsonl"].setdefault(f"{shard.name}/{jname}", []).append(
                        len(jsonl_lines))
                    key = f"{shard.name}/{jname}#{len(jsonl_lines)}"
                else:
                    name = f"h{i:06d}.html" + (".gz" if kind == "html.gz" else "")
                    (shard / name).write_bytes(gzip.compress(data, 6, mtime=0)
                                               if kind == "html.gz" else data)
                    manifest["html_files"].append(f"{shard.name}/{name}")
                    key = f"{shard.name}/{name}"
                page_bytes[key] = data
                recent_pages.append((key, day))
                if len(recent_pages) > 60:
                    page_bytes.pop(recent_pages[-61][0], None)
            elif kind == "txt":
                if rng.random() < 0.35:
                    sep = " " if rng.random() < 0.5 else "\n"
                    content = f" date {ds}{sep}{body}\n"
                else:
                    content = f"{title}\n\n{body}\n"
                (shard / f"t{i:06d}.txt").write_text(content, encoding="utf-8")
            else:
                rec = {"id": f"j{i:06d}", "text": body, "title": title, "date": ds, "url": url}
                for k in ("title", "date", "url"):
                    if rng.random() < 0.1:
                        del rec[k]
                jsonl_lines.append(json.dumps(rec, ensure_ascii=False).encode())
        if jsonl_lines:
            (shard / jname).write_bytes(b"\n".join(jsonl_lines) + b"\n")
        manifest["inputs"] = min(n, s0 + SHARD)
        if (s0 // SHARD) % 10 == 0:
            print(f"  building: {manifest['inputs']:,}/{n:,} inputs "
                  f"({time.perf_counter() - t0:.0f} s)", file=sys.stderr, flush=True)
    manifest["build_seconds"] = round(time.perf_counter() - t0, 1)
    return manifest


def write_bad(kind: str, i: int, shard: Path, rng: random.Random, pages: list[str]) -> bytes | None:
    """Write one bad input (a file, or a JSONL line returned to the caller)."""
    junk = bytes(rng.getrandbits(8) for _ in range(rng.randint(200, 5000)))
    if kind == "b-huge":
        page = pages[0].encode()
        with open(shard / f"h{i:06d}.html", "wb") as fh:
            for _ in range(30_000_000 // len(page) + 1):
                fh.write(page)
    elif kind == "b-empty-txt":
        (shard / f"t{i:06d}.txt").write_bytes(b"")
    elif kind == "b-empty-html":
        (shard / f"h{i:06d}.html").write_bytes(b"" if i % 2 else b"   \n")
    elif kind == "b-binary-txt":
        (shard / f"t{i:06d}.txt").write_bytes(junk)
    elif kind == "b-binary-html":
        (shard / f"h{i:06d}.html").write_bytes(b"\x89PNG\r\n\x1a\n" + junk)
    elif kind in ("b-gzip-txt", "b-gzip-html"):
        ext = "txt" if kind == "b-gzip-txt" else "html"
        data = gzip.compress(pages[i % len(pages)].encode(), 6, mtime=0)
        (shard / f"{ext[0]}{i:06d}.{ext}.gz").write_bytes(data[:len(data) // 2])
    elif kind == "b-undecodable-txt":
        text = "Die Regierung hat am Montag neue Maßnahmen beschlossen. " * 20
        data = text.encode("utf-8")
        data = b"".join(data[k:k + 37] + bytes([0x81, 0x8d, 0xff, 0xfe, 0xc3])
                        for k in range(0, len(data), 37))
        (shard / f"t{i:06d}.txt").write_bytes(data)
    elif kind == "b-undecodable-html":
        body = "\u0444\u0443\u043d\u043a\u0446\u0438\u044f \u201cnews\u201d ".encode("utf-16-le")
        data = (b'<html><head><meta charset="utf-8"></head><body><p>' + body * 200
                + b"\xff\xfe\xfd" + junk[:500] + b"</p></body></html>")
        (shard / f"h{i:06d}.html").write_bytes(data)
    elif kind == "b-broken-json":
        return b'{"id": "j%06d", "text": "The minister said on Tuesday that the talks' % i
    elif kind == "b-not-object":
        return b'["j%06d", "a list, not a record"]' % i
    elif kind == "b-no-text":
        return b'{"id": "j%06d", "title": "No body here", "date": "2024-03-05"}' % i
    elif kind == "b-empty-text":
        return b'{"id": "j%06d", "text": "", "title": "Empty"}' % i
    elif kind == "b-badutf8-json":
        return b'{"id": "j%06d", "text": "Bad bytes \xff\xfe\x81 in a record"}' % i
    else:
        raise ValueError(kind)
    return None


def corpus_dir(n: int, seed: int, rebuild: bool) -> tuple[Path, dict]:
    root = CACHE / f"v{VERSION}-n{n}-seed{seed}"
    marker = root / "manifest.json"
    if marker.exists() and not rebuild:
        return root / "corpus", json.loads(marker.read_text())
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    manifest = build(n, seed, root)
    marker.write_text(json.dumps(manifest))
    return root / "corpus", json.loads(marker.read_text())
