"""Speed of the text path (read, clean, repair, metadata) on one core, against its floor.
The whole run (with the corpus step: dedupe, stories, scores) is timed too, for information.

Builds N articles by varying the seeds (paragraph order, chrome from other seeds, artifacts),
runs the project's whole text path over them and the floor set by the named libraries alone
(ftfy.fix_text + langdetect) on the same texts, in turn, 250 articles at a time. Targets:
>= 200 articles/s and at most 0.7x the floor's time (issue 34). Prints the figures; exits 1
on a miss.

Usage: python bench/text.py [N]
"""
from __future__ import annotations

import random
import resource
import sys
import tempfile
import time
from pathlib import Path

import ftfy
from langdetect import DetectorFactory, detect

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cleaners.config import Config  # noqa: E402
from cleaners.read import iter_inputs  # noqa: E402
from cleaners.pipeline import process_batch  # noqa: E402
from cleaners.run import run  # noqa: E402
from cleaners.runner import batched  # noqa: E402

MIN_RATE, MAX_FLOOR_RATIO = 200.0, 0.7  # issue 34: the text path at most 0.7x the floor's time


def make_corpus(n: int, folder: Path) -> list[str]:
    """Variants of the seeds: shuffled middles, paragraphs from other seeds, artifacts."""
    rng = random.Random(7)
    seeds = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    pools = [s.split("\n\n") for s in seeds]
    texts = []
    for i in range(n):
        paras = list(pools[i % len(pools)])
        middle = paras[2:-2]
        rng.shuffle(middle)
        donor = pools[rng.randrange(len(pools))]
        extra = rng.sample(donor, k=min(2, len(donor)))
        text = "\n\n".join(paras[:2] + middle[: rng.randint(min(3, len(middle)), len(middle))] + extra + paras[-2:])
        if i % 3 == 0:
            text = text.replace("\u2019", "\u00e2\u20ac\u2122")  # mojibake
        texts.append(text)
        (folder / f"{i:05d}.txt").write_text(text, encoding="utf-8")
    return texts


def text_path_seconds(paths: list[Path], config: Config) -> tuple[float, int]:
    """Read, clean, repair and metadata: the per-article steps over ``paths``, one process."""
    start = time.perf_counter()
    ok = sum(a.status == "ok" for batch in batched(iter_inputs(paths), config.run.batch_size)
             for a in process_batch(batch, config))
    return time.perf_counter() - start, ok


def floor_seconds(texts: list[str]) -> float:
    start = time.perf_counter()
    for text in texts:
        fixed = ftfy.fix_text(text)
        try:
            detect(fixed)
        except Exception:  # noqa: BLE001 - the floor only needs the time
            pass
    return time.perf_counter() - start


def interleaved(paths: list[Path], texts: list[str], chunk: int = 250) -> tuple[float, float, int]:
    """The text path's and the floor's seconds over the same texts, chunk by chunk in turn,
    so that a drift of the machine's speed (other jobs, a third within minutes on these
    machines) weighs on both alike; and how many articles came out ok."""
    DetectorFactory.seed = 0
    config = Config()
    path_s = floor_s = 0.0
    ok = 0
    for at in range(0, len(paths), chunk):
        seconds, done = text_path_seconds(paths[at:at + chunk], config)
        path_s, ok = path_s + seconds, ok + done
        floor_s += floor_seconds(texts[at:at + chunk])
    return path_s, floor_s, ok


def main(n: int) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        texts = make_corpus(n, folder)
        paths = sorted(folder.glob("*.txt"))
        text_path_seconds(paths[:50], Config())  # models and stop lists loaded, as in a run
        seconds, floor, ok = interleaved(paths, texts)
        whole = run([folder], Path(tmp) / "out", Config(), jobs=1)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rate = n / seconds
    ratio = seconds / floor
    print(f"articles            {n:,} (ok {ok:,})")
    print(f"newsclean text path {seconds:7.2f} s  {rate:7.1f} articles/s  "
          f"{1000 * seconds / n:5.2f} ms/article")
    print(f"floor ftfy+langdetect {floor:5.2f} s  {n / floor:7.1f} articles/s  "
          f"{1000 * floor / n:5.2f} ms/article")
    print(f"ratio to floor      {ratio:.2f}x (target <= {MAX_FLOOR_RATIO}x)")
    print(f"peak RSS            {rss_mb:.0f} MB")
    print(f"(for information, the whole run with dedupe, stories, scores and writing: "
          f"{whole.seconds:.2f} s, {n / whole.seconds:.1f} articles/s)")
    ok = rate >= MIN_RATE and ratio <= MAX_FLOOR_RATIO
    print("PASS" if ok else f"FAIL: need >= {MIN_RATE:.0f} articles/s and <= {MAX_FLOOR_RATIO}x floor")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000))
