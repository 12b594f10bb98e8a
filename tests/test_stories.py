"""Stories: the five seed reports of one meeting form one story; other events do not join it."""
from __future__ import annotations

import json
import math
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaners.config import Config
from cleaners.config import StoriesConfig
from cleaners.corpus.stories import StoryIndex
from cleaners.corpus.tables import StoryTables
from cleaners.record import Article
from cleaners.run import run
from cleaners.store import Store

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

LAVROV = Article(
    id="lavrov-astana", source="test", format="txt", date="2024-07-03",
    title="Jaishankar, Lavrov discuss Afghanistan and connectivity at SCO meeting in Astana",
    body="ASTANA: External Affairs Minister S Jaishankar met Russian Foreign Minister Sergey "
    "Lavrov on the sidelines of the Shanghai Cooperation Organisation summit in the Kazakh "
    "capital on Wednesday, and the two discussed the situation in Afghanistan, the "
    "International North-South Transport Corridor and the use of national currencies in "
    "trade.\n\n\"Good to meet FM Sergey Lavrov in Astana. Discussed our bilateral cooperation "
    "and exchanged views on Afghanistan and the SCO agenda,\" Jaishankar wrote on X after the "
    "meeting. Lavrov said Moscow valued New Delhi's role in the grouping and looked forward to "
    "India's participation in the BRICS events that Russia will host in Kazan in October.\n\n"
    "Jaishankar is representing Prime Minister Narendra Modi at the summit, which Modi is "
    "skipping because of the first session of the new Lok Sabha. The two ministers also "
    "reviewed progress on the Chennai-Vladivostok maritime corridor, officials said.")

STRIKES = Article(
    id="strikes-kyiv", source="test", format="txt", date="2023-12-29",
    title="Russia fires over 120 missiles at Ukrainian cities in biggest air attack of the war",
    body="KYIV: Russia launched 122 missiles and 36 drones at cities across Ukraine on Friday, "
    "killing at least 30 people in what Ukrainian officials called the largest aerial "
    "bombardment since the full-scale invasion began in February 2022.\n\nExplosions were "
    "heard in Kyiv, Lviv, Odesa, Dnipro and Kharkiv as residents sheltered in metro stations. "
    "Ukraine's air force commander Mykola Oleshchuk said air defences shot down 87 missiles "
    "and 27 drones.\n\nPresident Volodymyr Zelensky said Moscow had used \"nearly every type "
    "of weapon in its arsenal\" and urged Western allies to send more air defence systems. "
    "The Kremlin did not comment on the strikes, which came as Ukraine's allies debated "
    "further military aid packages.")

CRICKET = Article(
    id="cricket-centurion", source="test", format="txt", date="2023-12-28",
    title="South Africa thrash India by an innings in Centurion Test",
    body="CENTURION: South Africa beat India by an innings and 32 runs inside three days in the "
    "first Test at SuperSport Park on Thursday, taking a 1-0 lead in the two-match series.\n\n"
    "Dean Elgar's 185 in his final series had given the hosts a first-innings lead of 163, and "
    "India's batting collapsed for 131 in the second innings. Nandre Burger took four wickets "
    "and Marco Jansen three as only Virat Kohli, with 76, offered resistance. The second Test "
    "begins in Cape Town on January 3.")


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> list[Article]:
    """The seeds as cleaned Articles, through the whole pipeline."""
    out = tmp_path_factory.mktemp("stories")
    run([str(p) for p in sorted(SEEDS.glob("*.txt"))], out, Config())
    records = [json.loads(line) for line in (out / "articles.jsonl").read_text().splitlines()]
    return [Article(id=r["id"][:3], source=r["source"], format=r["format"], title=r["title"],
                    body=r["body"], date=r["date"], status=r["status"]) for r in records]


def fresh(arts: list[Article]) -> list[Article]:
    return [Article(id=a.id, source=a.source, format=a.format, title=a.title, body=a.body,
                    date=a.date, status=a.status) for a in arts]


def test_seed_reports_are_one_story(seeds: list[Article]) -> None:
    arts = fresh(seeds)
    assert [a.date for a in arts][4] is None          # 004 is undated
    StoryIndex(StoriesConfig()).add_batch(arts)
    assert {a.story for a in arts} == {arts[0].story}
    assert arts[0].story is not None
    firsts = {a.id: a.first_report for a in arts}
    assert firsts == {"000": False, "001": True, "002": False, "003": False, "004": False}
    joined = [a.signals["story"] for a in arts if a.signals["story"]["matched"]]
    assert joined and all(s["shared_terms"] for s in joined)


def test_other_events_get_other_stories(seeds: list[Article]) -> None:
    arts = fresh(seeds) + fresh([LAVROV, STRIKES, CRICKET])
    StoryIndex(StoriesConfig()).add_batch(arts)
    meeting = arts[0].story
    by_id = {a.id: a.story for a in arts}
    assert {by_id[i] for i in ("000", "001", "002", "003", "004")} == {meeting}
    for other in ("lavrov-astana", "strikes-kyiv", "cricket-centurion"):
        assert by_id[other] != meeting, other
    assert len({by_id["lavrov-astana"], by_id["strikes-kyiv"], by_id["cricket-centurion"]}) == 3


def test_same_people_months_later_is_new_story_even_without_window(
        seeds: list[Article]) -> None:
    """The date window alone keeps the Astana meeting out; content should too when it is
    dated inside the window."""
    near = fresh([LAVROV])[0]
    near.date = "2023-12-29"
    arts = fresh(seeds) + [near]
    StoryIndex(StoriesConfig()).add_batch(arts)
    assert near.story != arts[0].story


def test_incremental_batches_and_earlier_first_report(seeds: list[Article]) -> None:
    """Added over two runs sharing a store, the later batch's earlier report takes
    first_report; the id of the demoted record from the first batch is returned."""
    arts = fresh(seeds)
    store = Store()
    tables = StoryTables(store, StoriesConfig())
    later = [a for a in arts if a.id != "001"]
    assert tables.index.add_batch(later) == []
    assert [a.id for a in later if a.first_report] == ["000"]
    tables.save()
    restored = StoryTables(store, StoriesConfig()).index
    assert set(restored.stories) == set(tables.index.stories)
    earliest = [a for a in arts if a.id == "001"]
    assert restored.add_batch(earliest) == ["000"]
    assert earliest[0].first_report is True
    assert earliest[0].story == later[0].story


def test_not_ok_records_get_no_story(seeds: list[Article]) -> None:
    arts = fresh(seeds)
    arts[2].fail("too_short", "test")
    StoryIndex(StoriesConfig()).add_batch(arts)
    assert arts[2].story is None and arts[2].first_report is None
    assert "story" not in arts[2].signals
    assert len({a.story for a in arts if a.status == "ok"}) == 1


def test_deterministic(seeds: list[Article]) -> None:
    one, two = fresh(seeds) + fresh([STRIKES]), fresh(seeds) + fresh([STRIKES])
    StoryIndex().add_batch(one)
    StoryIndex().add_batch(two)
    assert [(a.story, a.first_report, a.signals) for a in one] == \
        [(a.story, a.first_report, a.signals) for a in two]


def test_stories_started_in_one_batch_merge_when_their_centroids_agree(seeds: list[Article]) -> None:
    """With a join threshold no single report reaches, each seed starts its own story; the
    merge step then joins the batch's new stories whose centroids agree."""
    strict = dict(threshold=0.99, short_threshold=0.99, pair_model=False)
    apart = StoryIndex(StoriesConfig(**strict, merge_threshold=2.0))
    arts = fresh(seeds)
    apart.add_batch(arts)
    assert len({a.story for a in arts}) == 5
    merged = StoryIndex(StoriesConfig(**strict, merge_threshold=0.15))
    arts = fresh(seeds)
    merged.add_batch(arts)
    assert len({a.story for a in arts}) < 5
    assert sum(a.first_report for a in arts) == len({a.story for a in arts})


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.sampled_from("abcd"),
                          st.sampled_from([f"s-{i}" for i in range(12)])), max_size=120))
def test_postings_hold_what_a_dict_of_sets_would(ops):
    """Postings switch between a str, a tuple and a set per term; what they hold is the same
    as a plain dict of sets after any sequence of adds and removes."""
    from cleaners.corpus.stories.postings import Postings
    postings, model = Postings(), {}
    for add, term, sid in ops:
        if add:
            postings.add_all([term], sid)
            model.setdefault(term, set()).add(sid)
        else:
            postings.remove_all([term], sid)
            model.get(term, set()).discard(sid)
        for t in "abcd":
            assert sorted(postings.get(t)) == sorted(model.get(t, ()))
    assert len(postings) == sum(1 for held in model.values() if held)


def test_a_late_report_recalls_its_retired_story_and_no_other() -> None:
    """Two stories of one day are retired when the stream moves two months on; a report
    dated that day arriving afterwards brings back the story it belongs to (found through
    the store's term hashes), not the other story open on that day."""
    tables = StoryTables(Store(), StoriesConfig())
    index = tables.index
    lavrov, cricket = replace(LAVROV, date="2024-07-03"), replace(CRICKET, date="2024-07-03")
    index.add_batch([lavrov, cricket])
    tables.save()
    index.add_batch([replace(STRIKES, date="2024-09-01")])
    tables.save()
    assert lavrov.story not in index.stories and cricket.story not in index.stories
    late = replace(LAVROV, id="lavrov-late", date="2024-07-04",
                   body=LAVROV.body.replace("on Wednesday", "on Wednesday afternoon"))
    index.add_batch([late])
    assert late.story == lavrov.story
    assert cricket.story not in index.stories


def test_the_window_slides_with_the_newest_report(seeds: list[Article]) -> None:
    """A follow-up 25 days after the seed story joins it; one 25 days after that follow-up
    joins too (the window runs from the newest report), while the same report with no
    follow-up in between is past the window and starts a new story; so does one 25 days
    after a story of a single report (its window is shorter)."""
    def follow_up(art_id: str, date: str) -> Article:
        text = fresh(seeds)[1]
        return replace(text, id=art_id, date=date,
                       body=text.body.replace("on Wednesday", "earlier this month"))
    newest = max(a.date for a in seeds if a.date)
    first, second = "2024-01-22", "2024-02-16"
    assert "2023-12-27" < newest < "2023-12-30"  # the seeds end ~25 days before the first
    config = StoriesConfig()
    assert config.window_days < 23 and 26 < config.long_window_days < 48
    arts = fresh(seeds)
    index = StoryIndex(config)
    index.add_batch(arts)
    one, two = follow_up("f1", first), follow_up("f2", second)
    index.add_batch([one])
    index.add_batch([two])
    assert one.story == two.story == arts[0].story
    alone = fresh(seeds)
    index = StoryIndex(config)
    index.add_batch(alone)
    late = follow_up("f2", second)
    index.add_batch([late])
    assert late.story != alone[0].story
    index = StoryIndex(config)
    single = fresh(seeds)[:1]
    index.add_batch(single)
    index.add_batch([follow_up("f1", first)])
    assert index.stories[single[0].story].count == 1


def test_signals_say_what_was_compared(seeds: list[Article]) -> None:
    """Two bodies: the pairwise model decides and shows its features and their weights; a
    headline meets the headline threshold."""
    arts = fresh(seeds)
    headline = Article(id="headline", source="test", format="txt", date=arts[1].date,
                       title="Putin invites Modi to Russia as Jaishankar meets him in Moscow",
                       body="Putin invites Modi to Russia as Jaishankar meets him in Moscow")
    index = StoryIndex(StoriesConfig())
    index.add_batch(arts)
    index.add_batch([headline])
    config = StoriesConfig()
    joined = [a.signals["story"] for a in arts if a.signals["story"]["matched"]]
    assert len(joined) == len(arts)
    for signal in joined:  # two bodies: the pairwise model decided, and says why
        model = signal["model"]
        assert signal["compared"] == "body-body" and signal["threshold"] == 0.5
        assert model["probability"] >= 0.5
        logit = model["bias"] + sum(model["contributions"].values())
        assert abs(1 / (1 + math.exp(-logit)) - model["probability"]) < 0.01
        assert model["features"]["names"] > 0.2  # they name the same people
    assert headline.story == arts[0].story
    assert "model" not in headline.signals["story"]
    assert headline.signals["story"]["threshold"] == config.short_threshold
    assert headline.signals["story"]["compared"] == "headline-body"
    assert headline.signals["story"]["threshold"] == config.short_threshold


def test_terms_use_the_language_stop_list() -> None:
    from cleaners.corpus.stories.terms import term_counts
    text = ("Die Bundesregierung und der Kanzler haben am Montag in Berlin über die neue "
            "Strategie beraten, die das Kabinett noch in dieser Woche beschließen will.")
    german = term_counts(None, text, 300, "de")
    assert "bundesregierung" in german and "kabinett" in german
    assert not {"und", "der", "haben", "noch", "dieser"} & set(german)
    assert {"und", "der"} <= set(term_counts(None, text, 300, "en"))


def _stories_with_copies(tmp_path: Path, copies: int,
                         batch: int) -> tuple[set[frozenset[str]], dict[str, str]]:
    """Clean the five seeds and another event, each followed by ``copies`` republished
    copies (``NAME_01.txt``...: as in a folder of wire copy, each report's copies next to
    it; in batches of 16 they meet their original in later batches, through the store). The
    stories of the originals as a partition of their names, and each file's story."""
    folder = tmp_path / f"copies{copies}_{batch}"
    folder.mkdir()
    texts = {p.stem: p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))}
    texts["other"] = f"{STRIKES.title}\n\n{STRIKES.body}\n"
    for name, text in texts.items():
        for n in range(copies + 1):
            (folder / f"{name}_{n:02d}.txt").write_text(text, encoding="utf-8")
    out = tmp_path / f"out{copies}_{batch}"
    run([str(folder)], out, replace(Config(), run=replace(Config().run, batch_size=batch)))
    records = [json.loads(line) for line in (out / "articles.jsonl").read_text().splitlines()]
    story = {Path(r["source"]).stem: r["story"] for r in records}
    groups: dict[str, set[str]] = {}
    for name in texts:
        groups.setdefault(story[f"{name}_00"], set()).add(name)
    return {frozenset(g) for g in groups.values()}, story


@pytest.mark.parametrize("batch", [16, 500])
def test_copies_never_change_which_reports_form_a_story(tmp_path: Path, batch: int) -> None:
    """Wire copy republished by 1, 10 and 40 sites joins its original's story and counts
    once: the originals' stories are those of a run without copies."""
    alone, _ = _stories_with_copies(tmp_path, 0, batch)
    assert len(alone) == 2  # the seeds' meeting and the other event
    for copies in (1, 10, 40):
        partition, story = _stories_with_copies(tmp_path, copies, batch)
        assert partition == alone, copies
        for name, sid in story.items():
            assert sid == story[name.rsplit("_", 1)[0] + "_00"], name
