"""Helpers for importer tests: the hand-written native fixtures and a one-call ingest."""
from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "exports"


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def ingest():
    from smm_nb.ingest import IngestContext, ingest_files

    def run(*paths: Path, tz: str = "Europe/Istanbul", currency: str = "TRY", **kw):
        return ingest_files(list(paths), IngestContext(tz, currency), **kw)

    return run
