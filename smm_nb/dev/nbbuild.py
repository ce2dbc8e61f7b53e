"""Write a source notebook from a list of cells, clean (no outputs, no counts).

Used by contributors to keep notebooks tidy::

    from smm_nb.dev.nbbuild import md, code, write_notebook
    write_notebook("notebooks/01_audit.ipynb", [md("# Audit", lang="en"), code("x = 1")])

``md(..., lang="tr")`` tags a prose cell so only the Turkish report keeps it.
"""
from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

PARAMETERS = '''client = "nordwind-shop"      # the client's slug: change it to open another client
data_dir = None                 # None: the data/ folder of this project
findings_path = None            # set by `smm-nb run`; None keeps findings in memory'''


def md(text: str, lang: str | None = None, tags: tuple[str, ...] = ()):
    t = list(tags) + ([f"lang-{lang}"] if lang else [])
    return new_markdown_cell(text.strip("\n"), metadata={"tags": t} if t else {})


def code(src: str, tags: tuple[str, ...] = ()):
    return new_code_cell(src.strip("\n"), metadata={"tags": list(tags)} if tags else {})


def parameters(default_client: str = "nordwind-shop"):
    return code(PARAMETERS.replace("nordwind-shop", default_client), tags=("parameters",))


def setup(notebook: str):
    return code(f'''from smm_nb import show
from smm_nb.notebook import open_notebook

s = open_notebook(client, "{notebook}", data_dir, findings_path)
ws, lang = s.ws, s.lang''', tags=("setup",))


def write_notebook(path: str | Path, cells: list) -> Path:
    nb = new_notebook(cells=cells, metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"}})
    for i, c in enumerate(nb.cells):
        c["id"] = f"cell-{i:02d}"  # stable ids keep diffs of rebuilt notebooks small
    nbformat.validate(nb)
    path = Path(path)
    nbformat.write(nb, path)
    return path
