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
    if findings_path is not None:  # a batch run (smm-nb run): this kernel runs once, ends
        _settle_memory()
    return Session(ws, lang, rec, notebook)


#: Allocations between two young-generation collections in a notebook (Python's: 700).
YOUNG_COLLECTION_THRESHOLD = 10_000


def _settle_memory() -> None:
    """What the setup has loaded (libraries, the client's data) lives as long as the
    notebook: move it out of the cyclic collector's reach (``gc.freeze``), so that no
    collection walks it again, and collect the young generation less often. The
    analyses and charts make many short-lived containers; in a 01_audit run this halves
    the time spent in the collector (~70 ms to ~35 ms) without keeping any more memory
    than a few thousand young objects. Reference counting frees everything else as
    before.

    Only in batch runs, whose kernel runs the notebook once and ends: in JupyterLab the
    setup cell may be run again and again, and what a frozen earlier run left in
    reference cycles would never be collected."""
    import gc

    gc.freeze()
    young, *older = gc.get_threshold()
    if young:  # 0: collection was switched off on purpose; leave it so
        gc.set_threshold(max(young, YOUNG_COLLECTION_THRESHOLD), *older)


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

