# Two commands from a fresh clone: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp

.PHONY: demo test test-fast lab bench clean-cache

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

## make demo: install, generate the demo clients, run every notebook, print where the reports are
demo: $(STAMP)
	$(PY) -m smm_nb.cli demo

## make test: install when missing, then the whole suite
test: $(STAMP)
	$(PY) -m pytest -n 2 --dist loadfile -q

test-fast: $(STAMP)
	$(PY) -m pytest -n 2 -q -m "not e2e and not browser"

## make lab: JupyterLab on notebooks/ (generates the demo clients first if there are none)
lab: $(STAMP)
	@test -f data/clients/nordwind-shop/client.yaml || $(PY) -m smm_nb.cli demo --no-run
	$(VENV)/bin/jupyter lab notebooks/

bench: $(STAMP)
	$(PY) -m smm_nb.cli bench

clean-cache:
	rm -rf data/cache
