"""Executed notebook -> client-ready HTML: no code, no prompts, no parameters, no stderr.

The page is built from the notebook's outputs by this module rather than by a
full nbconvert template, so it carries no scripts and no external resources:
images are embedded as data URIs, styles are inline, and it opens offline.
Markdown cells tagged ``lang-en`` / ``lang-tr`` are kept only for the report's
language. HTML outputs are trusted only because smm_nb builds them from escaped
parts (see :mod:`smm_nb.report.display`); any other text output is escaped here.
"""
from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import mistune

DROP_TAGS = {"parameters", "injected-parameters", "remove-cell", "setup"}

CSS = """
:root{--ink:#1d2733;--muted:#5b6775;--line:#dde3ea;--accent:#1f4e79}
*{box-sizing:border-box}
body{margin:0;font:16px/1.55 -apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;
color:var(--ink);background:#fff}
main{max-width:920px;margin:0 auto;padding:24px 18px 64px}
h1{font-size:1.9em;color:var(--accent);margin:.2em 0 .4em}
h2{font-size:1.35em;border-bottom:2px solid var(--line);padding-bottom:.2em;margin-top:1.8em}
h3{font-size:1.1em;margin-top:1.4em}
img{max-width:100%;height:auto;display:block;margin:.6em 0}
table.smm-table{border-collapse:collapse;width:100%;font-size:.88em;margin:.6em 0;display:block;
overflow-x:auto}
table.smm-table th,table.smm-table td{border-bottom:1px solid var(--line);padding:.35em .6em;
text-align:left;vertical-align:top}
table.smm-table th{background:#f4f6f9}
.smm-finding{font-weight:600;border-left:4px solid var(--accent);padding:.2em .8em;
background:#f4f8fc}
.smm-note,.smm-caption{color:var(--muted)}
.smm-warning{border-left:4px solid #c9a227;padding:.2em .8em;background:#fdf8e6}
pre.smm-text{white-space:pre-wrap;font-size:.85em;background:#f7f7f7;padding:.6em}
@media print{main{max-width:none;padding:0}h2{page-break-after:avoid}
img,table{page-break-inside:avoid}}
"""

_markdown = mistune.create_markdown(escape=False, plugins=["table", "strikethrough"])


def _cell_tags(cell: dict) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []))


def _keep(cell: dict, language: str) -> bool:
    tags = _cell_tags(cell)
    if tags & DROP_TAGS:
        return False
    langs = {t.removeprefix("lang-") for t in tags if t.startswith("lang-")}
    return not langs or language in langs


def _join(text: Any) -> str:
    return "".join(text) if isinstance(text, list) else str(text)


def render_output(output: dict) -> str:
    kind = output.get("output_type")
    if kind == "stream":
        if output.get("name") == "stderr":
            return ""  # warnings and logs are not for clients
        return f'<pre class="smm-text">{html.escape(_join(output.get("text", "")))}</pre>'
    if kind in ("display_data", "execute_result"):
        data = output.get("data", {})
        if "image/png" in data:
            b64 = _join(data["image/png"]).replace("\n", "")
            alt = html.escape(_join(data.get("text/plain", "chart")))
            return f'<img alt="{alt}" src="data:image/png;base64,{b64}">'
        if "text/html" in data:
            return _join(data["text/html"])
        if "text/markdown" in data:
            return _markdown(_join(data["text/markdown"]))
        if "text/plain" in data:
            return f'<pre class="smm-text">{html.escape(_join(data["text/plain"]))}</pre>'
        return ""
    if kind == "error":
        # an executed report never shows a traceback; the run records the failure instead
        return ""
    return ""


def notebook_body(nb: dict, language: str = "en") -> str:
    """The HTML of one executed notebook's kept markdown and outputs."""
    parts = []
    for cell in nb.get("cells", []):
        if not _keep(cell, language):
            continue
        if cell["cell_type"] == "markdown":
            parts.append(_markdown(_join(cell["source"])))
        elif cell["cell_type"] == "code":
            parts.extend(render_output(o) for o in cell.get("outputs", []))
    return "\n".join(p for p in parts if p)


def page(title: str, body: str, language: str = "en") -> str:
    return (f'<!DOCTYPE html>\n<html lang="{html.escape(language)}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width,initial-scale=1">'
            f"<title>{html.escape(title)}</title><style>{CSS}</style></head>"
            f"<body><main>{body}</main></body></html>\n")


def export_html(nb: dict, out_path: str | Path, title: str, language: str = "en") -> Path:
    out_path = Path(out_path)
    out_path.write_text(page(title, notebook_body(nb, language), language), encoding="utf-8")
    return out_path
