# costmodel: two commands on a fresh machine with Python 3.11+ and make.
#   make report  - set up .venv, run every default scenario, write reports/
#   make test    - set up .venv with the dev extras, run the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: report test lint notebooks clean venv

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall when the project metadata changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[notebooks]'
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev,notebooks]'
	touch $@ $(VENV)/.installed

venv: $(VENV)/.installed

report: $(VENV)/.installed
	$(BIN)/costmodel report --scenarios scenarios --output reports

test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest

# ruff reads the notebooks too (.ipynb): code style and imports of every cell
lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests benchmarks notebooks
	$(BIN)/ruff format --check src tests benchmarks notebooks

# open the notebooks in JupyterLab for interactive work
notebooks: $(VENV)/.installed
	$(BIN)/jupyter lab notebooks

clean:
	rm -rf reports .pytest_cache
