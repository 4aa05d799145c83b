# The two commands of the README: `make run` and `make test`.
# Each creates .venv and installs the pinned requirements on first use; later calls skip that step.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501

.PHONY: run test test-fast system-deps demo lint clean

$(VENV)/.run-deps: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --disable-pip-version-check -q -r requirements.txt
	touch $@

$(VENV)/.dev-deps: $(VENV)/.run-deps requirements-dev.txt
	$(PY) -m pip install --disable-pip-version-check -q -r requirements-dev.txt
	touch $@

run: $(VENV)/.run-deps
	$(PY) -m streamlit run app.py --server.port $(PORT)

# System packages the tests need (browser, LibreOffice for the document checks, fonts).
system-deps:
	@sh scripts/system-deps.sh

test: $(VENV)/.dev-deps system-deps
	$(PY) -m pytest -q

test-fast: $(VENV)/.dev-deps
	$(PY) -m pytest -q -m "not browser"

demo: $(VENV)/.run-deps
	$(PY) -m chibo demo

lint: $(VENV)/.dev-deps
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) .pytest_cache
