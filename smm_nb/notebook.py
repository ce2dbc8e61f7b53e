"""What the first code cell of every notebook calls: open the client, pick the
language, start the findings record, set the chart theme."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from smm_nb.model.workspace import Workspace, load_client
from smm_nb.report.display import set_language
from smm_nb.report.findings import Finding, FindingsRecorder
from smm_nb.report.language import Language


@dataclass
class Session:
    """A notebook's handles: the client's workspace, its language and its findings."""

    ws: Workspace
    lang: Language
    findings: FindingsRecorder
    notebook: str

    def record(self, item, key: str | None = None) -> list[Finding]:
        return self.findings.record(item, key)

    def text(self, en: str, tr: str) -> str:
        return self.lang.text(en, tr)


def open_notebook(client: str, notebook: str, data_dir: str | Path | None = None,
                  findings_path: str | Path | None = None) -> Session:
    """Open ``client`` for ``notebook`` (e.g. ``"01_audit"``).

    Raises the one-line :class:`~smm_nb.errors.SmmError` of a bad config or export
    before any analysis runs.
    """
    ws = load_client(client, data_dir)
    lang = Language(ws.config.language)
    set_language(lang.code)  # tables shown from here on use the report's language
    try:
        from smm_nb.viz.theme import apply_theme

        apply_theme()
    except ImportError:  # viz is optional for data-only use
        pass
    ws.tables()  # load (or build the cache) now, so data errors surface in this cell
    _import_statistics()
    rec = FindingsRecorder(notebook, findings_path, client=client, language=lang.code)
    return Session(ws, lang, rec, notebook)


def _import_statistics() -> None:
    """Import the statistics libraries the analyses load lazily (``statsmodels.api``
    alone is ~0.4 s and 600 modules), so that a notebook pays for its imports in its
    setup, not inside the first analysis that fits a model. Warm kernels have them
    already (``smm_nb.run.warm_zygote.PRELOAD``); ``import smm_nb`` itself stays light."""
    import importlib

    for name in ("scipy.stats", "scipy.optimize", "statsmodels.api"):
        try:
            importlib.import_module(name)
        except ImportError:  # the analysis that needs it will say so
            pass

