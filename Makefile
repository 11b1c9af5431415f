# keras_posegate: `make demo` and `make test` work from a fresh clone.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export KERAS_BACKEND := tensorflow
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONUNBUFFERED := 1

.PHONY: venv demo test test-python test-android lint format clean

venv: $(STAMP)

$(STAMP): setup.py pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	# The test extra brings jax[cpu]: the tests run the model on JAX too.
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

demo: venv
	$(VENV)/bin/posegate demo $(DEMO_FLAGS)

lint: venv
	$(VENV)/bin/ruff check keras_posegate tflite tests
	$(VENV)/bin/ruff format --check keras_posegate tflite tests

format: venv
	$(VENV)/bin/ruff format keras_posegate tflite tests
	$(VENV)/bin/ruff check --fix keras_posegate tflite tests

test-python: venv
	$(PY) -m pytest -n 2 --dist loadfile -q tests

test-android: venv
	bash android_demo/scripts/test_jvm.sh

test: lint test-android test-python

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
