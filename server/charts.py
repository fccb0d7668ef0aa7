"""Pictures drawn as SVG on the server, from plain numbers: bar charts, a timeline and a two-sided network."""
from __future__ import annotations

from dataclasses import dataclass
from html import escape

FONT = 'font-family="Georgia, serif"'
INK, MUTED, ACCENT = "#222", "#777", "#7a1010"
PALETTE = ("#7a1010", "#2f5d8a", "#4f7a2a", "#a86b12", "#6a3d8a", "#2a7a74")


def svg(width: int, height: int, body: str, title: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
            f'height="{height}" role="img" aria-label="{escape(title)}" {FONT} font-size="12">'
            f'<title>{escape(title)}</title><rect width="100%" height="100%" fill="#fff"/>{body}</svg>')


def clip(text: str, length: int) -> str:
    return text if len(text) <= length else text[:length - 1].rstrip() + "…"


def link(href: str | None, inner: str) -> str:
    return f'<a href="{escape(href)}">{inner}</a>' if href else inner


@dataclass(frozen=True)
class Bar:
    label: str
    values: tuple[int, ...]
    href: str | None = None
    note: str = ""


def bar_chart(bars: list[Bar], title: str, series: tuple[str, ...] = ("count",), width: int = 900,
              label_width: int = 330) -> str:
    """Horizontal bars, one row per item; several series side by side in a row, with a legend."""
    row = 16 + 6 * len(series)
    top = 34 if len(series) > 1 else 12
    height = top + row * max(len(bars), 1) + 12
    highest = max((v for b in bars for v in b.values), default=0) or 1
    span = width - label_width - 60
    parts = []
    if len(series) > 1:
        for i, name in enumerate(series):
            x = label_width + i * 160
            parts.append(f'<rect x="{x}" y="8" width="12" height="12" fill="{PALETTE[i % len(PALETTE)]}"/>'
                         f'<text x="{x + 18}" y="18" fill="{INK}">{escape(name)}</text>')
    for i, bar in enumerate(bars):
        y = top + i * row
        label = escape(clip(bar.label, 60))
        parts.append(link(bar.href, f'<text x="{label_width - 8}" y="{y + row / 2 + 4:.0f}" text-anchor="end" '
                                    f'fill="{INK}">{label}</text>'))
        for j, count in enumerate(bar.values):
            h = (row - 4) / len(bar.values)
            w = max(span * count / highest, 1 if count else 0)
            by = y + 2 + j * h
            parts.append(f'<rect class="bar" x="{label_width}" y="{by:.1f}" width="{w:.1f}" height="{h - 1:.1f}" '
                         f'fill="{PALETTE[j % len(PALETTE)]}" data-value="{count}"><title>{label}: {count} '
                         f'{escape(series[j % len(series)])}</title></rect>'
                         f'<text x="{label_width + w + 4:.1f}" y="{by + h - 2:.1f}" fill="{MUTED}" '
                         f'font-size="{min(11, h + 1):.0f}">{count}</text>')
    if not bars:
        parts.append(f'<text x="{width / 2}" y="{top + 10}" text-anchor="middle" fill="{MUTED}">nothing to draw</text>')
    return svg(width, height, "".join(parts), title)


@dataclass(frozen=True)
class Span:
    label: str
    kind: str
    start: float
    end: float
    href: str | None = None
    note: str = ""


def timeline(spans: list[Span], title: str, width: int = 1100, label_width: int = 360) -> str:
    """One lane per item on a shared axis of years; a point for a day or year, a bar for a stretch of time."""
    row, top = 18, 52
    height = top + row * max(len(spans), 1) + 20
    if not spans:
        return svg(width, height, f'<text x="{width / 2}" y="{top}" text-anchor="middle" fill="{MUTED}">'
                                  "nothing dated to draw</text>", title)
    first = int(min(s.start for s in spans))
    last = int(max(s.end for s in spans)) + 1
    span = width - label_width - 170  # room on the right for the last item's dates

    def x(year: float) -> float:
        return label_width + span * (year - first) / max(last - first, 1)

    kinds = list(dict.fromkeys(s.kind for s in spans))
    colour = {k: PALETTE[i % len(PALETTE)] for i, k in enumerate(kinds)}
    parts = []
    for i, kind in enumerate(kinds):
        parts.append(f'<rect x="{label_width + i * 140}" y="6" width="12" height="12" fill="{colour[kind]}"/>'
                     f'<text x="{label_width + i * 140 + 18}" y="16" fill="{INK}">{escape(kind)}</text>')
    step = max(1, round((last - first) / 12))
    for year in range(first, last + 1, step):
        parts.append(f'<line x1="{x(year):.1f}" y1="{top - 8}" x2="{x(year):.1f}" y2="{height - 16}" '
                     f'stroke="#e4e0d4"/><text x="{x(year):.1f}" y="{top - 12}" text-anchor="middle" '
                     f'fill="{MUTED}" font-size="11">{year}</text>')
    for i, s in enumerate(spans):
        y = top + i * row
        label = escape(clip(s.label, 56))
        x0, x1 = x(s.start), x(s.end)
        tip = f"<title>{escape(s.label)}: {escape(s.note)}</title>"
        mark = (f'<rect class="span" x="{x0:.1f}" y="{y + 3}" width="{max(x1 - x0, 5):.1f}" height="{row - 6}" '
                f'rx="3" fill="{colour[s.kind]}">{tip}</rect>')
        parts.append(link(s.href, f'<text x="{label_width - 8}" y="{y + row - 5}" text-anchor="end" '
                                  f'fill="{INK}">{label}</text>{mark}'))
        parts.append(f'<text x="{max(x1, x0 + 5) + 4:.1f}" y="{y + row - 5}" fill="{MUTED}" '
                     f'font-size="10">{escape(s.note)}</text>')
    return svg(width, height, "".join(parts), title)


@dataclass(frozen=True)
class Node:
    key: str
    label: str
    href: str | None = None


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    count: int
    href: str | None = None


def network(left: list[Node], right: list[Node], edges: list[Edge], title: str, width: int = 1000) -> str:
    """Who links to whom, drawn as two columns (sources left, targets right) joined by curves as thick as the
    count; each node and each curve is a link."""
    row, top = 26, 30
    height = top + row * max(len(left), len(right), 1) + 10
    lx, rx = 300, width - 300
    ly = {n.key: top + i * row + row / 2 for i, n in enumerate(left)}
    ry = {n.key: top + i * row + row / 2 for i, n in enumerate(right)}
    highest = max((e.count for e in edges), default=1) or 1
    parts = [f'<text x="{lx}" y="16" text-anchor="end" fill="{MUTED}">document author</text>',
             f'<text x="{rx}" y="16" fill="{MUTED}">quoted speaker</text>']
    for e in sorted(edges, key=lambda e: e.count):
        if e.source not in ly or e.target not in ry:
            continue
        y0, y1 = ly[e.source], ry[e.target]
        w = 1 + 14 * e.count / highest
        mid = (lx + rx) / 2
        path = (f'<path class="edge" d="M{lx + 6},{y0:.1f} C{mid},{y0:.1f} {mid},{y1:.1f} {rx - 6},{y1:.1f}" '
                f'fill="none" stroke="{ACCENT}" stroke-opacity="0.45" stroke-width="{w:.1f}" '
                f'data-count="{e.count}"><title>{e.count} quotations</title></path>')
        parts.append(link(e.href, path))
    for nodes, ys, anchor, dx in ((left, ly, "end", -10), (right, ry, "start", 10)):
        for n in nodes:
            x = lx if nodes is left else rx
            parts.append(link(n.href, f'<circle cx="{x}" cy="{ys[n.key]:.1f}" r="5" fill="{ACCENT}"/>'
                                       f'<text x="{x + dx}" y="{ys[n.key] + 4:.1f}" text-anchor="{anchor}" '
                                       f'fill="{INK}">{escape(clip(n.label, 40))}</text>'))
    return svg(width, height, "".join(parts), title)


def year_of(date: str) -> float | None:
    """A date's position in years (1921-03-08 -> 1921.18), from xsd:date, gYearMonth or gYear text."""
    parts = date.split("-")
    try:
        year = int(parts[0])
        month = int(parts[1]) if len(parts) > 1 else 1
        day = int(parts[2][:2]) if len(parts) > 2 else 1
    except ValueError:
        return None
    return year + (month - 1) / 12 + (day - 1) / 365
