"""The run's summary as Markdown: what the Prefect flows publish as an artifact."""
from __future__ import annotations

from typing import Any

from cleaners.report.stats import RunStats, StoryStats, source_rows

MAX_SOURCES = 30
MAX_STORIES = 10
MAX_CHANGES = 15


def _fmt(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value).replace("|", "\\|").replace("\n", " ")


def _table(headers: list[str], rows: list[list[Any]]) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(_fmt(v) for v in row) + " |" for row in rows]
    return lines


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "–"


def markdown_summary(stats: RunStats) -> str:
    """A short Markdown summary: counts, errors by kind, sources, largest stories."""
    chrome_total = stats.body_words + stats.chrome_words
    out = ["# newsclean run summary", "",
           f"- **articles in**: {stats.total}",
           f"- **kept** (usable, not a duplicate): {stats.kept}",
           f"- **errors**: {sum(stats.errors.values())}"
           + (" (" + ", ".join(f"{k} {n}" for k, n in stats.errors.most_common()) + ")"
              if stats.errors else ""),
           f"- **duplicates**: {stats.duplicates}",
           f"- **stories**: {stats.story_count}",
           f"- **chrome removed**: {stats.chrome_lines} lines, {stats.chrome_words} words "
           f"({_percent(stats.chrome_words, chrome_total)} of the words)", ""]
    if stats.changes:
        out += ["## What cleaning removed or fixed", ""]
        out += _table(["step", "action", "lines or fixes"],
                      [[step, action, n] for (step, action), n
                       in stats.changes.most_common(MAX_CHANGES)])
        out.append("")
    rows = source_rows(stats)
    out += ["## Sources", ""]
    out += _table(["source", "articles", "errors", "duplicates", "completeness",
                   "originality", "chrome share"],
                  [[r["source"], r["articles"], r["errors"], r["duplicates"],
                    r["mean_completeness"], r["mean_originality"], r["chrome_share"]]
                   for r in rows[:MAX_SOURCES]])
    if len(rows) > MAX_SOURCES:
        out.append(f"\n…and {len(rows) - MAX_SOURCES} more sources (see report.html).")
    if stats.stories:
        out += ["", "## Largest stories", ""]
        out += _table(["headline", "reports", "dates", "first report"],
                      [[_headline(stats, s), s.size, f"{s.start or '?'} – {s.end or '?'}",
                        s.first] for s in stats.stories[:MAX_STORIES]])
    return "\n".join(out) + "\n"


def _headline(stats: RunStats, story: StoryStats) -> str:
    """A story by its headline, else its first report's first words: its id is a hash (or
    for feed pages ``s-`` and a URL) that tells a reader nothing."""
    if story.title:
        return story.title
    first = next((m for m in stats.articles if m.id == story.first), None)
    return (first.title or first.lead) if first else story.id
