"""results.json -> one self-contained HTML page.

The page is a pure function of the results: math as MathML (latex2mathml, compacted), plots as
inline SVG (matplotlib; every id made unique to its plot), styles and the small filter script
inline; it makes no network request.  Layout: a sticky header with the run's status and the
filters, a table of contents, the summary (one verdict per theorem, linking to its card), the
errata by document, the coverage, then per theorem its card and its details (collapsed).
"""

from __future__ import annotations

import html as _html
import io
import re
from functools import lru_cache
from pathlib import Path

import jinja2
from markupsafe import Markup

from . import cards, notation

_TEMPLATES = Path(__file__).parent / "templates"

_ENTITY = re.compile(r"&#x([0-9A-Fa-f]+);")


#: attributes latex2mathml writes that MathML Core infers (an operator's form from its place in
#: its mrow, ``fence`` has no effect on layout, inline is the default display)
_DEFAULTS = re.compile(r' (?:fence="(?:true|false)"|form="(?:prefix|postfix|infix)"|display="inline")')
#: a fence that stretches, which MathML Core's operator dictionary makes stretchy anyway
_FENCE = re.compile(r'<mo stretchy="true">([()\[\]{}|‖⟨⟩⌊⌋⌈⌉])</mo>')
#: an mrow around a single token is that token (MathML's inferred mrow)
_SINGLE = re.compile(r"<mrow>(<(mi|mn|mtext)(?: [^>]*)?>[^<]*</\2>)</mrow>")


def _compact(mathml: str) -> str:
    """latex2mathml's output, smaller and the same to a MathML Core renderer: characters instead
    of numeric references (except the ones HTML needs escaped), no namespace attribute (HTML
    knows MathML), no attribute that states a default, no mrow around a single token."""

    def char(m: re.Match) -> str:
        c = chr(int(m.group(1), 16))
        return m.group(0) if c in "<>&\"'" else c

    mathml = _ENTITY.sub(char, mathml.replace(' xmlns="http://www.w3.org/1998/Math/MathML"', ""))
    mathml = _SINGLE.sub(r"\1", _DEFAULTS.sub("", mathml))
    mathml = _FENCE.sub(r"<mo>\1</mo>", mathml)
    return re.sub(r"^(<math[^>]*>)<mrow>(.*)</mrow>(</math>)$", r"\1\2\3", mathml, flags=re.S)


#: MathML longer than this (an expanded matrix identity of a certified step runs to 40 kB) is shown
#: as its LaTeX source, folded: the page stays within its size budget and the formula is not lost
LONG_MATHML = 8000


@lru_cache(maxsize=8192)
def math(latex: str, display: bool = False, book: bool = False) -> str:
    """LaTeX -> MathML inside a box that scrolls sideways when the formula is wider than its
    cell; a formula latex2mathml cannot read is shown as code, never dropped.  ``book``: the
    LaTeX is sympy's (``ln``, the book's order of terms, see :func:`notation.book_latex`).  A
    relation sympy evaluated to True when it was built is shown as that, never as "True"."""
    if not latex:
        return ""
    if notation.evaluated_true(latex):
        return (
            '<span class="lost" title="sympy evaluated this relation to True when the theorem module '
            'built it, so the relation that was checked is not recorded">relation lost: evaluated to '
            "True when built</span>"
        )
    from latex2mathml.converter import convert

    tag = "div" if display else "span"
    src = notation.book_latex(latex) if book else latex
    try:
        out = _compact(convert(src, display="block" if display else "inline"))
    except Exception:  # noqa: BLE001 - show the source instead
        out = f'<code class="latex">{_html.escape(src)}</code>'
    if len(out) > LONG_MATHML:  # an expanded identity nobody reads as a formula: its LaTeX, folded
        out = (
            f'<details class="long"><summary>a long expression ({len(src):,} characters of LaTeX)'
            f'</summary><code class="latex">{_html.escape(src)}</code></details>'
        )
    return f'<{tag} class="m">{out}</{tag}>'


_ID = re.compile(r'\bid="([^"]+)"')
_REF = re.compile(r'(?:url\(#|href="#)([^")]+)')


def unique_ids(svg: str, prefix: str) -> str:
    """An inline SVG's ids made unique to it: the ids nothing refers to are dropped, the others
    (clip paths, markers) and every reference to them prefixed -- sixteen plots on one page
    must not share ``patch_1`` or a clip path."""
    used = set(_REF.findall(svg))
    svg = _ID.sub(lambda m: f'id="{prefix}-{m.group(1)}"' if m.group(1) in used else "", svg)
    return _REF.sub(lambda m: m.group(0).replace("#" + m.group(1), f"#{prefix}-{m.group(1)}"), svg)


def _shrink(svg: str) -> str:
    """matplotlib's SVG without comments, metadata, indentation and sub-0.1-pt digits (in its
    coordinates; the text keeps its numbers)."""
    svg = re.sub(r"<!--.*?-->|<metadata>.*?</metadata>", "", svg, flags=re.S)
    svg = re.sub(r' transform="rotate\(-0 [^"]*\)"', "", svg)
    # digits past the first decimal in attribute values only (coordinates, paths): a label's
    # text keeps its numbers ("q̂ = 0.9025" was drawn as "q̂ = 0.9")
    svg = re.sub(r'"[^"<>]*"', lambda m: re.sub(r"(\d+\.\d)\d+", r"\1", m.group(0)), svg)
    svg = re.sub(r">\s+<", "><", svg)
    svg = re.sub(r"<g\s*>(?=<)", "<g>", re.sub(r"\s*\n\s*", " ", svg))
    for _ in range(3):  # groups left empty by the ids removed
        svg = svg.replace("<g></g>", "")
    return svg


#: the decades a log axis shows below its largest value
DECADES = 10**24

#: a scatter with more points than this is drawn as an image inside the SVG
DENSE = 150

#: the smallest positive normal float64: values below it (subnormals) are outside the rounding
#: model and are not drawn on a log axis
_TINY = 2.2250738585072014e-308


def _points(plot: dict, s: dict) -> tuple[list, list]:
    xs, ys = s.get("x", []), s.get("y", [])
    logx, logy = plot.get("xscale") == "log", plot.get("yscale") == "log"
    pts = [
        (x, y)
        for x, y in zip(xs, ys)
        if (not logx or x >= _TINY) and (not logy or y >= _TINY) and x == x and y == y
    ]
    return [p[0] for p in pts], [p[1] for p in pts]


def plot_svg(plot: dict, uid: str = "plot") -> str:
    """One experiment plot as an inline SVG string (text as text: no glyph outlines)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.fonttype"] = "none"  # text as text: no glyph outlines
    plt.rcParams["svg.hashsalt"] = uid
    plt.rcParams["font.family"] = "sans-serif"
    plt.rcParams["font.sans-serif"] = ["DejaVu Sans"]
    series = [(s, *_points(plot, s)) for s in plot.get("series", [])]
    series = [x for x in series if x[1]]
    many = len(series) > 4
    fig, ax = plt.subplots(figsize=(6.4, 4.4 if many else 3.6), dpi=100)
    # paired colours: series labelled "<family> — measured …" and "<family> — predicted …" share
    # their family's colour; any other series takes the next colour of the cycle
    cycle = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    groups: dict[str, str] = {}
    colours = []
    for i, (s, _, _) in enumerate(series):
        label = str(s.get("label") or "")
        group = label.split(" — ", 1)[0] if " — " in label else f"series {i}"
        colours.append(groups.setdefault(group, cycle[len(groups) % len(cycle)]))
    for (s, xs, ys), colour in zip(series, colours):
        points = dict(marker="o", ms=3, ls="none", alpha=0.7)
        style: dict = dict(lw=1.5) if s.get("kind") == "line" else points
        style["color"] = colour
        # a dense scatter is drawn as an image inside the SVG (hundreds of point shapes are
        # hundreds of kilobytes); lines and axes stay vectors
        ax.plot(xs, ys, label=s.get("label"), rasterized=len(xs) > DENSE, **style)
    ax.set_xscale(plot.get("xscale", "linear"))
    ax.set_yscale(plot.get("yscale", "linear"))
    xlabel = plot.get("xlabel", "")
    ys = [y for _, _, y in series for y in y]
    if plot.get("yscale") == "log" and ys and min(ys) < max(ys) / DECADES:
        # a loss that reaches 1e-300 squeezes every curve into a line: the axis shows the top
        # decades only, and says so
        ax.set_ylim(bottom=max(ys) / DECADES, top=max(ys) * 10)
        cut = notation.num(1 / DECADES)
        xlabel += f"   (y axis cut at {cut} of its largest value)"
    ax.set_xlabel(xlabel)
    ax.set_ylabel(plot.get("ylabel", ""))
    ax.grid(True, which="major", alpha=0.3)
    if series:
        if many:
            ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2, frameon=False)
        else:
            ax.legend(fontsize=7, loc="best")
    fig.tight_layout()
    buf = io.StringIO()
    fig.savefig(buf, format="svg", dpi=120)
    plt.close(fig)
    svg = buf.getvalue()
    return _shrink(unique_ids(svg[svg.index("<svg") :], uid))


def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(_TEMPLATES)),
        autoescape=jinja2.select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["math"] = lambda s: Markup(math(s or ""))
    env.filters["bmath"] = lambda s: Markup(math(s or "", book=True))
    env.filters["dmath"] = lambda s: Markup(math(s or "", True))
    env.filters["num"] = notation.num
    env.filters["val"] = notation.value
    env.filters["secs"] = notation.seconds
    env.filters["words"] = notation.words
    env.filters["docname"] = notation.doc_name
    env.filters["docnum"] = notation.doc_number
    env.filters["vclass"] = cards.verdict_class
    env.filters["svg"] = lambda p, uid: Markup(plot_svg(p, uid))
    env.filters["abbr"] = lambda s: Markup(cards.abbreviate(s))
    env.filters["evidence"] = lambda s: Markup(cards.evidence_html(s, math))
    env.filters["slug"] = cards.slug
    env.globals["notation"] = notation
    env.globals["cards"] = cards
    return env


def _asset(name: str) -> Markup:
    return Markup((_TEMPLATES / name).read_text(encoding="utf-8"))


def _context(results: dict, fragment: bool) -> dict:
    return {
        "r": results,
        "page": cards.page(results),
        "fragment": fragment,
        "style": _asset("style.css"),
        "script": _asset("report.js"),
    }


def render(results: dict) -> str:
    """The whole page."""
    return _env().get_template("report.html").render(**_context(results, False))


def render_fragment(results: dict) -> str:
    """The theorems' cards with their details collapsed, with their styles (a notebook cell):
    the same template, without the plots and the long tables of the full page."""
    return _env().get_template("report.html").render(**_context(results, True))


def render_errata(doc: dict) -> str:
    """The errata document of one source (see :mod:`dlverify.reports.errata`) as a page."""
    return _env().get_template("errata.html").render(d=doc, style=_asset("style.css"))
