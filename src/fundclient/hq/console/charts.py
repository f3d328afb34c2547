"""Server-rendered SVG chart (no JavaScript, no chart library): registrations per day per
office, one line per office. Colours come from attributes, not style (the CSP forbids inline
styles)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from html import escape

from markupsafe import Markup

from fundclient.domain.digits import to_arabic_indic
from fundclient.errors import Message

CHART_TITLE = Message("Registrations per day per office")
NO_REGISTRATIONS = Message("No registrations")
PALETTE = ["#1b6e5a", "#b3541e", "#3b5ba9", "#8a3b8f", "#a08900", "#2f8f9d", "#c0392b", "#555555"]
W, H, LEFT, RIGHT, TOP, BOTTOM = 860, 260, 48, 240, 16, 40


def registrations_svg(days: list[date], series: dict[str, list[int]], lang: str = "ar",
                      label: Callable[[str], str] = str) -> Markup:
    digits = to_arabic_indic if lang == "ar" else str
    peak = max([max(v) for v in series.values()] + [1])
    step = (W - LEFT - RIGHT) / max(1, len(days) - 1)
    plot_h = H - TOP - BOTTOM

    def x(i: int) -> float:
        return LEFT + i * step

    def y(v: int) -> float:
        return TOP + plot_h - plot_h * v / peak

    title = CHART_TITLE.in_language(lang)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" role="img" class="chart" '
           f'aria-label="{escape(title)}"><title>{escape(title)}</title>']
    for frac in (0, 0.5, 1):
        v = round(peak * frac)
        out.append(f'<line x1="{LEFT}" x2="{W - RIGHT}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#ddd"/>'
                   f'<text x="{LEFT - 6}" y="{y(v) + 4:.1f}" text-anchor="end" font-size="12" '
                   f'fill="#444">{digits(str(v))}</text>')
    for i, d in enumerate(days):
        if i % 2 == 0 or i == len(days) - 1:
            out.append(f'<text x="{x(i):.1f}" y="{H - BOTTOM + 18}" text-anchor="middle" font-size="11" '
                       f'fill="#444">{digits(d.strftime("%m-%d"))}</text>')
    for n, (office, values) in enumerate(sorted(series.items())):
        colour = PALETTE[n % len(PALETTE)]
        points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values))
        out.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2.5"/>')
        for i, v in enumerate(values):
            if v:
                out.append(f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="3" fill="{colour}">'
                           f'<title>{escape(label(office))} {d_text(days[i])}: {v}</title></circle>')
        ly = TOP + 14 + n * 20
        out.append(f'<rect x="{W - RIGHT + 16}" y="{ly - 10}" width="14" height="10" fill="{colour}"/>'
                   f'<text x="{W - RIGHT + 36}" y="{ly}" font-size="13" fill="#222">{escape(label(office))} '
                   f'({digits(str(sum(values)))})</text>')
    if not series:
        out.append(f'<text x="{W / 2}" y="{H / 2}" text-anchor="middle" font-size="14" fill="#666">'
                   f'{escape(NO_REGISTRATIONS.in_language(lang))}</text>')
    out.append("</svg>")
    return Markup("".join(out))


def d_text(d: date) -> str:
    return d.isoformat()
