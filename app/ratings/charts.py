"""Charts as inline SVG drawn on the server: no JavaScript, no CDN, readable on a phone
(the viewBox is about a phone's width, so the text keeps its size there; the CSS caps the
width on a desktop) and printable. Labels are escaped."""
from __future__ import annotations

from collections.abc import Callable, Sequence

from markupsafe import Markup, escape

# By meaning: good green, bad red, neutral grey (a bar's colour says whether more is better).
GOOD, BAD, NEUTRAL = "#1e7b34", "#c8102e", "#6b7280"
COLORS = (NEUTRAL, GOOD, BAD)
WIDTH, LABEL_W, VALUE_W, ROW_H, BAR_H, TOP = 360, 112, 44, 32, 10, 36


def _short(label: str, limit: int = 7) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def bar_chart(title: str, rows: Sequence[tuple[str, Sequence[float | None]]],
              series: Sequence[str] = ("",), *, max_value: float | None = None,
              fmt: Callable[[float], str] = lambda v: f"{v:g}",
              colors: Sequence[str] = COLORS, row_colors: Sequence[str] | None = None) -> Markup:
    """Horizontal bars: one group per row (a label and one value per series); a missing value
    draws no bar and shows "—". `max_value` fixes the scale (e.g. 5 for satisfaction);
    `colors` colour the series by meaning, `row_colors` (one series) each row. Text is at
    least 14 units in a 360-wide box: 12.6 px or more on a 390 px phone."""
    values = [v for _, vs in rows for v in vs if v is not None]
    top = max_value or max(values, default=0) or 1
    bar_area = WIDTH - LABEL_W - VALUE_W
    group_h = max(ROW_H, BAR_H * len(series) + 12)
    height = TOP + group_h * max(len(rows), 1) + 10
    parts = [f'<svg class="chart" role="img" viewBox="0 0 {WIDTH} {height}" '
             f'xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMinYMin meet">',
             f"<title>{escape(title)}</title>",
             f'<text x="0" y="16" font-size="17" font-weight="600">{escape(title)}</text>']
    if len(series) > 1:
        x = LABEL_W
        for n, name in enumerate(series):
            parts.append(f'<rect x="{x}" y="21" width="11" height="11" fill="{colors[n % len(colors)]}"/>'
                         f'<text x="{x + 15}" y="31" font-size="14">{escape(name)}</text>')
            x += 26 + 14 * len(name)
    if not rows:
        parts.append(f'<text x="0" y="{TOP + 18}" font-size="15" fill="#666">—</text>')
    for i, (label, vs) in enumerate(rows):
        y = TOP + i * group_h + 6
        parts.append(f'<text x="0" y="{y + group_h / 2}" font-size="15">'
                     f"<title>{escape(label)}</title>{escape(_short(label))}</text>")
        for n, value in enumerate(vs):
            by = y + n * (BAR_H + 2) + (group_h - len(vs) * (BAR_H + 2)) / 2 - 2
            if value is None:
                parts.append(f'<text x="{LABEL_W}" y="{by + BAR_H}" font-size="14" fill="#666">—</text>')
                continue
            w = max(0.0, min(value / top, 1.0)) * bar_area
            color = row_colors[i % len(row_colors)] if row_colors else colors[n % len(colors)]
            parts.append(f'<rect x="{LABEL_W}" y="{by:.1f}" width="{w:.1f}" height="{BAR_H}" '
                         f'fill="{color}"><title>{escape(label)} {escape(series[n])}: '
                         f"{escape(fmt(value))}</title></rect>"
                         f'<text x="{LABEL_W + w + 4:.1f}" y="{by + BAR_H:.1f}" font-size="14">'
                         f"{escape(fmt(value))}</text>")
    parts.append("</svg>")
    return Markup("".join(parts))
