"""Executed notebook -> client HTML: nothing of the machinery, nothing that runs or loads."""
import re

import pytest

from smm_nb.report.html import CSP, demote_headings, export_parts, notebook_body, page, sanitize

HOSTILE = ['<script>alert(1)</script>', '<img src=x onerror=alert(1)>']


def _cell(kind, source="", tags=(), outputs=()):
    c = {"cell_type": kind, "source": source, "metadata": {"tags": list(tags)}}
    if kind == "code":
        c["outputs"] = list(outputs)
    return c


def _nb(*cells):
    return {"cells": list(cells), "metadata": {}}


@pytest.mark.parametrize("bad", HOSTILE + [
    '<a href="javascript:alert(1)">x</a>', '<div onclick="alert(1)">x</div>',
    '<iframe src="https://evil.example"></iframe>', '<img src="https://evil.example/p.png">',
    '<p style="background:url(https://evil.example/p.png)">x</p>', '<svg onload=alert(1)>',
    '<link rel=stylesheet href="https://evil.example/s.css">', '<object data="x.swf"></object>',
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>', '<!--<script>-->alert(1)',
])
def test_sanitize_removes_active_and_remote_content(bad):
    out = sanitize(bad).lower()
    for needle in ("<script", "onerror", "onclick", "onload", "javascript:", "<iframe", "http",
                   "url(", "<link", "<object", "<svg", "<math"):
        assert needle not in out, (bad, out)


def test_sanitize_keeps_tables_images_and_text():
    markup = ('<table class="smm-table"><thead><tr><th>a</th></tr></thead><tbody><tr>'
              '<td colspan="2">1 &lt; 2</td></tr></tbody></table>'
              '<img alt="chart" src="data:image/png;base64,iVBORw0KGgo=">'
              '<p class="smm-finding">x &amp; y</p><a href="#ch-1">go</a>')
    assert sanitize(markup) == markup


def test_sanitize_closes_what_it_opens():
    assert sanitize("<p><strong>bold") == "<p><strong>bold</strong></p>"
    assert sanitize("text</div></p>") == "text"


def test_body_drops_code_parameters_setup_stderr_errors_and_reprs():
    nb = _nb(
        _cell("markdown", "# Title", tags=["lang-en"]),
        _cell("markdown", "# Başlık", tags=["lang-tr"]),
        _cell("code", "client = 'x'", tags=["parameters"],
              outputs=[{"output_type": "stream", "name": "stdout", "text": "PARAM-OUT"}]),
        _cell("code", "client = 'y'", tags=["injected-parameters"]),
        _cell("code", "s = open_notebook(...)", tags=["setup"],
              outputs=[{"output_type": "stream", "name": "stdout", "text": "SETUP-OUT"}]),
        _cell("code", "show(df)", outputs=[
            {"output_type": "stream", "name": "stderr", "text": "UserWarning: noisy"},
            {"output_type": "display_data", "data": {"text/html": "<p>kept</p>",
                                                      "text/plain": "kept"}},
            {"output_type": "execute_result",
             "data": {"text/plain": "[<matplotlib.lines.Line2D at 0x7f00deadbeef>]"}},
            {"output_type": "error", "ename": "ValueError", "evalue": "boom",
             "traceback": ["Traceback..."]}]),
    )
    body = notebook_body(nb, "en")
    assert "Title" in body and "Başlık" not in body and "<p>kept</p>" in body
    for gone in ("PARAM-OUT", "SETUP-OUT", "client =", "open_notebook", "UserWarning",
                 "Line2D", "Traceback", "boom"):
        assert gone not in body
    assert "Başlık" in notebook_body(nb, "tr") and "Title" not in notebook_body(nb, "tr")


@pytest.mark.parametrize("mime", ["text/html", "text/markdown", "text/plain"])
def test_hostile_output_text_shows_as_text(mime):
    nb = _nb(_cell("code", outputs=[{"output_type": "display_data",
                                     "data": {mime: " ".join(HOSTILE)}}]))
    body = notebook_body(nb)
    assert "<script" not in body and "<img" not in body and "onerror=alert" not in body.replace(
        "onerror=alert(1)&gt;", "") or mime == "text/html"
    if mime != "text/html":  # escaped, so the reader sees the characters
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<script" not in body and "<img src=\"x\"" not in body


def test_page_is_self_contained():
    nb = _nb(_cell("markdown", "# T"), _cell("code", outputs=[{
        "output_type": "display_data", "data": {"image/png": "iVBORw0KGgo=\n",
                                                "text/plain": "<Figure size 640x480 with 1 Axes>"}}]))
    body, full = export_parts(nb, "Client · <Audit>", "en")
    assert body in full and "<script" not in full.lower()
    assert re.findall(r'src="([^"]+)"', full) == ["data:image/png;base64,iVBORw0KGgo="]
    assert "http://" not in full and "https://" not in full and "@import" not in full
    assert CSP in full and "Client · &lt;Audit&gt;" in full
    assert 'name="viewport"' in full and "@media print" in full


def test_demote_headings():
    assert demote_headings("<h1 id=a>x</h1><h6>y</h6>") == "<h2 id=a>x</h2><h6>y</h6>"


def test_page_language_attribute():
    assert '<html lang="tr">' in page("t", "", "tr")
