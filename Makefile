# Set-up is part of every target: a fresh clone needs only `make run` or `make test`.
PY ?= python3
VENV := .venv
STAMP := $(VENV)/.installed

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e '.[dev]'
	$(MAKE) -s bytecode
	touch $@

.PHONY: install run test bench bytecode
install: $(STAMP)

# An editable install compiles none of our modules (pip compiles a regular install's), and
# under PYTHONDONTWRITEBYTECODE no run writes them: every command compiled all ~100 (0.1 s of
# `newsclean clean ONE`'s start-up). A module edited since is compiled at import, as usual.
bytecode:
	$(VENV)/bin/python -m compileall -q cleaners newsclean flows

run: $(STAMP) bytecode  ## clean seeds/ with the embedded defaults into reports/seeds/
	$(VENV)/bin/newsclean clean seeds --out reports/seeds

test: $(STAMP)  ## the whole test suite (what CI runs)
	$(VENV)/bin/python -m pytest -q

bench: $(STAMP) bytecode  ## every benchmark; each exits non-zero on a missed target
	@set -e; for b in bench/*.py; do echo "== $$b"; $(VENV)/bin/python $$b; done
