"""Site templates: lines many articles of one site share are removed, content is not."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from cleaners.config import Config, TemplateConfig
from cleaners.corpus.features import batch_features, live_of, refreshed
from cleaners.record import Article
from cleaners.text.templates import SiteLines

from tests.conftest import ROOT, SEEDS, SHARED, run_records

FUNDUS = SHARED / "bench/metadata/fundus/gold.jsonl"

STORIES = [
    "The council approved the harbour budget on Monday after a two-year dispute over who would pay for the works.",
    "A new ferry route to the islands will open in May, the operator said, with four crossings a day in summer.",
    "Teachers in the district will strike on Friday over pay, closing most primary schools for the day.",
    "The museum reopened its east wing after a renovation that took three years and cost 12 million euros.",
]
TEMPLATE = "Harbour Daily | Independent local news since 1921"
SHARED_BY_TWO = "The storm is expected to reach the coast by Thursday night."


def write(path: Path, site: str, extra: dict[int, list[str]]) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for i, story in enumerate(STORIES):
            body = "\n\n".join([story, *extra.get(i, []), TEMPLATE])
            fh.write(json.dumps({"id": f"{site}-{i}", "site": site, "text": body}) + "\n")


def test_a_sites_template_line_goes_and_shared_content_stays(tmp_path: Path) -> None:
    write(tmp_path / "a.jsonl", "Harbour Daily", {0: [SHARED_BY_TWO], 1: [SHARED_BY_TWO]})
    records = run_records([tmp_path / "a.jsonl"], tmp_path / "out")
    for rec, story in zip(records, STORIES):
        assert TEMPLATE not in rec["body"] and story in rec["body"]
        assert {"step": "site_template", "action": "drop_template", "text": TEMPLATE, "count": 1} in rec["changes"]
    assert SHARED_BY_TWO in records[0]["body"] and SHARED_BY_TWO in records[1]["body"]


def test_one_line_shared_by_different_sites_is_not_a_template(tmp_path: Path) -> None:
    lines = []
    for i, story in enumerate(STORIES):
        lines.append(json.dumps({"id": str(i), "site": f"site-{i}", "text": f"{story}\n\n{TEMPLATE}"}))
    (tmp_path / "b.jsonl").write_text("\n".join(lines) + "\n")
    records = run_records([tmp_path / "b.jsonl"], tmp_path / "out")
    assert all(rec["body"].endswith(TEMPLATE) for rec in records)


# -- across batches and runs: the store keeps each site's line counts ----------------------

def feed(path: Path, site: str, stories: list[str], shared: set[int] = frozenset()) -> Path:
    """One JSONL record per story of ``site``, each ending with the site's template line;
    the stories whose index is in ``shared`` carry SHARED_BY_TWO as well."""
    with path.open("w", encoding="utf-8") as fh:
        for i, story in enumerate(stories):
            body = "\n\n".join([story, *([SHARED_BY_TWO] if i in shared else []), TEMPLATE])
            fh.write(json.dumps({"id": f"{path.stem}-{i}", "site": site, "text": body}) + "\n")
    return path


def stripped(rec: dict) -> bool:
    return {"step": "site_template", "action": "drop_template", "text": TEMPLATE,
            "count": 1} in rec["changes"]


def test_a_template_two_runs_share_goes_in_the_second(tmp_path: Path, store_path: str) -> None:
    """Each run has two articles of the site, too few for a template (min_articles 3); the
    store remembers the first run's, so the second run's lose the line. A content line on 2
    of the 4 articles stays (under min_articles)."""
    config = Config().with_overrides({"store": {"path": store_path}})
    one = feed(tmp_path / "one.jsonl", "Harbour Daily", STORIES[:2], shared={0})
    two = feed(tmp_path / "two.jsonl", "Harbour Daily", STORIES[2:], shared={0})
    first = run_records([one], tmp_path / "out1", config)
    assert all(r["status"] == "ok" and r["body"].endswith(TEMPLATE) for r in first)
    alone = run_records([two], tmp_path / "alone")  # the output's own, fresh store
    assert all(r["body"].endswith(TEMPLATE) for r in alone)
    second = run_records([two], tmp_path / "out2", config)
    for rec, story in zip(second, STORIES[2:]):
        assert rec["status"] == "ok" and stripped(rec)
        assert TEMPLATE not in rec["body"] and rec["body"].startswith(story)
    assert SHARED_BY_TWO in second[0]["body"]


def test_a_later_batch_of_one_run_loses_the_template(tmp_path: Path) -> None:
    """Batches of two: the first batch alone is no evidence, the second batch counts it."""
    path = feed(tmp_path / "a.jsonl", "Harbour Daily", STORIES)
    config = Config().with_overrides({"run": {"batch_size": 2}})
    records = run_records([path], tmp_path / "out", config)
    assert [stripped(r) for r in records] == [False, False, True, True]
    assert [r["body"].endswith(TEMPLATE) for r in records] == [True, True, False, False]


def test_workers_cleaning_one_article_each_give_the_same_records(tmp_path: Path) -> None:
    """With --jobs 2 and tasks of one input no worker sees a template; the corpus step, which
    sees each batch whole and in order, strips them, and computes the changed articles'
    features again: the records are those of one process."""
    path = feed(tmp_path / "a.jsonl", "Harbour Daily", STORIES * 2, shared={0, 5})
    runs = []
    for jobs, task in ((1, 250), (2, 1)):
        config = Config().with_overrides({"run": {"batch_size": 4, "worker_task": task}})
        runs.append(run_records([path], tmp_path / f"out-{jobs}", config, jobs=jobs))
    assert all(stripped(r) for r in runs[0]) and runs[0] == runs[1]


def test_two_cli_invocations_on_one_store(tmp_path: Path) -> None:
    """``newsclean clean`` twice with ``[store] path`` in the config file: the second
    invocation strips what only both together show is the site's template."""
    toml = tmp_path / "shared.toml"
    toml.write_text(f'[store]\npath = "{tmp_path / "index.sqlite"}"\n')
    records = []
    for name, stories in (("one", STORIES[:2]), ("two", STORIES[2:])):
        path = feed(tmp_path / f"{name}.jsonl", "Harbour Daily", stories)
        result = subprocess.run([sys.executable, "-m", "newsclean", "clean", str(path), "--out",
                                 str(tmp_path / name), "--config", str(toml)], cwd=ROOT,
                                capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr
        lines = (tmp_path / name / "articles.jsonl").read_text(encoding="utf-8").splitlines()
        records += [json.loads(line) for line in lines]
    assert [stripped(r) for r in records] == [False, False, True, True]


def fundus_lines(config: TemplateConfig) -> list[set[str]]:
    """The normalised short paragraphs of each fundus gold article (258, 24 publishers)."""
    rows = [json.loads(line) for line in FUNDUS.read_text(encoding="utf-8").splitlines()]
    return [{" ".join(p.split()).lower() for p in row["body_paragraphs"]
             if 0 < len(p.split()) <= config.max_words} for row in rows]


def test_a_sites_counts_stay_bounded_and_learn_a_new_template() -> None:
    """258 real articles as one site's stream, each with the site's template line, and from
    the 151st a new prompt: the counts stay under the per-site cap and the window, both
    lines are template (the new one after half a window) and no paragraph of text is."""
    config = TemplateConfig(max_site_lines=100)
    site, old, new = SiteLines(), TEMPLATE.lower(), "sign up for the harbour daily briefing"
    learnt = None
    for n, lines in enumerate(fundus_lines(config), 1):
        site.add(sorted(lines | {old} | ({new} if n > 150 else set())), config)
        assert len(site.lines) <= config.max_site_lines and site.articles < config.site_window
        if learnt is None and new in site.template(config):
            learnt = n - 150
    assert site.template(config) == {old, new}
    assert learnt is not None and learnt <= config.site_window // 2 + 1


def test_features_of_the_changed_articles_are_computed_again() -> None:
    """After a template step changed some bodies, the spliced features equal those computed
    from scratch (the changed ones recomputed, one no longer live dropped)."""
    config = Config()
    arts = [Article(id=p.stem[:3], source=str(p), format="text", language="en",
                    body=p.read_text(encoding="utf-8").split("\n", 1)[1].strip())
            for p in sorted(SEEDS.glob("*.txt"))]
    arts.insert(2, Article(id="empty", source="x", format="text", body="", language="en"))
    before = live_of(arts)
    features = batch_features(arts, config)
    arts[1].body = arts[1].body.rsplit("\n\n", 2)[0]
    arts[3].body = arts[3].body.split("\n\n", 1)[1]
    arts[4].fail("not_article", "too short now", "skipped")
    fresh = refreshed(features, before, arts, [arts[1], arts[3], arts[4]], config)
    again = batch_features(arts, config)
    assert fresh.signed.rows == again.signed.rows and fresh.signed.keys == again.signed.keys
    assert (fresh.signed.sigs == again.signed.sigs).all()
    assert fresh.signed.bands == again.signed.bands and fresh.signed.sizes == again.signed.sizes
    assert fresh.terms == again.terms and fresh.facts == again.facts
    for a, b in zip(fresh.grams, again.grams):
        assert (a.hashes == b.hashes).all() and (a.sentences.codes == b.sentences.codes).all()


# -- a site's copies of one article count once -------------------------------------------

G5 = SHARED / "bench/stories/giveme5w1h_dev/articles.jsonl"
MAIL = ["26a9388ddd4e112acfd099c575d8c270d7b7b507b0776ac615a7c724",  # 20 short paragraphs
        "38d0e444ccfeab58ce2f6b8b89eec7adbf4a671d9c593aa46799c496",
        "969967bf51a018dc15eccf7862ad7be4ff32836b6e9bd0f37d6dd271"]


def mail_articles() -> dict[str, str]:
    """Three real Daily Mail reports of three events (Giveme5W1H dev), by id."""
    rows = (json.loads(line) for line in G5.read_text(encoding="utf-8").splitlines())
    found = {row["id"]: row["text"] for row in rows if row["id"] in MAIL}
    return {rec_id: found[rec_id] for rec_id in MAIL}


def copies(text: str) -> list[str]:
    """The article crawled again, and updated: every 15th word replaced, a line added."""
    edited = "\n".join(" ".join("said" if i % 15 == 14 else w for i, w in enumerate(line.split()))
                       for line in text.split("\n"))
    return [text, edited + "\n\nThis article was updated with a statement from police."]


def site_feed(path: Path, bodies: list[tuple[str, str]]) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for rec_id, body in bodies:
            fh.write(json.dumps({"id": rec_id, "site": "Daily Mail",
                                 "text": f"{body}\n\n{TEMPLATE}"}) + "\n")
    return path


def short_lines(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n") if 0 < len(p.split()) <= 25]


def test_a_sites_copies_of_one_article_keep_its_short_lines(tmp_path: Path) -> None:
    """An article re-crawled and updated in one batch, beside two other reports of the site:
    its short paragraphs (on 3 of the 5 records, above min_share) are its own, not the
    site's; they stay in every copy, the site's line shared by the three articles goes."""
    text = mail_articles()
    alone = run_records([site_feed(tmp_path / "a.jsonl", list(text.items()))], tmp_path / "a")
    original = alone[0]["body"]
    kept = [line for line in short_lines(text[MAIL[0]]) if line in original]
    assert len(kept) >= 10 and all(stripped(rec) for rec in alone)
    bodies = [*text.items(), *((f"copy-{i}", body) for i, body in enumerate(copies(text[MAIL[0]])))]
    records = run_records([site_feed(tmp_path / "b.jsonl", bodies)], tmp_path / "b")
    assert all(stripped(rec) for rec in records)
    assert records[0]["body"] == original and records[3]["body"] == original
    assert all(line in records[4]["body"] for line in kept if len(line.split()) < 15)
    assert not any(c["step"] == "site_template" and c["text"] != TEMPLATE
                   for rec in records for c in rec["changes"])


def test_a_copy_in_a_later_run_is_known_from_the_store(tmp_path: Path, store_path: str) -> None:
    """The site's copies come one run later, one batch each: the store's sketches tell them
    as copies of the article counted before, so its short lines stay."""
    config = Config().with_overrides({"store": {"path": store_path}})
    text = mail_articles()
    first = run_records([site_feed(tmp_path / "a.jsonl", list(text.items()))], tmp_path / "a",
                        config)
    again = [(f"copy-{i}", text[MAIL[0]]) for i in range(3)]
    later = run_records([site_feed(tmp_path / "b.jsonl", again)], tmp_path / "b",
                        config.with_overrides({"run": {"batch_size": 1}}))
    assert all(stripped(rec) for rec in later)
    assert [rec["body"] for rec in later] == [first[0]["body"]] * 3
