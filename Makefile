# Set-up is part of every target: a fresh clone needs only `make run` or `make test`.
PY ?= python3
VENV := .venv
STAMP := $(VENV)/.installed

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e '.[dev]'
	touch $@

.PHONY: install run test bench
install: $(STAMP)

run: $(STAMP)  ## clean seeds/ with the embedded defaults into reports/seeds/
	$(VENV)/bin/newsclean clean seeds --out reports/seeds

test: $(STAMP)  ## the whole test suite (what CI runs)
	$(VENV)/bin/python -m pytest -q

bench: $(STAMP)  ## every benchmark; each exits non-zero on a missed target
	@set -e; for b in bench/*.py; do echo "== $$b"; $(VENV)/bin/python $$b; done
