"""Fixtures of the batch-run tests: small notebooks that make the real notebooks' setup."""
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def summary_nb() -> str:
    """Shows recent captions (through ``show``), a chart and records one finding."""
    return str(FIXTURES / "summary.ipynb")


@pytest.fixture
def fault_nb() -> str:
    """Raises for nordwind-shop, kills its kernel for ledgerline, works for others."""
    return str(FIXTURES / "fault.ipynb")
