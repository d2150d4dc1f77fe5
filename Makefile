# Two commands for a newcomer: `make run` and `make test`. Each creates .venv when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-fast lint typecheck pytest bench bench-vector bench-strategies bench-sweep
.PHONY: bench-scale bench-calibrate
.PHONY: validate approximations pairing calibration-check planted-import bench-import bench-optimize clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[dev,dask,analysis]"
	touch $(STAMP)

# scenarios/baseline.yaml, every strategy, vector engine, 50,000 prospects: writes reports/baseline/
run: $(STAMP)
	$(BIN)/followup run

test: $(STAMP) lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check sim tests benchmarks examples
	$(BIN)/ruff format --check sim tests benchmarks examples

typecheck: $(STAMP)
	$(BIN)/mypy sim

# every test and every notebook (nbmake executes notebooks/*.ipynb; outputs are not written back)
pytest: $(STAMP)
	$(BIN)/pytest -q --nbmake --nbmake-timeout=300 tests notebooks

# the fast tier: unit, event-sequence, closed-form at small sizes and the baseline snapshot
test-fast: $(STAMP)
	$(BIN)/pytest -q -m "not slow" tests

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_des.py
	$(BIN)/python benchmarks/bench_vector.py

bench-vector: $(STAMP)
	$(BIN)/python benchmarks/bench_vector.py

# every library strategy's prospect-days/s in one process and its ratio to a bare NumPy step
bench-strategies: $(STAMP)
	$(BIN)/python benchmarks/bench_strategies.py

bench-sweep: $(STAMP)
	$(BIN)/python benchmarks/bench_sweep.py

# a 1,000,000-prospect run of every strategy (time, peak memory), per-task times, simulate's fixed cost
bench-scale: $(STAMP)
	$(BIN)/python benchmarks/bench_scale.py --prospects 1000000

# a calibration of 6 free parameters to 8 targets with the default budget, timed
bench-calibrate: $(STAMP)
	$(BIN)/python benchmarks/bench_calibrate.py

# cold-outbound, default constraints: trials and minutes to a pick that beats every library strategy
bench-optimize: $(STAMP)
	$(BIN)/python benchmarks/bench_optimize.py

# 20 planted recoveries: the coverage of the 90% posterior intervals (fails outside binomial error)
calibration-check: $(STAMP)
	$(BIN)/python benchmarks/calibration_check.py --recoveries 20

# the planted truth of `followup import`: every format written from a simulated team with known
# parameters, imported, calibrated and checked on a holdout (fails when the intervals miss)
planted-import: $(STAMP)
	$(BIN)/python benchmarks/planted_import.py

# a 1,000,000-row export imported: the time and the peak memory
bench-import: $(STAMP)
	$(BIN)/python benchmarks/bench_import.py

validate: $(STAMP)
	$(BIN)/python benchmarks/validate.py

approximations: $(STAMP)
	$(BIN)/python benchmarks/approximations.py

pairing: $(STAMP)
	$(BIN)/python benchmarks/pairing.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
