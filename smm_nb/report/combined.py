"""One ``report.html`` per client: cover, contents, executive summary, the chapters.

Everything here is built from the client's own run: its name, its period, its findings
and its notebooks' bodies (already sanitized by :mod:`smm_nb.report.html`). Every
string from the client's config or findings is escaped.
"""
from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path
from typing import Iterable, Mapping

from smm_nb.report.html import demote_headings, notebook_body, page
from smm_nb.report.i18n import CHAPTERS, chapter_title, label  # noqa: F401 - CHAPTERS re-exported
from smm_nb.report.language import Language
from smm_nb.report.summary import summary_html


_FIRST_HEADING = re.compile(r"<h[1-3][^>]*>(.*?)</h[1-3]>", re.S | re.I)


def _title(lang: Language, name: str, body: str) -> str:
    """The chapter's title: ours for the five notebooks, else the notebook's first heading."""
    if name in CHAPTERS:
        return chapter_title(lang, name)
    m = _FIRST_HEADING.search(body)
    return html.unescape(re.sub(r"<[^>]+>", "", m.group(1))).strip() if m else name


def _period(lang: Language, period: tuple[dt.date, dt.date] | None) -> str | None:
    if not period or period[0] is None or period[1] is None:
        return None
    start, end = period
    return f"{lang.date(start, 'medium')} – {lang.date(end, 'medium')}"


def render_report(client_name: str, chapters: Mapping[str, dict | str | None], lang: Language,
                  run_date: dt.date, findings: dict | None = None,
                  period: tuple[dt.date, dt.date] | None = None,
                  platforms: Iterable[str] = (), currency: str | None = None,
                  footer: str | None = None) -> str:
    """The combined report as one self-contained HTML page.

    ``chapters`` maps a notebook name to its executed notebook (dict), to its
    already-rendered body (str), or to ``None`` when it failed (a note is shown).
    """
    esc = html.escape
    facts = [(label(lang, "period"), _period(lang, period)),
             (label(lang, "run_date"), lang.date(run_date, "long")),
             (label(lang, "platforms"), ", ".join(platforms) or None)]
    dl = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in facts if v)
    cover = (f'<header class="smm-cover" id="top"><p class="smm-kicker">'
             f'{esc(label(lang, "report"))}</p><h1>{esc(client_name)}</h1><dl>{dl}</dl></header>')
    nav = [f'<li><a href="#summary">{esc(label(lang, "summary"))}</a></li>']
    sections = []
    for i, (name, content) in enumerate(chapters.items(), start=1):
        anchor = f"ch-{i}"
        if content is None:
            title = _title(lang, name, "")
            body = f'<h2>{esc(title)}</h2><p class="smm-note">{esc(label(lang, "chapter_failed"))}</p>'
        else:
            body = notebook_body(content, lang.code) if isinstance(content, dict) else content
            title = _title(lang, name, body)
            body = demote_headings(body)
            if "<h2" not in body[:400]:  # a notebook without its own title gets one
                body = f"<h2>{esc(title)}</h2>" + body
        nav.append(f'<li><a href="#{anchor}">{i}. {esc(title)}</a></li>')
        sections.append(f'<section class="smm-chapter" id="{anchor}">{body}'
                        f'<p class="smm-note"><a href="#top">↑ {esc(label(lang, "top"))}</a>'
                        f"</p></section>")
    toc = (f'<nav class="smm-toc" aria-label="{esc(label(lang, "contents"))}"><ol>'
           f'{"".join(nav)}</ol></nav>')
    foot = f'<footer class="smm-footer">{esc(footer or label(lang, "generated"))}</footer>'
    body = cover + toc + summary_html(findings, lang, currency) + "".join(sections) + foot
    return page(f"{client_name} · {label(lang, 'report')}", body, lang.code)


def combined_report(client_name: str, notebooks: Mapping[str, dict | str | None],
                    out_path: Path, lang: Language, run_date: dt.date, **kwargs) -> Path:
    """Write :func:`render_report` to ``out_path``."""
    out_path = Path(out_path)
    out_path.write_text(render_report(client_name, notebooks, lang, run_date, **kwargs),
                        encoding="utf-8")
    return out_path
