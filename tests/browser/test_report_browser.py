"""Generated reports in a real browser: offline, silent, not blank, safe with hostile text."""
from __future__ import annotations

from io import BytesIO
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from smm_nb.run.batch import NOTEBOOKS, make_executor, run_batch

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

FIXTURES = Path(__file__).resolve().parents[1] / "run" / "fixtures"
HOSTILE = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>"]


@pytest.fixture(scope="module")
def reports(tmp_path_factory, demo_data_dir):
    """nordwind-shop's real report, and kahve-kosesi's with hostile captions in its export."""
    import shutil

    data = tmp_path_factory.mktemp("browser") / "data"
    shutil.copytree(demo_data_dir, data, ignore=shutil.ignore_patterns("cache"))
    posts_csv = data / "clients" / "kahve-kosesi" / "exports" / "posts.csv"
    posts = pd.read_csv(posts_csv, dtype=str, keep_default_na=False)
    newest = posts.sort_values("published_at").index[-len(HOSTILE) * 2:]
    for i, idx in enumerate(newest):
        posts.loc[idx, "text"] = HOSTILE[i % len(HOSTILE)]
        posts.loc[idx, "tags"] = "#" + HOSTILE[(i + 1) % len(HOSTILE)]
    posts.to_csv(posts_csv, index=False)
    out = data.parent / "reports"
    executor = make_executor(workers=2)
    real = run_batch(["nordwind-shop"], data, NOTEBOOKS, run_id="b1", reports_dir=out,
                     executor=executor, progress=False)
    # the fixture notebook shows the newest captions in a table, as the audit does
    hostile = run_batch(["kahve-kosesi"], data, {"summary": FIXTURES / "summary.ipynb"},
                        run_id="h1", reports_dir=out, executor=executor, progress=False)
    assert hostile.ok, hostile.failures
    return {"real": out / "nordwind-shop" / "b1" / "report.html" if real.ok else None,
            "real_failures": real.failures,
            "hostile": out / "kahve-kosesi" / "h1" / "report.html",
            "hostile_nb": out / "kahve-kosesi" / "h1" / "summary.html",
            "index": out / "index.html"}


def _not_blank(png: bytes) -> None:
    import matplotlib.image as mpimg

    img = mpimg.imread(BytesIO(png), format="png")[..., :3]
    assert img.shape[0] > 100 and img.shape[1] > 100
    non_white = (img < 0.95).any(axis=-1).mean()
    assert non_white > 0.01, f"screenshot is (almost) blank: {non_white:.4f} non-white"
    assert float(np.std(img)) > 0.02


def _assert_clean(visit) -> None:
    assert visit.console_errors == [], visit.console_errors
    assert visit.dialogs == []
    others = [u for u in visit.requests if u != visit.url and not u.startswith("data:")]
    assert others == [], f"the page made requests: {others}"


def test_real_report_is_offline_silent_and_not_blank(chromium, reports):
    assert reports["real"] is not None, reports["real_failures"]
    visit = chromium.open(reports["real"])
    _assert_clean(visit)
    assert chromium.evaluate("document.scripts.length") == 0
    assert chromium.evaluate(  # every chart (if any) decoded from its embedded data
        "Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)")
    # five chapters and the summary reachable from the navigation
    assert chromium.evaluate("document.querySelectorAll('nav a').length") == 1 + len(NOTEBOOKS)
    assert chromium.evaluate(
        "Array.from(document.querySelectorAll('nav a')).every("
        "a => document.getElementById(a.getAttribute('href').slice(1)))")
    text = chromium.evaluate("document.body.innerText")
    for machinery in ("open_notebook", "findings_path", "Traceback", "Warning"):
        assert machinery not in text
    _not_blank(chromium.screenshot())
    assert chromium.print_pdf()[:4] == b"%PDF"


def test_report_fits_a_phone(chromium, reports):
    path = reports["real"] or reports["hostile"]
    chromium.phone()
    try:
        visit = chromium.open(path)
        _assert_clean(visit)
        overflow = chromium.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 1, f"page is {overflow}px wider than the phone"
        _not_blank(chromium.screenshot())
    finally:
        chromium.desktop()


@pytest.mark.parametrize("page", ["hostile", "hostile_nb"])
def test_hostile_captions_show_as_text_and_never_run(chromium, reports, page):
    visit = chromium.open(reports[page])
    _assert_clean(visit)
    assert chromium.evaluate("window.__alerts.length") == 0
    assert chromium.evaluate("document.scripts.length") == 0
    assert chromium.evaluate(
        "Array.from(document.querySelectorAll('*')).filter("
        "e => Array.from(e.attributes).some(a => a.name.startsWith('on'))).length") == 0
    assert chromium.evaluate(
        "Array.from(document.images).every(i => i.src.startsWith('data:image/'))")
    text = chromium.evaluate("document.body.innerText")
    for payload in HOSTILE:
        assert payload in text  # shown to the reader as the characters they are


def test_portfolio_index_is_clean(chromium, reports):
    visit = chromium.open(reports["index"])
    _assert_clean(visit)
    assert chromium.evaluate("document.querySelectorAll('tbody tr').length") == 2
