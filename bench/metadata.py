"""Metadata benchmark: the project's whole HTML path against trafilatura on fundus' pages.

Runs ``cleaners.pipeline.process`` (decode, parse, page metadata, extraction, repair,
language) and ``trafilatura.bare_extraction(html, with_metadata=True)`` over the same pages,
writes both as JSONL, scores each with the shared scorer and prints the figures side by side.

Exit status 1 unless the project reaches the issue's floors *and* is at least trafilatura's
figure on each metric in the same run (language: trafilatura gives none, so the floor alone).

    python bench/metadata.py [--data DIR] [--out DIR] [--show N] [--limit N]
"""
from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"  # the shared data sits beside the clone
sys.path.insert(0, str(ROOT))

DEFAULT_DATA = SHARED / "bench/metadata/fundus"
SCORER = SHARED / "tools/score_metadata.py"
FLOORS = {"title_acc": 0.85, "authors_f1": 0.90, "date_acc": 0.98, "language_acc": 0.97,
          "body_f1": 0.955}
SHOWN = ("title_acc", "title_f1", "authors_p", "authors_r", "authors_f1", "authors_exact",
         "date_acc", "language_acc", "body_p", "body_r", "body_f1")


def load_scorer(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("score_metadata", path)
    assert spec and spec.loader, f"cannot load the scorer at {path}"
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def pages(data: Path, limit: int | None) -> list[tuple[str, Path, bytes]]:
    files = sorted((data / "html").glob("*.html.gz"))[:limit]
    return [(f.name.split(".")[0], f, gzip.decompress(f.read_bytes())) for f in files]


def run_project(docs: list[tuple[str, Path, bytes]]) -> tuple[list[dict[str, Any]], float]:
    from cleaners.config import Config
    from cleaners.pipeline import process
    from cleaners.read.rawdoc import RawDoc

    config, out = Config(), []
    start = time.perf_counter()
    for doc_id, path, content in docs:
        raw = RawDoc(id=doc_id, source=str(path), format="html", content=content, is_html=True,
                     url=None)
        art = process(raw, config)
        out.append({"id": doc_id, "source": str(path), "status": art.status,
                    "title": art.title, "authors": art.authors, "credit": art.credit,
                    "site": art.site, "date": art.date, "language": art.language,
                    "body": art.body, "error": art.error and art.error.kind})
    return out, time.perf_counter() - start


def run_trafilatura(docs: list[tuple[str, Path, bytes]]) -> tuple[list[dict[str, Any]], float]:
    import trafilatura

    out = []
    start = time.perf_counter()
    for doc_id, path, content in docs:
        html = content.decode("utf-8", "replace")
        doc = trafilatura.bare_extraction(html, with_metadata=True)
        data = doc.as_dict() if doc is not None and hasattr(doc, "as_dict") else (doc or {})
        authors = [a.strip() for a in (data.get("author") or "").split(";") if a.strip()]
        out.append({"id": doc_id, "source": str(path), "title": data.get("title"),
                    "authors": authors, "date": data.get("date"),
                    "language": data.get("language"), "body": data.get("text")})
    return out, time.perf_counter() - start


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                    encoding="utf-8")


def score(scorer: ModuleType, records_path: Path, gold: list[dict], show: int) -> dict[str, Any]:
    preds, _ = scorer.match(scorer.read_records(records_path), {g["id"] for g in gold})
    summary, per_doc = scorer.score(gold, preds)
    if show:
        print(f"-- errors of {records_path.name}")
        scorer.show_errors(gold, preds, per_doc, show)
    return summary["metrics"]


def verdict(ours: dict[str, Any], theirs: dict[str, Any]) -> list[str]:
    """The failed conditions: each floor, and not below trafilatura where it gives a figure."""
    failures = []
    for key, floor in FLOORS.items():
        value, other = ours.get(key), theirs.get(key)
        if value is None or value < floor:
            failures.append(f"{key} {value} < floor {floor}")
        if other is not None and (value is None or value < other):
            failures.append(f"{key} {value} < trafilatura {other:.4f}")
    return failures


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--out", type=Path,
                    default=Path(tempfile.gettempdir()) / "newsclean_bench_metadata")
    ap.add_argument("--scorer", type=Path, default=SCORER)
    ap.add_argument("--show", type=int, default=0, help="list up to N errors per field")
    ap.add_argument("--limit", type=int, default=None, help="only the first N pages (smoke test)")
    args = ap.parse_args(argv)

    scorer = load_scorer(args.scorer)
    gold = scorer.read_records(args.data / "gold.jsonl")
    docs = pages(args.data, args.limit)
    if args.limit:
        gold = [g for g in gold if g["id"] in {d[0] for d in docs}]
    ours, ours_s = run_project(docs)
    theirs, theirs_s = run_trafilatura(docs)
    write_jsonl(args.out / "project.jsonl", ours)
    write_jsonl(args.out / "trafilatura.jsonl", theirs)
    m_ours = score(scorer, args.out / "project.jsonl", gold, args.show)
    m_theirs = score(scorer, args.out / "trafilatura.jsonl", gold, args.show)

    def fmt(v: Any) -> str:
        return "   n/a" if v is None else f"{v:.4f}"

    print(f"{len(docs)} pages; outputs in {args.out}")
    print(f"{'metric':<14} {'project':>8} {'trafilatura':>12} {'floor':>7}")
    for key in SHOWN:
        floor = FLOORS.get(key)
        print(f"{key:<14} {fmt(m_ours[key]):>8} {fmt(m_theirs[key]):>12} "
              f"{'' if floor is None else f'{floor:.3f}':>7}")
    print(f"{'docs/s':<14} {len(docs) / ours_s:>8.1f} {len(docs) / theirs_s:>12.1f}")
    failures = verdict(m_ours, m_theirs)
    for failure in failures:
        print(f"FAIL: {failure}", file=sys.stderr)
    print("PASS" if not failures else f"{len(failures)} condition(s) failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
