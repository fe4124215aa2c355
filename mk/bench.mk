# Benchmarks (bench/suite.py): every benchmark, one summary table and its plots in
# bench/results/<UTC date-time>[-quick].{json,md,png}; docs/performance.md explains them.
# `make bench` is the full run (about an hour on 2 CPUs); `make bench-quick` the smallest
# configuration of each, under two minutes, a smoke test rather than a record.

.PHONY: bench-quick

bench-quick: venv
	$(PY) -m bench.suite --quick
