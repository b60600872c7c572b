# Vigie — deux commandes sur une machine neuve : `make demo` et `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installe
DB     ?= $(CURDIR)/.vigie-demo/vigie.duckdb

.PHONY: demo test test-rapide bench chromium clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# Le test dans un vrai navigateur utilise le chromium de Debian (Playwright ne peut pas télécharger le sien).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; \
	  elif command -v sudo >/dev/null 2>&1; then sudo apt-get update -qq && sudo apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; \
	  else echo "chromium absent et pas de droits root : le test navigateur sera ignoré"; fi; }

demo: $(STAMP)
	$(VENV)/bin/vigie demo --db $(DB)

test: $(STAMP) chromium
	$(PY) -m pytest

test-rapide: $(STAMP)
	$(PY) -m pytest -m "not slow and not browser" -x -q

bench: $(STAMP)
	$(PY) -m pip install --quiet -e '.[bench]'
	$(PY) -m benchmarks

clean:
	rm -rf $(VENV) .vigie-demo .pytest_cache
