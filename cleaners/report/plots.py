"""Plots as inline SVG strings, drawn in Python: no plotting library, no script, no network.

Every function returns a complete ``<svg>`` element sized in CSS pixels; text is escaped.

Why SVG, measured by ``bench/report.py`` (10,000 articles, 2 shared cores): a report's four
plots (two score histograms, per-source bars, the largest story's timeline) take 29 kB as
inline SVG, 12-66 ms to generate, and a page holding them opens in 0.07-0.10 s in headless
Chromium. The same four in plotly 7.1 with its JS inlined once (the only way to open from
disk offline): 4.96 MB, 0.2-0.7 s to generate, 1.5 s to open; the bundle alone would be
~45% of a 10,000-article report, and four small static charts need no zooming.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from itertools import count
from html import escape

W, H = 360, 160
PAD_L, PAD_B, PAD_T = 34, 24, 22


def _frame(width: int, height: int, body: list[str], label: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="plot" role="img" '
            f'aria-label="{escape(label)}" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}">' + "".join(body) + "</svg>")


def nice_ticks(top: int, most: int = 5) -> list[int]:
    """0 and whole multiples of a 1-2-5 step up to at least ``top``: at most ``most`` + 1
    ticks, so an axis reads at a glance (a lone top tick hid the scale)."""
    steps = (m * 10 ** e for e in count() for m in (1, 2, 5))
    step = next(s for s in steps if -(-top // s) <= most)  # ceil(top / s) steps
    return list(range(0, top + step, step)) if top else [0]


def histogram(values: Sequence[float], label: str, bins: int = 20) -> str:
    """Distribution of scores in [0, 1]: articles per bin, y ticks with grid lines."""
    counts = [0] * bins
    for v in values:
        counts[min(bins - 1, max(0, int(v * bins)))] += 1
    ticks = nice_ticks(max(counts))
    top = ticks[-1] or 1
    plot_w, plot_h = W - PAD_L - 8, H - PAD_B - PAD_T
    bw = plot_w / bins
    base = PAD_T + plot_h
    body = [f'<text x="{PAD_L}" y="13" class="t">{escape(label)} (n={len(values):,}; '
            f'articles per {1 / bins:g})</text>']
    for tick in ticks:
        y = base - plot_h * tick / top
        body.append(f'<line x1="{PAD_L}" y1="{y:.1f}" x2="{W - 8}" y2="{y:.1f}" class="grid"/>'
                    f'<text x="{PAD_L - 4}" y="{y + 3:.1f}" class="l" text-anchor="end">'
                    f'{tick:,}</text>')
    for i, c in enumerate(counts):
        h = plot_h * c / top
        body.append(f'<rect x="{PAD_L + i * bw:.1f}" y="{base - h:.1f}" '
                    f'width="{bw - 1:.1f}" height="{h:.1f}" class="bar">'
                    f'<title>{i / bins:.2f}–{(i + 1) / bins:.2f}: {c}</title></rect>')
    body.append(f'<line x1="{PAD_L}" y1="{base}" x2="{W - 8}" y2="{base}" class="ax"/>')
    for tick in (0, 0.25, 0.5, 0.75, 1):
        x = PAD_L + plot_w * tick
        body.append(f'<text x="{x:.0f}" y="{base + 14}" class="l" text-anchor="middle">{tick:g}</text>')
    return _frame(W, H, body, label)


def source_bars(rows: Sequence[dict], limit: int = 15) -> str:
    """Per-source mean completeness and originality as paired horizontal bars: the
    ``limit`` sources of lowest mean completeness among those with >= 5% of the largest
    source's articles (a source of two articles says little), worst first."""
    floor = 0.05 * max((r["articles"] for r in rows), default=0)
    rows = sorted((r for r in rows if r["mean_completeness"] is not None
                   and r["articles"] >= floor),
                  key=lambda r: (r["mean_completeness"], r["source"]))[:limit]
    row_h, left, width = 22, 170, 560
    bottom = PAD_T + 14 + row_h * max(1, len(rows))
    plot_w = width - left - 40
    body = [f'<text x="{left}" y="{PAD_T - 8}" class="t">mean completeness '
            f'<tspan class="k1">■</tspan> and originality <tspan class="k2">■</tspan>, '
            'lowest completeness first</text>']
    for tick in (0, 0.25, 0.5, 0.75, 1):  # the scale: grid lines and labels under the bars
        x = left + plot_w * tick
        body.append(f'<line x1="{x:.1f}" y1="{PAD_T + 10}" x2="{x:.1f}" y2="{bottom}" '
                    f'class="grid"/><text x="{x:.1f}" y="{bottom + 13}" class="l" '
                    f'text-anchor="middle">{tick:g}</text>')
    height = bottom + 20
    for i, r in enumerate(rows):
        y = PAD_T + 14 + i * row_h
        name = r["source"] if len(r["source"]) <= 26 else r["source"][:25] + "…"
        body.append(f'<text x="{left - 6}" y="{y + 12}" class="l" text-anchor="end">'
                    f'{escape(name)}</text>')
        for j, key in enumerate(("mean_completeness", "mean_originality")):
            v = r[key] or 0.0
            body.append(f'<rect x="{left}" y="{y + j * 9}" width="{plot_w * v:.1f}" height="8" '
                        f'class="b{j + 1}"><title>{escape(r["source"])} {key[5:]}: {v:.2f}'
                        f'</title></rect>')
    return _frame(width, height, body, "per-source quality")


MAX_STACK = 16  # dots per day before the rest become a "+N" label


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def timeline(points: Sequence[tuple[str, str, bool, bool]], label: str) -> str:
    """A story's reports on a date axis: (date 'YYYY-MM-DD…', anchor id, first?, duplicate?).
    Reports of one day stack upwards, the first report at the bottom; each dot links to its
    article. Undated reports are left out."""
    by_day: dict[date, list[tuple[str, str, bool, bool]]] = defaultdict(list)
    for point in points:
        if (day := _day(point[0])) is not None:
            by_day[day].append(point)
    if not by_day:
        return ""
    first_day, span = min(by_day), (max(by_day) - min(by_day)).days
    width = max(240, min(640, 80 + 40 * span))
    tallest = min(MAX_STACK, max(len(v) for v in by_day.values()))
    base = 30 + 10 * tallest
    body = [f'<line x1="20" y1="{base}" x2="{width - 20}" y2="{base}" class="ax"/>',
            '<text x="4" y="12" class="l"><tspan class="first">●</tspan> first report '
            '<tspan class="pt">●</tspan> report <tspan class="dup">●</tspan> duplicate</text>']
    labelled = -100.0
    for day in sorted(by_day):
        x = width / 2 if span == 0 else 30 + (day - first_day).days / span * (width - 60)
        if x - labelled >= 36:  # labels that would overlap the previous one are left out
            labelled = x
            body.append(f'<text x="{x:.0f}" y="{base + 16}" class="l" text-anchor="middle">'
                        f'{day:%m-%d}</text>')
        reports = sorted(by_day[day], key=lambda p: (not p[2], p[0]))
        shown = reports if len(reports) <= MAX_STACK else reports[:MAX_STACK - 1]
        for n, (when, anchor, first, dup) in enumerate(shown):
            cls = "first" if first else ("dup" if dup else "pt")
            body.append(f'<a href="#a-{escape(anchor)}"><circle cx="{x:.0f}" '
                        f'cy="{base - 8 - 10 * n}" r="4" class="{cls}"><title>'
                        f'{escape(anchor)} {escape(when)}</title></circle></a>')
        if len(shown) < len(reports):
            body.append(f'<text x="{x:.0f}" y="{base - 4 - 10 * len(shown)}" class="l" '
                        f'text-anchor="middle">+{len(reports) - len(shown)}</text>')
    return _frame(width, base + 24, body, label)
