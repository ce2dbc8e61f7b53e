"""papermill's nbclient engine for batch runs: the executed notebook is written once, when
the run ends, instead of twice per cell.

papermill writes the whole notebook (every chart so far, validated against the notebook
schema) when each cell starts and again when it ends, so that someone can watch a long run
in the output file. Nobody watches a batch run's staging folder, and the write at a cell's
start is counted in that cell's duration. The last write happens in any case: papermill
saves in a ``finally`` when the run ends, so a notebook that raises, times out or whose
kernel dies still leaves its partial executed notebook for debugging.
"""
from __future__ import annotations

from typing import Any

from papermill.engines import NBClientEngine, NotebookExecutionManager, papermill_engines

#: The ``engine_name`` to pass to ``papermill.execute_notebook``.
ENGINE_NAME = "smm-nb-batch"


class _SaveAtEnd(NotebookExecutionManager):
    """Keeps papermill's bookkeeping (cell start/end times, durations, status), writes
    the notebook only from ``notebook_start`` and ``notebook_complete``."""

    _writes = True

    def save(self, **kwargs: Any) -> None:
        if self._writes:
            super().save(**kwargs)

    def notebook_start(self, **kwargs: Any) -> None:
        super().notebook_start(**kwargs)
        self._writes = False  # the first write (parameters injected) has happened

    def notebook_complete(self, **kwargs: Any) -> None:
        self._writes = True
        super().notebook_complete(**kwargs)


class BatchEngine(NBClientEngine):
    """:class:`papermill.engines.NBClientEngine` with :class:`_SaveAtEnd`."""

    @classmethod
    def execute_notebook(cls, nb, kernel_name, output_path=None, progress_bar=True,
                         log_output=False, autosave_cell_every=30, **kwargs):
        # papermill's Engine.execute_notebook, with the manager class swapped
        nb_man = _SaveAtEnd(nb, output_path=output_path, progress_bar=progress_bar,
                            log_output=log_output, autosave_cell_every=autosave_cell_every)
        nb_man.notebook_start()
        try:
            cls.execute_managed_notebook(nb_man, kernel_name, log_output=log_output, **kwargs)
        finally:
            nb_man.cleanup_pbar()
            nb_man.notebook_complete()
        return nb_man.nb


def register() -> str:
    """Make the engine known to papermill in this process; returns its name."""
    papermill_engines.register(ENGINE_NAME, BatchEngine)
    return ENGINE_NAME
