"""The HTML report in a real headless Chromium: it loads with no request leaving the page,
the math is rendered as MathML with real size, the plots are inline SVG with content,
and a screenshot is kept as a test artefact (``DLVERIFY_ARTEFACTS``, default
``reports/out/artefacts``).

Needs Debian's ``chromium`` and ``chromium-driver`` (``.ci/run`` installs them).  Under
CI the test fails rather than skips when they are missing, so a green CI means the page
was really opened.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


def _require_browser():
    missing = [p for p in (CHROMIUM, DRIVER) if not Path(p).exists()]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("selenium")
    if missing:
        msg = f"headless browser test needs {missing} (apt-get install chromium chromium-driver)"
        if os.environ.get("CI"):
            pytest.fail(msg)
        pytest.skip(msg)


REFERENCE = Path(__file__).resolve().parent.parent / "reports" / "reference" / "results.json"


@pytest.fixture(scope="module")
def results():
    """The committed reference run (every theorem, with its property checks and trust records):
    a real results fixture, so the page test does not recompute the suite."""
    from dlverify.reports.runner import validate

    return validate(json.loads(REFERENCE.read_text()))


#: the theorems whose sections the page test renders: the whole reference page is ~400 000 px
#: tall (400 source lines, every plot) and takes Chromium minutes to lay out on 2 cores; three
#: theorems exercise every kind of section (errata, coverage, claims, variants, plots, tightness)
PAGE_THEOREMS = ("descent_lemma", "shapley", "emergence")


@pytest.fixture(scope="module")
def report(results, tmp_path_factory):
    from dlverify.reports.runner import errata, write

    out = tmp_path_factory.mktemp("report")
    page = json.loads(json.dumps(results))
    page["theorems"] = [t for t in page["theorems"] if t["id"] in PAGE_THEOREMS]
    page["errata"] = errata(page)
    results["page"] = page
    write(page, out, results_json=False)
    return out


@pytest.fixture(scope="module")
def driver():
    _require_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for a in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1280,2000",
    ):
        opts.add_argument(a)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    d = webdriver.Chrome(service=Service(DRIVER), options=opts)
    yield d
    d.quit()


def test_report_renders_offline_in_chromium(driver, results, report):
    driver.get((report / "report.html").as_uri())
    # no request other than the page itself (no CDN, no fonts, no scripts)
    requests = []
    for entry in driver.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        if msg["method"] == "Network.requestWillBeSent":
            requests.append(msg["params"]["request"]["url"])
        if msg["method"] == "Network.loadingFailed":
            pytest.fail(f"failed request: {msg['params']}")
    assert all(u.startswith("file://") and u.endswith("report.html") for u in requests), requests
    severe = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert not severe, severe
    assert driver.execute_script("return performance.getEntriesByType('resource').length") == 0

    # math: MathML elements laid out with real size
    n_math, sized = driver.execute_script(
        "const m=[...document.querySelectorAll('math')];"
        "return [m.length, m.filter(e=>{const r=e.getBoundingClientRect(); return r.width>4 && "
        "r.height>4}).length];"
    )
    assert n_math > 30 and sized > 0.9 * n_math, (n_math, sized)
    # plots: inline SVG with drawn paths, visible size
    plots = driver.execute_script(
        "return [...document.querySelectorAll('.plot svg')].map(s=>[s.getBoundingClientRect().width, "
        "s.querySelectorAll('path').length]);"
    )
    assert len(plots) >= 3 and all(w > 200 and p > 10 for w, p in plots), plots
    # every theorem's section: statement (display math), every derivation step marked ✔,
    # at least one plot, a verdict, every wrong variant shown as false, every source line
    from dlverify import theorems

    text = driver.find_element("tag name", "body").text
    assert "verified" in text and "proved and measured" in text
    assert set(theorems.REGISTRY) <= {t["id"] for t in results["theorems"]}, "regenerate reports/reference"
    page = results["page"]
    recs = {t["id"]: t for t in page["theorems"]}
    for tid in PAGE_THEOREMS:
        rec = recs[tid]
        sec = driver.execute_script(
            "const s=document.getElementById(arguments[0]); if(!s) return null;"
            "return {title: s.querySelector('h2').textContent, statement: s.querySelectorAll('.statement "
            "math').length,"
            " ok: s.querySelectorAll('td.mark-ok').length, bad: s.querySelectorAll('td.mark-bad').length,"
            " plots: s.querySelectorAll('.plot svg').length,"
            " variants: s.querySelectorAll('table.variants td.ok').length,"
            " variant_rows: s.querySelectorAll('table.variants tr').length - 1,"
            " lines: s.querySelectorAll('table.source-lines tr[id]').length}",
            tid,
        )
        assert sec, tid
        assert rec["title"] in sec["title"] and "—" in sec["title"], sec
        assert sec["statement"] == 1 and sec["bad"] == 0 and sec["ok"] == len(rec["derivation"]), (tid, sec)
        assert sec["plots"] >= 1 and sec["variants"] == sec["variant_rows"] >= 1, (tid, sec)
        assert sec["lines"] == len(rec["as_written"]) >= 1, (tid, sec)
    # the errata: one row per flagged source line, each citation a link to its line's row in the page
    errata = page["errata"]["errata"]
    links = driver.execute_script(
        "return [...document.querySelectorAll('#errata-table a.cite')].map(a=>[a.textContent,"
        " !!document.getElementById(a.getAttribute('href').slice(1))]);"
    )
    assert len(links) == len(errata) and all(ok for _, ok in links), links
    assert [c for c, _ in links] == [e["cite"] for e in errata]
    cov_rows = driver.execute_script("return document.querySelectorAll('#coverage-table tr').length - 1")
    assert cov_rows == len(page["errata"]["coverage"]) >= len(PAGE_THEOREMS)
    # the trust records: one mutation row per theorem (with the redundant column) and the
    # benchmark tables with the Shapley one-read bound per N
    head = driver.execute_script(
        "return [...document.querySelectorAll('table.mutation tr:first-child th')].map(t=>t.textContent)"
    )
    assert "redundant" in head and "holes" in head, head
    mut = driver.execute_script(
        "return [...document.querySelectorAll('table.mutation tr')].slice(1)"
        ".map(r=>[...r.cells].map(c=>c.textContent))"
    )
    want = {m["theorem"]: str(m["killed"]) for m in results["trust"]["mutation"]}
    assert {r[0]: r[2] for r in mut} == want and len(want) == len(theorems.REGISTRY), mut
    bench = results["trust"]["bench"]["tables"]
    assert [r[0] for r in bench[next(k for k in bench if "one-read bound" in k)]["rows"]] == [
        20,
        22,
        24,
        26,
        28,
    ]
    assert "one-read bound" in text and "shapiq" in text
    art = Path(os.environ.get("DLVERIFY_ARTEFACTS", "reports/out/artefacts"))
    art.mkdir(parents=True, exist_ok=True)
    # the page is ~400 000 px tall: a full-height screenshot makes Chromium stall, so keep the top
    # (summary, errata, coverage and the first theorem)
    height = int(driver.execute_script("return document.body.scrollHeight"))
    driver.set_window_size(1280, min(height + 50, 12000))
    assert driver.save_screenshot(str(art / "report.png"))
