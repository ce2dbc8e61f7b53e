"""Executed notebook -> client-ready HTML: no code, no prompts, no parameters, no stderr.

The page is built from the notebook's outputs by this module rather than by a full
nbconvert template, so it carries no scripts and no external resources: images are
embedded as data URIs, styles are inline, and it opens offline. Exporting a notebook
takes milliseconds, in the process that executed it.

Markdown cells tagged ``lang-en`` / ``lang-tr`` are kept only for the report's
language; cells tagged ``parameters``, ``injected-parameters``, ``setup`` or
``remove-cell`` are dropped, and so are errors, stderr and object reprs.

Untrusted text is escaped by :mod:`smm_nb.report.display` when it is shown. As a
second line of defence every piece of HTML that reaches a page passes through
:func:`sanitize`: an allow-list of tags and attributes, ``data:`` images only, no
event handlers, no styles, no scripts. So even an ``HTML(caption)`` shown by mistake
cannot run code or load anything from the network.
"""
from __future__ import annotations

import base64
import html
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import mistune

DROP_TAGS = {"parameters", "injected-parameters", "remove-cell", "setup"}

CSS = """
:root{--ink:#1d2733;--muted:#5b6775;--line:#dde3ea;--accent:#1f4e79;--soft:#f4f8fc}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:16px/1.55 -apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;
color:var(--ink);background:#fff;overflow-wrap:break-word}
main{max-width:920px;margin:0 auto;padding:24px 18px 64px}
h1{font-size:1.9em;color:var(--accent);margin:.2em 0 .4em;line-height:1.2}
h2{font-size:1.4em;border-bottom:2px solid var(--line);padding-bottom:.2em;margin-top:1.8em;
line-height:1.25}
h3{font-size:1.15em;margin-top:1.5em}
h4,h5,h6{font-size:1em;margin-top:1.2em}
a{color:var(--accent)}
img{max-width:100%;height:auto;display:block;margin:.6em 0}
table{border-collapse:collapse;width:100%;font-size:.88em;margin:.6em 0;display:block;
overflow-x:auto;-webkit-overflow-scrolling:touch}
th,td{border-bottom:1px solid var(--line);padding:.35em .6em;text-align:left;vertical-align:top}
th{background:#f4f6f9}
.smm-finding{font-weight:600;border-left:4px solid var(--accent);padding:.2em .8em;
background:var(--soft)}
.smm-note,.smm-caption{color:var(--muted)}
.smm-warning{border-left:4px solid #c9a227;padding:.2em .8em;background:#fdf8e6}
pre.smm-text{white-space:pre-wrap;font-size:.85em;background:#f7f7f7;padding:.6em}
.smm-cover{border-bottom:3px solid var(--accent);padding-bottom:1em;margin-bottom:1.2em}
.smm-cover .smm-kicker{text-transform:uppercase;letter-spacing:.08em;font-size:.8em;
color:var(--muted);margin:0}
.smm-cover dl{display:grid;grid-template-columns:max-content 1fr;gap:.2em 1em;margin:.6em 0 0}
.smm-cover dt{color:var(--muted)}.smm-cover dd{margin:0}
nav.smm-toc{position:sticky;top:0;background:#fff;border-bottom:1px solid var(--line);
margin:0 -18px;padding:.4em 18px;z-index:1}
nav.smm-toc ol{display:flex;gap:.4em 1.2em;flex-wrap:wrap;list-style:none;margin:0;padding:0;
font-size:.92em}
nav.smm-toc a{text-decoration:none;white-space:nowrap}
.smm-cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(160px,1fr));gap:12px;
margin:1em 0}
.smm-card{border:1px solid var(--line);border-top:4px solid var(--accent);border-radius:6px;
padding:.7em .9em;background:#fff}
.smm-card h3{margin:0 0 .3em;font-size:.8em;text-transform:uppercase;letter-spacing:.06em;
color:var(--muted)}
.smm-card .smm-value{font-size:1.6em;font-weight:700;color:var(--accent);line-height:1.2}
.smm-card .smm-interval{font-size:.8em;color:var(--muted)}
.smm-card p{margin:.4em 0 0;font-size:.9em}
.smm-card.smm-missing .smm-value{color:var(--muted);font-size:1.1em}
section.smm-chapter{margin-top:2.5em}
.smm-footer{margin-top:3em;font-size:.8em;color:var(--muted);border-top:1px solid var(--line);
padding-top:.6em}
@media (max-width:600px){body{font-size:15px}main{padding:14px 12px 40px}
nav.smm-toc{margin:0 -12px;padding:.4em 12px;position:static}h1{font-size:1.5em}}
@media print{@page{margin:16mm}body{font-size:11pt}main{max-width:none;padding:0}
nav.smm-toc{display:none}a{color:inherit;text-decoration:none}
h2,h3{break-after:avoid;page-break-after:avoid}
img,table,.smm-card,.smm-finding{break-inside:avoid;page-break-inside:avoid}
section.smm-chapter{break-before:page;page-break-before:always}
table{display:table;overflow:visible}
.smm-cards{grid-template-columns:repeat(5,1fr)}}
"""

# ---------------------------------------------------------------------------------------
# sanitizing

_ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "del",
    "details", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "img", "li", "ol", "p", "pre", "s", "section", "small", "span", "strong",
    "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}
_VOID = {"br", "col", "hr", "img"}
# content of these is dropped with the tag (not shown as text)
_DROP_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "noscript", "template",
                      "svg", "math", "title", "head", "link", "meta", "base", "form",
                      "textarea", "select", "button", "audio", "video", "frame", "frameset"}
_ALLOWED_ATTRS = {"class", "id", "colspan", "rowspan", "alt", "title", "scope", "lang",
                  "start", "dir", "open"}
_DATA_IMAGE = re.compile(r"^data:image/(png|jpeg|gif|webp|svg\+xml);base64,[A-Za-z0-9+/=\s]*$")
_SAFE_HREF = re.compile(r"^(#[\w\-.:]*|https?://[^\s\"'<>]*|mailto:[^\s\"'<>]*)$", re.I)


class _Sanitizer(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skip = 0  # depth inside a dropped-with-content element
        self.open: list[str] = []

    def _attrs(self, tag: str, attrs: list[tuple[str, str | None]]) -> str | None:
        kept = []
        for name, value in attrs:
            name = name.lower()
            value = "" if value is None else value
            if name in _ALLOWED_ATTRS:
                kept.append((name, value))
            elif tag == "img" and name == "src":
                if not _DATA_IMAGE.match(value.strip()):
                    return None  # an image that would load from anywhere is dropped
                kept.append((name, value.strip()))
            elif tag == "a" and name == "href":
                if _SAFE_HREF.match(value.strip()):
                    kept.append((name, value.strip()))
            # everything else (on*, style, srcset, formaction, ...) is dropped
        if tag == "img" and not any(n == "src" for n, _ in kept):
            return None
        return "".join(f' {n}="{html.escape(v, quote=True)}"' for n, v in kept)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        tag = tag.lower()
        if tag in _DROP_WITH_CONTENT:
            if tag not in _VOID and tag not in ("link", "meta", "base"):
                self.skip += 1
            return
        if self.skip or tag not in _ALLOWED_TAGS:
            return
        rendered = self._attrs(tag, attrs)
        if rendered is None:
            return
        if tag == "a" and 'href="http' in rendered.lower():
            rendered += ' rel="noopener noreferrer"'
        self.out.append(f"<{tag}{rendered}>")
        if tag not in _VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        tag = tag.lower()
        if tag in _VOID:
            self.handle_starttag(tag, attrs)
        else:
            self.handle_starttag(tag, attrs)
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        tag = tag.lower()
        if tag in _DROP_WITH_CONTENT:
            if tag not in _VOID and tag not in ("link", "meta", "base"):
                self.skip = max(0, self.skip - 1)
            return
        if self.skip or tag not in _ALLOWED_TAGS or tag in _VOID:
            return
        if tag in self.open:
            while self.open:
                t = self.open.pop()
                self.out.append(f"</{t}>")
                if t == tag:
                    break

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.out.append(html.escape(data, quote=False))

    def close(self) -> None:  # type: ignore[override]
        super().close()
        while self.open:
            self.out.append(f"</{self.open.pop()}>")


def sanitize(markup: str) -> str:
    """Keep only harmless HTML: allow-listed tags and attributes, ``data:`` images,
    in-page, http(s) and mailto links. Text is re-escaped; comments are dropped."""
    s = _Sanitizer()
    s.feed(markup)
    s.close()
    return "".join(s.out)


# ---------------------------------------------------------------------------------------
# notebook -> HTML

_markdown_cells = mistune.create_markdown(escape=False, plugins=["table", "strikethrough"])
# markdown *outputs* come from code, possibly with export text inside: raw HTML escaped
_markdown_outputs = mistune.create_markdown(escape=True, plugins=["table", "strikethrough"])
_OBJECT_REPR = re.compile(r"<[^<>]* at 0x[0-9a-fA-F]+>")


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
    """One cell output as HTML ("" for what a client should not see)."""
    kind = output.get("output_type")
    if kind == "stream":
        if output.get("name") == "stderr":
            return ""  # warnings and logs are not for clients
        text = _join(output.get("text", "")).strip("\n")
        return f'<pre class="smm-text">{html.escape(text)}</pre>' if text.strip() else ""
    if kind in ("display_data", "execute_result"):
        data = output.get("data", {})
        for mime in ("image/svg+xml", "image/png", "image/jpeg"):
            if mime in data:
                # PNG and JPEG arrive base64-encoded, SVG (smm_nb's charts) as text; inside
                # <img> an SVG runs no script and loads nothing
                raw = _join(data[mime])
                b64 = (base64.b64encode(raw.encode("utf-8")).decode("ascii")
                       if mime == "image/svg+xml" else raw.replace("\n", ""))
                alt = _join(data.get("text/plain", "chart"))
                alt = "chart" if _OBJECT_REPR.search(alt) or alt.startswith("<Figure") else alt
                return f'<img alt="{html.escape(alt)}" src="data:{mime};base64,{b64}">'
        if "text/html" in data:
            return _join(data["text/html"])
        if "text/markdown" in data:
            return _markdown_outputs(_join(data["text/markdown"]))
        if "text/plain" in data:
            text = _join(data["text/plain"])
            if _OBJECT_REPR.search(text) or text.startswith("<Figure"):
                return ""  # e.g. "[<matplotlib.lines.Line2D at 0x7f..>]"
            return f'<pre class="smm-text">{html.escape(text)}</pre>'
        return ""
    # "error": an executed report never shows a traceback; the run records the failure
    return ""


def notebook_body(nb: dict, language: str = "en") -> str:
    """The sanitized HTML of one executed notebook's kept markdown and outputs."""
    parts = []
    for cell in nb.get("cells", []):
        if not _keep(cell, language):
            continue
        if cell["cell_type"] == "markdown":
            parts.append(_markdown_cells(_join(cell["source"])))
        elif cell["cell_type"] == "code":
            parts.extend(render_output(o) for o in cell.get("outputs", []))
    return sanitize("\n".join(p for p in parts if p))


_HEADING = re.compile(r"<(/?)h([1-6])\b", re.I)


def demote_headings(markup: str, by: int = 1) -> str:
    """``<h1>`` -> ``<h2>`` etc., so a notebook becomes a chapter under the cover."""
    return _HEADING.sub(lambda m: f"<{m.group(1)}h{min(6, int(m.group(2)) + by)}", markup)


#: the browser itself refuses scripts and any network load, even if markup slipped through
CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"


def page(title: str, body: str, language: str = "en") -> str:
    """A complete, self-contained HTML page (inline styles, no scripts)."""
    return (f'<!DOCTYPE html>\n<html lang="{html.escape(language)}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width,initial-scale=1">'
            f'<meta name="referrer" content="no-referrer">'
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
            f"<title>{html.escape(title)}</title><style>{CSS}</style></head>"
            f"<body><main>{body}</main></body></html>\n")


def export_parts(nb: dict, title: str, language: str = "en") -> tuple[str, str]:
    """(body, full page) of one executed notebook."""
    body = notebook_body(nb, language)
    return body, page(title, body, language)


def export_html(nb: dict, out_path: str | Path, title: str, language: str = "en") -> Path:
    out_path = Path(out_path)
    out_path.write_text(export_parts(nb, title, language)[1], encoding="utf-8")
    return out_path
