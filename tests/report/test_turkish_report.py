"""A Turkish client's whole report reads Turkish: no English phrase the workbook wrote.

Runs all five notebooks for kahve-kosesi (a Turkish café) and for a Turkish copy of
nordwind-shop (spend, experiments, competitors, four platforms), then reads every
caption, paragraph and table cell of their report.html. Text that came from the client
(post captions, handles, campaign names, experiment hypotheses in client.yaml) and the
citations of published benchmarks stay as written and are not checked.
"""
from __future__ import annotations

import base64
import html
import re
import shutil
from pathlib import Path

import pytest

from smm_nb.run.batch import NOTEBOOKS, make_executor, run_batch

pytestmark = pytest.mark.e2e

#: Columns whose cells are the client's own words or published citations.
VERBATIM_COLUMNS = {"Metin", "Hesap", "Kaynak", "Kaynak dosya", "Nüfus", "Kampanya", "Deney",
                    "Hipotez", "Profil adresi", "Rakip", "Ad"}
#: Words that give away an English sentence written by the workbook.
ENGLISH = re.compile(r"\b(the|and|of|with|per|data|posts?|days?|than|needed|median|vs|"
                     r"insufficient|followers|reach|impressions|month|weeks?|no|not)\b")
#: English number formats: a decimal point (Turkish 1.500 has three digits after its dot)
#: or a percent sign after the number (Turkish writes %21,4).
ENGLISH_NUMBER = re.compile(r"\d\.\d{1,2}(?!\d)|\d%")
#: Published sources quoted inside a sentence, e.g. "(Rival IQ ... Report 2025)".
CITATION = re.compile(r"\((?:Rival IQ|Buffer|Pew|TurkStat|Hootsuite|Sprout)[^()]*"
                      r"(?:\([^()]*\)[^()]*)*\)")


def _text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()


def chart_texts(svg: str) -> list[str]:
    """Every text of a chart (title, note, axis labels, ticks, legend): charts are SVG
    with their text kept as text."""
    return [html.unescape(t).strip() for t in re.findall(r"<text[^>]*>(.*?)</text>", svg,
                                                          flags=re.S)]


def english_leftovers(report: Path, verbatim: set[str]) -> list[str]:
    """Captions, paragraphs and cells of ``report`` that still read English."""
    page = re.sub(r"<style.*?</style>", "", report.read_text(encoding="utf-8"), flags=re.S)
    found = []
    for table in re.findall(r"<table.*?</table>", page, flags=re.S):
        heads = [_text(h) for h in re.findall(r"<th[^>]*>(.*?)</th>", table, flags=re.S)]
        found += [f"header {h!r}" for h in heads if ENGLISH.search(CITATION.sub("", h))]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, flags=re.S):
            cells = [_text(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)]
            offset = len(heads) - len(cells)  # index columns are <th> in the row
            for i, cell in enumerate(cells):
                column = heads[i + offset] if 0 <= i + offset < len(heads) else ""
                if column not in VERBATIM_COLUMNS and ENGLISH.search(CITATION.sub("", cell)):
                    found.append(f"{column}: {cell!r}")
    for alt in re.findall(r'<img[^>]*alt="([^"]*)"', page):  # chart titles
        title = CITATION.sub("", html.unescape(alt))
        if ENGLISH.search(title) or ENGLISH_NUMBER.search(title):
            found.append(f"chart {title!r}")
    for svg in re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', page):  # chart text
        for label in chart_texts(base64.b64decode(svg).decode("utf-8")):
            if ENGLISH.search(label) or ENGLISH_NUMBER.search(label):
                found.append(f"chart text {label!r}")
    prose = re.sub(r"<table.*?</table>", "", page, flags=re.S)
    for tag, inner in re.findall(r"<(p|h\d|li|title)[^>]*>(.*?)</\1>", prose, flags=re.S):
        text = CITATION.sub("", _text(inner))
        if any(v in text for v in verbatim):
            continue
        if ENGLISH.search(text):
            found.append(f"<{tag}> {text!r}")
    return sorted(set(found))


@pytest.fixture(scope="module")
def turkish_reports(tmp_path_factory, demo_data_dir) -> dict[str, Path]:
    data = tmp_path_factory.mktemp("turkish") / "data"
    shutil.copytree(demo_data_dir, data, ignore=shutil.ignore_patterns("cache"))
    config = data / "clients" / "nordwind-shop" / "client.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("language: en", "language: tr"),
                      encoding="utf-8")
    out = data.parent / "reports"
    result = run_batch(["kahve-kosesi", "nordwind-shop"], data, NOTEBOOKS, run_id="tr",
                       reports_dir=out, executor=make_executor(workers=2), progress=False)
    assert result.ok, result.failures
    return {slug: out / slug / "tr" / "report.html" for slug in ("kahve-kosesi", "nordwind-shop")}


def _config_texts(data_dir: Path, slug: str) -> set[str]:
    """Free text the analyst wrote in client.yaml (hypotheses, names): shown verbatim."""
    import yaml

    cfg = yaml.safe_load((data_dir / "clients" / slug / "client.yaml").read_text("utf-8"))
    texts = {e.get("hypothesis", "") for e in cfg.get("experiments") or []}
    texts |= {e.get("name", "") for e in cfg.get("experiments") or []}
    return {t for t in texts if t}


@pytest.mark.parametrize("slug", ["kahve-kosesi", "nordwind-shop"])
def test_turkish_report_has_no_english_left(turkish_reports, demo_data_dir, slug):
    leftovers = english_leftovers(turkish_reports[slug], _config_texts(demo_data_dir, slug))
    assert leftovers == [], "\n".join(leftovers)


def test_the_scan_finds_english(tmp_path):
    # a chart is an SVG whose words are <text> elements: English ones are found, Turkish
    # numbers (0,5×, %4,5, 1.500, −0,4) and dates (1 Ağu) pass
    svg = ('<svg xmlns="http://www.w3.org/2000/svg"><g>'
           '<text x="1" y="2" style="font-size: 10px">0.5×</text><text>0,5×</text>'
           '<text>%4,5</text><text>1.500</text><text>1 Ağu</text><text>−0,4</text>'
           '<text>followers (instagram)</text><text>takipçi (Instagram)</text>'
           '<text>Instagram: reel vs image (n=23)</text></g></svg>')
    chart = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    page = tmp_path / "r.html"
    page.write_text("<p>Yayımlanmış kıyaslar (Rival IQ Report 2025 (2024 data))</p>"
                    '<img alt="Instagram: ayda +21.4% takipçi" src="x.png">'
                    '<img alt="Instagram: ayda +%21,4 takipçi, hedef 1.500" src="y.png">'
                    f'<img alt="Instagram: takipçi" src="data:image/svg+xml;base64,{chart}">'
                    "<table><tr><th>Gerekçe</th><th>Metin</th></tr>"
                    "<tr><td>instagram: data up to 2026-11-19</td><td>the best coffee</td></tr>"
                    "</table>", encoding="utf-8")
    assert chart_texts(svg)[:2] == ["0.5×", "0,5×"]
    assert english_leftovers(page, set()) == ["Gerekçe: 'instagram: data up to 2026-11-19'",
                                              "chart 'Instagram: ayda +21.4% takipçi'",
                                              "chart text '0.5×'",
                                              "chart text 'Instagram: reel vs image (n=23)'",
                                              "chart text 'followers (instagram)'"]
