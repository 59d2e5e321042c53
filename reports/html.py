"""results.json -> one self-contained HTML page.

The page is a pure function of the results: math as MathML (latex2mathml), plots as
inline SVG (matplotlib, text as paths), styles inline; it makes no network request.
"""

from __future__ import annotations

import html as _html
import io
import json
from functools import lru_cache
from pathlib import Path

import jinja2
from latex2mathml.converter import convert as _latex_to_mathml

_TEMPLATES = Path(__file__).parent / "templates"


@lru_cache(maxsize=4096)
def math(latex: str, display: bool = False) -> str:
    """LaTeX -> MathML; a formula latex2mathml cannot read is shown as code, never dropped."""
    if not latex:
        return ""
    try:
        out = _latex_to_mathml(latex, display="block" if display else "inline")
        return out.replace("<math ", f'<math data-latex="{_html.escape(latex, quote=True)}" ', 1)
    except Exception:  # noqa: BLE001 - show the source instead
        return f'<code class="latex">{_html.escape(latex)}</code>'


def plot_svg(plot: dict) -> str:
    """One experiment plot as an inline SVG string."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.fonttype"] = "path"  # glyphs as paths: no font files, no requests
    fig, ax = plt.subplots(figsize=(6.4, 3.8), dpi=100)
    for s in plot.get("series", []):
        xs, ys = s.get("x", []), s.get("y", [])
        if plot.get("yscale") == "log" or plot.get("xscale") == "log":
            pts = [
                (x, y)
                for x, y in zip(xs, ys)
                if (plot.get("xscale") != "log" or x > 0) and (plot.get("yscale") != "log" or y > 0)
            ]
            xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        if not xs:
            continue
        if s.get("kind") == "line":
            ax.plot(xs, ys, "-", lw=1.6, label=s.get("label"))
        else:
            ax.plot(xs, ys, "o", ms=3, alpha=0.7, label=s.get("label"))
    ax.set_xscale(plot.get("xscale", "linear"))
    ax.set_yscale(plot.get("yscale", "linear"))
    ax.set_xlabel(plot.get("xlabel", ""))
    ax.set_ylabel(plot.get("ylabel", ""))
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7, loc="best")
    fig.tight_layout()
    buf = io.StringIO()
    fig.savefig(buf, format="svg")
    plt.close(fig)
    svg = buf.getvalue()
    return svg[svg.index("<svg") :]


def _fmt(v) -> str:
    if v is None:
        return "—"
    if isinstance(v, float):
        return f"{v:.6g}"
    if isinstance(v, dict):
        return ", ".join(f"{k} = {_fmt(x)}" for k, x in v.items())
    return str(v)


def _verdict_class(v: str) -> str:
    return {
        "verified": "ok",
        "verified, tight": "ok",
        "verified, loose": "warn",
        "false": "bad",
        "needs an assumption": "warn",
        "not refuted": "bad",
        "not checked": "meta",
    }.get(v, "bad")


def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(_TEMPLATES)), autoescape=jinja2.select_autoescape(["html"])
    )
    env.filters["math"] = lambda s: jinja2.utils.markupsafe.Markup(math(s))
    env.filters["dmath"] = lambda s: jinja2.utils.markupsafe.Markup(math(s, True))
    env.filters["fmt"] = _fmt
    env.filters["vclass"] = _verdict_class
    env.filters["svg"] = lambda p: jinja2.utils.markupsafe.Markup(plot_svg(p))
    env.filters["tojson_pretty"] = lambda o: json.dumps(o, indent=1, default=str)
    return env


def _style():
    return jinja2.utils.markupsafe.Markup((_TEMPLATES / "style.css").read_text(encoding="utf-8"))


def render(results: dict) -> str:
    """The whole page."""
    return _env().get_template("report.html").render(r=results, fragment=False, style=_style())


def render_fragment(results: dict) -> str:
    """The theorem sections alone, with their styles (for a notebook cell): the same template."""
    return _env().get_template("report.html").render(r=results, fragment=True, style=_style())
