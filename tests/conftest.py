"""Shared fixtures: demo clients generated once per session, figures closed, seeded RNG."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
EXTERNAL = Path(os.environ.get("SMM_NB_EXTERNAL", ROOT.parent / "shared" / "external"))
DEMO_SLUGS = ("kahve-kosesi", "nordwind-shop", "ledgerline")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20261123)


@pytest.fixture(scope="session")
def demo_data_dir(tmp_path_factory) -> Path:
    """A data folder holding the three demo clients (generated once per test session)."""
    from smm_nb.demo import generate_demo

    data = tmp_path_factory.mktemp("demo-data")
    generate_demo(data)
    ref = ROOT / "data" / "reference"
    if ref.is_dir():
        shutil.copytree(ref, data / "reference")
    return data


@pytest.fixture
def data_dir(tmp_path, demo_data_dir) -> Path:
    """A private copy of the demo data folder that a test may change."""
    dst = tmp_path / "data"
    shutil.copytree(demo_data_dir, dst, ignore=shutil.ignore_patterns("cache"))
    return dst


@pytest.fixture
def external_dir() -> Path:
    if not EXTERNAL.is_dir():
        pytest.skip("../shared/external is absent")
    return EXTERNAL
