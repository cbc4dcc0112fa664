"""Charts drawn on the server as SVG with matplotlib (Agg, no pyplot state), for the pages
and the PDFs alike.

Each function takes plain ``(label, value)`` lists and returns SVG text ready to inline in
HTML: ``role="img"``, an ``aria-label`` and a ``<title>`` carry the text alternative (the
page shows the same figures as a table beside it). Bars carry their values and a hatch
pattern, so that nothing depends on colour. Text is drawn as paths in the shipped Noto Sans
SC, so Chinese prints on a machine without CJK fonts, and ids are made unique per chart so
that several charts can share one page. matplotlib writes its colours as ``style``
attributes and a ``<style>`` element, which the pages' Content-Security-Policy refuses (the
bars turn black) and WeasyPrint reads only in part: they become presentation attributes.
"""

from __future__ import annotations

import io
import itertools
import re
from functools import cache, lru_cache
from html import escape

import matplotlib

matplotlib.use("Agg")

from matplotlib import font_manager  # noqa: E402  (after choosing the backend)
from matplotlib.figure import Figure  # noqa: E402

from outreach.pdf import FONT_DIR  # noqa: E402

FONT = FONT_DIR / "NotoSansSC-Regular.ttf"
#: Dark enough for 4.5:1 on white; told apart by hatching as well.
COLOURS = ("#1f5f99", "#8a4b08", "#2e6b30", "#6b3a7a")
HATCHES = ("", "//", "..", "xx")
_counter = itertools.count(1)


@cache
def _font_family() -> str:
    font_manager.fontManager.addfont(str(FONT))
    return font_manager.FontProperties(fname=str(FONT)).get_name()


def _style() -> dict:
    return {
        "font.family": _font_family(),
        "font.size": 10,
        "svg.fonttype": "path",
        "svg.hashsalt": "outreach",
        "axes.spines.top": False,
        "axes.spines.right": False,
    }


def _number(value) -> str:
    return f"{value:,}" if isinstance(value, int) else f"{value:,.2f}"


def bar_chart(items: list[tuple[str, float]], *, title: str, description: str | None = None,
              horizontal: bool = True, width: float = 6.4) -> str:
    """Bars for ``(label, value)`` pairs, each labelled with its value.

    ``title`` names the chart (its ``<title>``); ``description`` is the text alternative,
    by default the pairs themselves ("讲座: 8; 展览: 34")."""
    items = tuple((str(label), value) for label, value in items)
    return _unique_ids(_bar_chart(items, str(title), description and str(description), horizontal, width))


@lru_cache(maxsize=256)
def _bar_chart(items, title, description, horizontal, width) -> str:
    labels = [str(label) for label, _value in items]
    values = [value for _label, value in items]
    alt = description or "; ".join(f"{label}: {_number(value)}" for label, value in items)
    with matplotlib.rc_context(_style()):
        rows = max(len(items), 1)
        height = 0.45 * rows + 1.0 if horizontal else 3.4
        figure = Figure(figsize=(width, height), dpi=100)
        axes = figure.add_subplot()
        positions = list(range(len(items)))
        if horizontal:
            bars = axes.barh(positions, values, color=COLOURS[0], edgecolor="#000000", linewidth=0.6,
                             hatch=HATCHES[1])
            axes.set_yticks(positions, labels)
            axes.invert_yaxis()
            axes.set_xlim(0, (max(values) if values and max(values) > 0 else 1) * 1.18)
            axes.tick_params(axis="x", labelsize=8)
        else:
            bars = axes.bar(positions, values, color=COLOURS[0], edgecolor="#000000", linewidth=0.6,
                            hatch=HATCHES[1])
            axes.set_xticks(positions, labels, rotation=45 if len(items) > 6 else 0,
                            ha="right" if len(items) > 6 else "center")
            axes.set_ylim(0, (max(values) if values and max(values) > 0 else 1) * 1.18)
            axes.tick_params(axis="y", labelsize=8)
        axes.bar_label(bars, labels=[_number(v) for v in values], padding=3, fontsize=9)
        figure.tight_layout()
        return _svg(figure, title, alt)


def grouped_bar_chart(labels: list[str], series: list[tuple[str, list[float]]], *, title: str,
                      description: str | None = None, width: float = 6.4) -> str:
    """Side-by-side bars (this year and last year, say), each series with its own hatch and a
    legend; ``series`` is ``[(name, values per label)]``."""
    labels = tuple(str(label) for label in labels)
    series = tuple((str(name), tuple(values)) for name, values in series)
    return _unique_ids(_grouped_bar_chart(labels, series, str(title), description and str(description), width))


@lru_cache(maxsize=128)
def _grouped_bar_chart(labels, series, title, description, width) -> str:
    labels = [str(label) for label in labels]
    alt = description or "; ".join(
        f"{label}: " + ", ".join(f"{name} {_number(values[i])}" for name, values in series)
        for i, label in enumerate(labels)
    )
    with matplotlib.rc_context(_style()):
        figure = Figure(figsize=(width, 3.6), dpi=100)
        axes = figure.add_subplot()
        count = max(len(series), 1)
        step = 0.8 / count
        top = max((v for _name, values in series for v in values), default=0) or 1
        for n, (name, values) in enumerate(series):
            positions = [i - 0.4 + step * (n + 0.5) for i in range(len(labels))]
            bars = axes.bar(positions, values, width=step, label=str(name), color=COLOURS[n % len(COLOURS)],
                            edgecolor="#000000", linewidth=0.6, hatch=HATCHES[n % len(HATCHES)])
            axes.bar_label(bars, labels=[_number(v) for v in values], padding=2, fontsize=7)
        axes.set_xticks(range(len(labels)), labels, rotation=45 if len(labels) > 6 else 0,
                        ha="right" if len(labels) > 6 else "center")
        axes.set_ylim(0, top * 1.2)
        axes.tick_params(axis="y", labelsize=8)
        axes.legend(frameon=False, fontsize=8)
        figure.tight_layout()
        return _svg(figure, title, alt)


_ID = re.compile(r'id="([^"]+)"')
#: Stands for a chart's own id prefix in a cached drawing.
_PREFIX = "chart-ids-"


_STYLE_ATTRIBUTE = re.compile(r'\sstyle="([^"]*)"')
_STYLE_ELEMENT = re.compile(r"\s*<style[^>]*>(.*?)</style>", re.S)


def _as_attributes(declarations: str) -> str:
    """``fill: #fff; stroke-width: 0.8`` as ``fill="#fff" stroke-width="0.8"``."""
    pairs = (part.split(":", 1) for part in declarations.split(";") if ":" in part)
    return "".join(f' {name.strip()}="{value.strip()}"' for name, value in pairs)


def _without_css(svg: str) -> str:
    """Styles as presentation attributes: the ``<style>`` element's one rule (``*{...}``) on
    the root, which its children inherit, and each ``style`` attribute on its element."""
    rules = _STYLE_ELEMENT.search(svg)
    svg = _STYLE_ELEMENT.sub("", svg)
    svg = _STYLE_ATTRIBUTE.sub(lambda match: _as_attributes(match.group(1)), svg)
    if rules:
        root = re.fullmatch(r"\s*\*\s*\{(.*)\}\s*", rules.group(1), re.S)
        if root is None:
            raise ValueError("unexpected CSS in a chart: " + rules.group(1))
        svg = svg.replace("<svg", "<svg" + _as_attributes(root.group(1)), 1)
    return svg


def _unique_ids(svg: str) -> str:
    return svg.replace(_PREFIX, f"c{next(_counter)}-")


def _svg(figure: Figure, title: str, alt: str) -> str:
    out = io.StringIO()
    figure.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    svg = out.getvalue()
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"\s*<metadata>.*?</metadata>", "", svg, count=1, flags=re.S)
    svg = _without_css(svg)
    ids = set(_ID.findall(svg))
    for name in sorted(ids, key=len, reverse=True):
        svg = svg.replace(f'id="{name}"', f'id="{_PREFIX}{name}"')
        svg = svg.replace(f"#{name})", f"#{_PREFIX}{name})").replace(f'"#{name}"', f'"#{_PREFIX}{name}"')
    opening_end = svg.index(">") + 1
    opening = svg[:opening_end]
    opening = re.sub(r'\s(width|height)="[^"]*"', "", opening, count=2)
    opening = opening.replace("<svg", f'<svg role="img" aria-label="{escape(alt)}" class="chart"', 1)
    return opening + f"<title>{escape(title)}</title><desc>{escape(alt)}</desc>" + svg[opening_end:]
