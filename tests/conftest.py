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
# Charts laid out with fixed margins are shown unmeasured in reports; every notebook the
# suite runs (kernels inherit this) measures them and fails if a label reaches beyond
# the figure (smm_nb.report.display.CHECK_FIT_ENV).
os.environ.setdefault("SMM_NB_CHECK_CHART_FIT", "1")
# Tables are written from plain lists; every table of every notebook the suite runs is
# also written by pandas' to_html, and a difference fails (report.display.CHECK_TABLES_ENV).
os.environ.setdefault("SMM_NB_CHECK_TABLES", "1")


@pytest.fixture(autouse=True)
def _close_figures():
    """Figures closed and matplotlib settings restored after each test, so that a test
    that applies the report theme (titles on the left, ...) cannot change the next one."""
    with matplotlib.rc_context():
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


@pytest.fixture(scope="session")
def edge_data_dir(tmp_path_factory) -> Path:
    """Thin clients for edge cases: ``tiny-shop`` (one platform, two weeks, no spend, no
    experiments) and ``month-shop`` (Instagram and Facebook, 30 days, no spend)."""
    from smm_nb.demo import small_client

    data = tmp_path_factory.mktemp("edge-data")
    small_client(data, "tiny-shop", days=14, platforms=("instagram",))
    small_client(data, "month-shop", days=30, platforms=("instagram", "facebook"), seed=8)
    ref = ROOT / "data" / "reference"
    if ref.is_dir():
        shutil.copytree(ref, data / "reference")
    return data


def execute_notebook(name: str, client: str, data_dir: Path, out_dir: Path) -> tuple[dict, dict]:
    """Run ``notebooks/<name>.ipynb`` for ``client`` with papermill, as the batch does.

    Returns the executed notebook (as a dict) and its findings record.
    """
    import json

    import nbformat
    import papermill as pm

    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / f"{client}-{name}.ipynb"
    findings = out_dir / f"{client}-{name}.findings.json"
    pm.execute_notebook(str(ROOT / "notebooks" / f"{name}.ipynb"), str(out),
                        parameters={"client": client, "data_dir": str(data_dir),
                                    "findings_path": str(findings)},
                        kernel_name="python3", progress_bar=False, cwd=str(ROOT / "notebooks"))
    nb = nbformat.read(out, as_version=4)
    return nb, json.loads(findings.read_text(encoding="utf-8")) if findings.exists() else {}


@pytest.fixture
def run_notebook(tmp_path):
    """``run_notebook(name, client, data_dir)`` -> (executed notebook, findings record)."""
    def _run(name: str, client: str, data_dir: Path):
        return execute_notebook(name, client, data_dir, tmp_path / "executed")
    return _run
