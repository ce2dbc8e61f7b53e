"""environment.yml (conda) must list the same packages as pyproject.toml (pip)."""
import re
import tomllib

import yaml

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# pip name -> conda-forge names
CONDA_NAMES = {"dask[distributed]": ["dask", "distributed"]}


def _split(req: str) -> tuple[str, str]:
    m = re.match(r"^([A-Za-z0-9_.\-\[\]]+)\s*(.*)$", req.strip())
    return m.group(1).lower(), m.group(2).replace(" ", "")


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pip_reqs = project["dependencies"] + project["optional-dependencies"]["test"]
    expected = {}
    for req in pip_reqs:
        name, spec = _split(req)
        for conda in CONDA_NAMES.get(name, [name]):
            expected[conda] = spec
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = {}
    for dep in env["dependencies"]:
        if isinstance(dep, str) and not dep.startswith(("python", "pip")):
            name, spec = _split(dep)
            conda[name] = spec
    assert conda == expected
    assert "python=3.11" in env["dependencies"]
